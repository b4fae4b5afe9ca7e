"""Page identity: names, file-name decoding/encoding, namespaces and journal titles (§5)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

TRIPLE_LOWBAR = "triple-lowbar"
LEGACY = "legacy"


@lru_cache(maxsize=262144)
def page_name(title: str) -> str:
    """Identity of a page: NFC of the lower-cased title, one leading/trailing ``/`` stripped."""
    name = title.lower()
    if not name.isascii():
        name = unicodedata.normalize("NFC", name)
    if name.startswith("/"):
        name = name[1:]
    if name.endswith("/"):
        name = name[:-1]
    return name


# What Logseq takes for a URL (a name that is one has no namespace): what the WHATWG parser
# reads with a non-null origin, i.e. a special scheme and a host. "see https://x.org/a" is no
# URL, so it is a namespace page ("see https:", "see https://x.org"), as in Logseq.
_URL = re.compile(r"[\x00-\x20]*(?:https?|wss?|ftp):[/\\]*(?:[^/\\?#@]*@)?[^\s/\\?#@:<>\[\]^|]+")


def namespace_parents(name: str) -> list[str]:
    """``a/b/c`` → ``["a", "a/b"]``; nothing for relative paths and URLs (:data:`_URL`)."""
    if "/" not in name:
        return []
    if name.startswith(("./", "../")) or _URL.match(name):
        return []
    parts = name.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts)) if parts[i - 1]]


_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")


def _url_decode(text: str) -> str:
    if "%" not in text:
        return text
    # Decode only well-formed escapes; a lone "%" (``100%``) stays as it is.
    try:
        decoded = unquote(text, errors="strict")
    except UnicodeDecodeError:
        return text
    return decoded


def title_from_file_stem(stem: str, name_format: str = LEGACY) -> str:
    """Decode a file name (without extension) into a page title, per ``:file/name-format``."""
    if name_format == TRIPLE_LOWBAR:
        title = stem.replace("___", "/")
        title = _url_decode(title)
        if "/" in title:
            title = "/".join(p for p in title.split("/") if p != "")
        return title
    # Legacy: "." is the namespace separator, then the whole name is URL-decoded.
    title = stem.replace(".", "/")
    return _url_decode(title)


_WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])$", re.IGNORECASE)
_RESERVED_CHARS = re.compile(r'[:*?"<>|#\\]')


def file_stem_from_title(title: str, name_format: str = TRIPLE_LOWBAR) -> str:
    """Encode a page title as a file name (without extension); the inverse of the decoder."""
    if name_format == TRIPLE_LOWBAR:
        stem = _PERCENT.sub(lambda m: "%25" + m.group(0)[1:], title)
        stem = _RESERVED_CHARS.sub(lambda m: f"%{ord(m.group(0)):02X}", stem)
        stem = stem.replace("___", "%5F%5F%5F").replace("/", "___")
        if stem.startswith("."):
            stem = "%2E" + stem[1:]
        if _WINDOWS_RESERVED.match(stem):
            stem += "___"
        return stem
    stem = _PERCENT.sub(lambda m: "%25" + m.group(0)[1:], title)
    stem = _RESERVED_CHARS.sub(lambda m: f"%{ord(m.group(0)):02X}", stem)
    stem = stem.replace(".", "%2E").replace("/", ".")
    return stem


# ---------------------------------------------------------------------------------------------
# Journals. Logseq formats journal titles with date-fns tokens; we translate the few tokens
# journal formats use into a regex (to read titles) and a formatter (to name journal files).

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_TOKEN = re.compile(r"yyyy|MMMM|MMM|MM|M|do|dd|d|EEEE|EEE|E|'[^']*'")


def _ordinal(n: int) -> str:
    if 11 <= n % 100 <= 13:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def format_journal_title(day: dt.date, fmt: str = "MMM do, yyyy") -> str:
    def sub(m: re.Match[str]) -> str:
        t = m.group(0)
        return {
            "yyyy": f"{day.year:04d}",
            "MMMM": _MONTHS[day.month - 1],
            "MMM": _MONTHS[day.month - 1][:3],
            "MM": f"{day.month:02d}",
            "M": str(day.month),
            "do": _ordinal(day.day),
            "dd": f"{day.day:02d}",
            "d": str(day.day),
            "EEEE": _DAYS[day.weekday()],
            "EEE": _DAYS[day.weekday()][:3],
            "E": _DAYS[day.weekday()][:3],
        }.get(t, t[1:-1] if t.startswith("'") else t)

    return _TOKEN.sub(sub, fmt)


@lru_cache(maxsize=32)
def _journal_regex(fmt: str) -> re.Pattern[str]:
    parts: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(fmt):
        parts.append(re.escape(fmt[pos : m.start()]))
        t = m.group(0)
        parts.append(
            {
                "yyyy": r"(?P<y>\d{4})",
                "MMMM": r"(?P<mname>[a-z]+)",
                "MMM": r"(?P<mname>[a-z]+)",  # a full month name is read too (Logseq)
                "MM": r"(?P<m>\d{2})",
                "M": r"(?P<m>\d{1,2})",
                "do": r"(?P<d>\d{1,2})(?:st|nd|rd|th)",
                "dd": r"(?P<d>\d{2})",
                "d": r"(?P<d>\d{1,2})",
                "EEEE": r"[a-z]+",
                "EEE": r"[a-z]{3}",
                "E": r"[a-z]{3}",
            }.get(t, re.escape(t[1:-1]) if t.startswith("'") else re.escape(t))
        )
        pos = m.end()
    parts.append(re.escape(fmt[pos:]))
    return re.compile("".join(parts), re.IGNORECASE)


_MONTH_INDEX = {m.lower(): i + 1 for i, m in enumerate(_MONTHS)}
_MONTH_INDEX.update({m[:3].lower(): i + 1 for i, m in enumerate(_MONTHS)})


def _match_date(regex: re.Pattern[str], text: str) -> dt.date | None:
    m = regex.fullmatch(text)
    if m is None:
        return None
    g = m.groupdict()
    month = int(g["m"]) if g.get("m") else _MONTH_INDEX.get((g.get("mname") or "").lower())
    if not month or not g.get("y") or not g.get("d"):
        return None
    try:
        return dt.date(int(g["y"]), month, int(g["d"]))
    except ValueError:
        return None


_ISO_DASH = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_ISO_LOW = re.compile(r"(?P<y>\d{4})_(?P<m>\d{1,2})_(?P<d>\d{1,2})")


DEFAULT_JOURNAL_FORMAT = "MMM do, yyyy"


def journal_day(title: str, fmt: str = DEFAULT_JOURNAL_FORMAT) -> dt.date | None:
    """The day a journal title names, else None: in the configured format, Logseq's default
    one (whatever is configured: ``Jul 30th, 2021`` names a day in any graph), yyyy-MM-dd or
    yyyy_MM_dd, tried in that order as Logseq does."""
    if not title or not title[0].isalnum() or len(title) > 40:
        return None
    return (
        _match_date(_journal_regex(fmt), title)
        or (
            fmt != DEFAULT_JOURNAL_FORMAT
            and _match_date(_journal_regex(DEFAULT_JOURNAL_FORMAT), title)
            or None
        )
        or _match_date(_ISO_DASH, title)
        or _match_date(_ISO_LOW, title)
    )


# ---------------------------------------------------------------------------------------------
# Names of pages bmtools creates (``new``, ``milestones --write-page``): one check for all.

MAX_FILE_NAME_BYTES = 255  # what ext4, APFS, NTFS and most other file systems allow
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_MACRO_OR_REF = ("[[", "]]", "{{", "}}", "((", "))")


def check_new_page_name(title: str, name_format: str = TRIPLE_LOWBAR) -> str:
    """``title`` when a page of that name can be created and referred to; else ValueError
    saying why. The file name it gets must fit the file system, and the name must survive
    inside ``[[…]]`` and ``{{embed [[…]]}}``."""
    if not title or title != title.strip():
        raise ValueError(f"page name {title!r}: empty or surrounded by spaces")
    if _CONTROL_CHARS.search(title):
        raise ValueError(f"page name {title!r}: line breaks, tabs and control characters")
    bad = [m for m in _MACRO_OR_REF if m in title]
    if bad:
        raise ValueError(
            f"page name {title!r}: {' and '.join(repr(m) for m in bad)} would end a reference "
            "or macro around it"
        )
    parts = title.replace("\\", "/").split("/")
    if any(p.strip() in ("", ".", "..") for p in parts) or title.startswith("~"):
        raise ValueError(f"page name {title!r}: would leave the graph or has an empty part")
    size = len((file_stem_from_title(title, name_format) + ".md").encode("utf-8", "replace"))
    if size > MAX_FILE_NAME_BYTES:
        raise ValueError(
            f"page name {title[:40]!r}…: its file name would be {size} bytes, over the "
            f"{MAX_FILE_NAME_BYTES} a file system allows"
        )
    return title
