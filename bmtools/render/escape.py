"""Keeping template values from breaking the outline or injecting Logseq syntax.

Every ``{{ value }}`` of a template goes through :func:`escape_logseq` (the environment's
``finalize``), unless a filter already produced :class:`LogseqSafe` text (``ref``, ``tag``,
``embed``, ``refs``). What the escape does, so that a value always stays inside the one line
and the one role the template gave it:

- line breaks (``\\n``, ``\\r``, U+2028/2029, U+0085) and tabs become spaces, other control
  characters are dropped, runs of spaces are kept;
- ``::`` becomes ``: :`` (no property can start inside a value);
- ``[[``, ``]]``, ``((``, ``))``, ``{{``, ``}}`` get a space between their characters (no page
  ref, block ref, embed or macro);
- ``#`` directly followed by a tag character gets a space after it (no tag), ``<!--`` becomes
  ``<! --`` (no comment hiding the rest of the line);
- a value starting with ``-``, ``*``, ``+``, ``>``, ``#``, three backticks or ``~~~`` gets a
  backslash in front (no bullet, list, quote, heading, directive or code fence), and one
  starting with a task marker (``TODO `` …) has the marker lower-cased (no task);
- surrounding whitespace is stripped.
"""

from __future__ import annotations

import re
from typing import Any

_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\u0085\t\v\f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_PAIRS = (("[[", "[ ["), ("]]", "] ]"), ("((", "( ("), ("))", ") )"), ("{{", "{ {"), ("}}", "} }"))
_TAG = re.compile(r"#(?=[^\s,!?'\":#])")
_MARKER = re.compile(
    r"(TODO|DOING|WAITING|WAIT|DONE|CANCELED|CANCELLED|STARTED|IN-PROGRESS|NOW|LATER)(?= |$)"
)
_SIMPLE_TAG = re.compile(r"[^\s,!?'\":#\[\]().;~*]+")
_KEY = re.compile(r"[^\W_]", re.UNICODE)


class LogseqSafe(str):
    """Text a filter built on purpose (a ref, a tag, an embed): written as it is."""

    __slots__ = ()


def escape_logseq(value: Any) -> str:
    """``value`` as inert text for one line of a Logseq page (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, LogseqSafe):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    text = _CONTROL.sub("", _LINE_BREAKS.sub(" ", str(value))).strip()
    while "::" in text:
        text = text.replace("::", ": :")
    for pair, spaced in _PAIRS:
        while pair in text:
            text = text.replace(pair, spaced)
    text = _TAG.sub("# ", text).replace("<!--", "<! --")
    if text[:1] in ("-", "*", "+", ">", "#") or text.startswith(("```", "~~~")):
        text = "\\" + text
    m = _MARKER.match(text)
    if m:
        text = m.group(1).lower() + text[m.end() :]
    return text


def clean_page_name(name: Any) -> str:
    """A page name fit to sit inside ``[[…]]``: one line, no brackets that would end the ref."""
    text = _CONTROL.sub("", _LINE_BREAKS.sub(" ", str(name))).strip()
    if text.startswith("[[") and text.endswith("]]"):
        text = text[2:-2].strip()
    text = text.replace("[[", "").replace("]]", "").replace("[", "(").replace("]", ")")
    return " ".join(text.split())


def page_ref(name: Any) -> LogseqSafe:
    """``[[name]]``."""
    clean = clean_page_name(name)
    if not clean:
        raise ValueError(f"empty page name in a reference: {name!r}")
    return LogseqSafe(f"[[{clean}]]")


def page_refs(names: Any, sep: str = ", ") -> LogseqSafe:
    """``[[a]], [[b]]`` for a list of names (a single name is a list of one); empty names
    (``[[]]`` in real pages) are skipped."""
    if isinstance(names, str):
        names = [names]
    return LogseqSafe(sep.join(page_ref(n) for n in names if clean_page_name(n)))


def tag(name: Any) -> LogseqSafe:
    """``#name`` when that reads back as the whole name, else ``#[[name]]``."""
    clean = clean_page_name(name)
    if not clean:
        raise ValueError(f"empty tag: {name!r}")
    return LogseqSafe(f"#{clean}" if _SIMPLE_TAG.fullmatch(clean) else f"#[[{clean}]]")


def embed(name: Any) -> LogseqSafe:
    """``{{embed [[name]]}}``."""
    return LogseqSafe("{{embed " + page_ref(name) + "}}")


def property_key(key: Any) -> LogseqSafe:
    """A property key Logseq reads back: spaces become ``-``, characters that would make the
    key invalid (``" | ^ ( ) { } , [ ] : #`` and controls) are dropped."""
    text = "-".join(str(key).split())
    text = re.sub(r'[\x00-\x1f"|^(){},\[\]:#]', "", text).strip("-")
    if not text or not _KEY.fullmatch(text[0]):
        raise ValueError(f"not a usable property key: {key!r}")
    return LogseqSafe(text)


_REF_MARKUP = re.compile(r"#\[\[([^\]\n]+)\]\]|\[\[([^\]\n]+)\]\]|\{\{embed \[\[([^\]\n]+)\]\]\}\}")


def plain(value: Any) -> LogseqSafe:
    """Page text reused in another sentence: refs and tags become their names, then escaped."""
    text = "" if value is None else str(value)
    text = _REF_MARKUP.sub(lambda m: m.group(1) or m.group(2) or m.group(3), text)
    text = re.sub(r"(?<![\w#])#([^\s,!?'\":#\[\]]+)", r"\1", text)
    return LogseqSafe(escape_logseq(text))


def logseq_filter(value: Any) -> LogseqSafe:
    """The explicit ``|logseq`` filter (the same escape the environment applies everywhere)."""
    return LogseqSafe(escape_logseq(value))


def finalize(value: Any) -> str:
    """Jinja ``finalize``: every printed value is escaped unless a filter marked it safe."""
    return escape_logseq(value)
