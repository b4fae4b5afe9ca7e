"""Parse half of a graph's files in a forked child and send the pages back with ``marshal``.

Pickling the model costs more than parsing it, so the child flattens each page into plain
tuples, lists, str and int (``encode_page``), ``marshal`` moves them at C speed, and the parent
rebuilds the model with positional constructors (``decode_page``) while keeping what the parser
shares: the immutable empties ``EMPTY`` / ``EMPTY_MAP``, the pre-block's ``properties`` being
the page's dict, and property refs being the same objects as in ``Block.refs``.

Any failure of the child (no fork, a crash, a timeout, a value ``marshal`` cannot carry) makes
:func:`parse_in_child` give ``None``; the caller then parses those files itself.
"""

from __future__ import annotations

import datetime as dt
import marshal
import os
import select
import time
from collections.abc import Callable
from dataclasses import fields
from itertools import starmap
from operator import attrgetter

from bmtools.model import EMPTY, EMPTY_MAP, Block, Diagnostic, Macro, Page, Property, Ref, Timestamp
from bmtools.syntax.inline import JOURNAL_REFS, JournalRefs

_MAGIC = b"BMPAR1"
_date = dt.date.fromordinal


def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


# The flat form of each model class is the tuple of its dataclass fields, in field order, as
# ``attrgetter`` reads them (one C call) and the positional constructor takes them back. Fields
# holding model objects or dates are converted by the functions named in _BLOCK_CODEC and
# _PAGE_CODEC; every other field travels as it is, so a new plain field needs no change here.
_REF_FIELDS = _names(Ref)
_PROPERTY_FIELDS = _names(Property)
_MACRO_FIELDS = _names(Macro)
_BLOCK_FIELDS = _names(Block)
_PAGE_FIELDS = _names(Page)
_DIAG_FIELDS = _names(Diagnostic)
_ref_tuple = attrgetter(*_REF_FIELDS)
_prop_values = attrgetter(*_PROPERTY_FIELDS)
_macro_tuple = attrgetter(*_MACRO_FIELDS)
_block_values = attrgetter(*_BLOCK_FIELDS)
_page_values = attrgetter(*_PAGE_FIELDS)
_diag_values = attrgetter(*_DIAG_FIELDS)
_PROP_REFS = _PROPERTY_FIELDS.index("refs")


class _Memo:
    """One page's codec context: shared objects once (by id) and the page's own properties."""

    __slots__ = ("seen", "page_props")

    def __init__(self) -> None:
        self.seen: dict = {}
        self.page_props: object = None


# -- encoding ------------------------------------------------------------------------------


def _prop(p: Property, memo: _Memo) -> tuple:
    seen = memo.seen
    t = seen.get(id(p))
    if t is None:
        refs = []
        for r in p.refs:
            rt = seen.get(id(r))
            if rt is None:
                rt = seen[id(r)] = _ref_tuple(r)
            refs.append(rt)
        values = list(_prop_values(p))
        values[_PROP_REFS] = refs
        t = seen[id(p)] = tuple(values)
    return t


def _props(props, memo: _Memo) -> dict | list:
    """A property dict or list, each Property as a tuple once (so sharing survives)."""
    if isinstance(props, dict):
        return {k: _prop(p, memo) for k, p in props.items()}
    return [_prop(p, memo) for p in props]


def _enc_block_props(props, memo: _Memo):
    if props is EMPTY_MAP:
        return None
    if props is memo.page_props:
        return 1
    return _props(props, memo)


def _enc_prop_seq(props, memo: _Memo):
    return props if props is EMPTY else _props(props, memo)


def _enc_refs(refs: list[Ref], memo: _Memo) -> list:
    seen = memo.seen
    if seen:
        return [seen.get(id(r)) or _ref_tuple(r) for r in refs]
    return list(map(_ref_tuple, refs))


def _enc_macros(macros, memo: _Memo):
    return macros if macros is EMPTY else list(map(_macro_tuple, macros))


def _enc_ts(t: Timestamp | None, memo: _Memo) -> tuple | None:
    return None if t is None else (t.date.toordinal(), t.time, t.repeater, t.line)


def _enc_blocks(blocks: list[Block], memo: _Memo) -> list:
    specials = _BLOCK_ENCODERS
    out = []
    for b in blocks:
        values = list(_block_values(b))
        for i, fn in specials:
            values[i] = fn(values[i], memo)
        out.append(values)
    return out


def _enc_page_props(props, memo: _Memo):
    memo.page_props = props
    return _props(props, memo)


def _enc_day(day, memo: _Memo):
    return None if day is None else day.toordinal()


# -- decoding ------------------------------------------------------------------------------


def _dprop(t: tuple, memo: _Memo) -> Property:
    seen = memo.seen
    p = seen.get(id(t))
    if p is None:
        refs = []
        for rt in t[_PROP_REFS]:
            r = seen.get(id(rt))
            if r is None:
                r = seen[id(rt)] = Ref(*rt)
            refs.append(r)
        values = list(t)
        values[_PROP_REFS] = refs
        p = seen[id(t)] = Property(*values)
    return p


def _dprops(props, memo: _Memo):
    if isinstance(props, dict):
        return {k: _dprop(t, memo) for k, t in props.items()}
    return [_dprop(t, memo) for t in props]


def _dec_block_props(eprops, memo: _Memo):
    if eprops is None:
        return EMPTY_MAP
    if eprops == 1:
        return memo.page_props
    return _dprops(eprops, memo)


def _dec_prop_seq(props, memo: _Memo):
    return props if props is EMPTY else _dprops(props, memo)


def _dec_refs(refs: list, memo: _Memo) -> list[Ref]:
    seen = memo.seen
    if seen:
        return [seen.get(id(rt)) or Ref(*rt) for rt in refs]
    return list(starmap(Ref, refs))


def _dec_macros(macros, memo: _Memo):
    return macros if macros is EMPTY else list(starmap(Macro, macros))


def _dec_ts(t: tuple | None, memo: _Memo) -> Timestamp | None:
    return None if t is None else Timestamp(_date(t[0]), t[1], t[2], t[3])


def _dec_blocks(blocks: list, memo: _Memo) -> list[Block]:
    specials = _BLOCK_DECODERS
    out = []
    append = out.append
    for values in blocks:
        for i, fn in specials:
            values[i] = fn(values[i], memo)
        append(Block(*values))
    return out


def _dec_page_props(props, memo: _Memo):
    memo.page_props = decoded = _dprops(props, memo)
    return decoded


def _dec_day(day, memo: _Memo):
    return None if day is None else _date(day)


# Field -> (encode, decode), in the order they must run: properties before the refs that share
# their objects, the page's properties before the blocks (the pre-block's are the page's).
_BLOCK_CODEC = {
    "properties": (_enc_block_props, _dec_block_props),
    "invalid_properties": (_enc_prop_seq, _dec_prop_seq),
    "ignored_properties": (_enc_prop_seq, _dec_prop_seq),
    "refs": (_enc_refs, _dec_refs),
    "macros": (_enc_macros, _dec_macros),
    "scheduled": (_enc_ts, _dec_ts),
    "deadline": (_enc_ts, _dec_ts),
}
_PAGE_CODEC = {
    "properties": (_enc_page_props, _dec_page_props),
    "invalid_properties": (_enc_prop_seq, _dec_prop_seq),
    "blocks": (_enc_blocks, _dec_blocks),
    "journal_day": (_enc_day, _dec_day),
}
_BLOCK_ENCODERS = [(_BLOCK_FIELDS.index(k), enc) for k, (enc, _) in _BLOCK_CODEC.items()]
_BLOCK_DECODERS = [(_BLOCK_FIELDS.index(k), dec) for k, (_, dec) in _BLOCK_CODEC.items()]
_PAGE_ENCODERS = [(_PAGE_FIELDS.index(k), enc) for k, (enc, _) in _PAGE_CODEC.items()]
_PAGE_DECODERS = [(_PAGE_FIELDS.index(k), dec) for k, (_, dec) in _PAGE_CODEC.items()]


def encode_page(page: Page) -> list:
    """``page`` as nested lists/tuples of str, int, bool and None (``marshal``-able)."""
    memo = _Memo()
    values = list(_page_values(page))
    for i, enc in _PAGE_ENCODERS:
        values[i] = enc(values[i], memo)
    return values


def decode_page(values: list) -> Page:
    """The :class:`Page` that :func:`encode_page` flattened, sharing as the parser does."""
    memo = _Memo()
    for i, dec in _PAGE_DECODERS:
        values[i] = dec(values[i], memo)
    return Page(*values)


def _diag(d: Diagnostic) -> tuple:
    if d.fix is not None:
        raise ValueError("a reading diagnostic with a fix cannot be sent")
    return _diag_values(d)


def encode_results(results: list) -> bytes:
    """``[(page or None, diagnostics), ...]`` per file, in order, as bytes."""
    return marshal.dumps(
        [
            (None if page is None else encode_page(page), [_diag(d) for d in diags])
            for page, diags in results
        ]
    )


def decode_results(data) -> list:
    return decode_loaded(marshal.loads(data))


def decode_loaded(raw: list) -> list:
    """The results from what ``marshal.loads`` gave; empties ``raw`` as it goes."""
    out = []
    for i, (page, diags) in enumerate(raw):
        raw[i] = None  # the flat copy of a page goes as soon as its model exists
        out.append((None if page is None else decode_page(page), list(starmap(Diagnostic, diags))))
    return out


def can_fork() -> bool:
    return hasattr(os, "fork") and hasattr(os, "pipe")


class ChildRun:
    """A forked child parsing ``files`` with ``read`` (same signature as ``loader.read_page``)."""

    def __init__(self, read: Callable, root, files: list[str], config, journal_format: str):
        self.pid = 0
        self.fd = -1
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never return into the caller's code
            status = 1
            try:
                os.close(r)
                JOURNAL_REFS.set(JournalRefs(journal_format))
                results = [read(root, rel, config) for rel in files]
                data = encode_results(results)
                view = memoryview(_MAGIC + len(data).to_bytes(8, "little") + data)
                while view:
                    view = view[os.write(w, view) :]
                os.close(w)
                status = 0
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        os.close(w)
        self.pid = pid
        self.fd = r
        try:  # bigger pipe, fewer wake-ups (Linux only)
            import fcntl

            fcntl.fcntl(r, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
        except (ImportError, OSError):
            pass

    def result(self, timeout: float) -> list | None:
        """The child's decoded results, or None on any failure (the child is then gone)."""
        chunks = []
        deadline = time.monotonic() + timeout
        ok = False
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                ready, _, _ = select.select([self.fd], [], [], left)
                if not ready:
                    break
                chunk = os.read(self.fd, 1 << 20)
                if not chunk:
                    ok = True
                    break
                chunks.append(chunk)
        except OSError:
            ok = False
        finally:
            os.close(self.fd)
        if not ok:
            self._kill()
            return None
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return None
        if status != 0:
            return None
        data = b"".join(chunks)
        chunks.clear()
        head = len(_MAGIC) + 8
        if data[: len(_MAGIC)] != _MAGIC:
            return None
        if int.from_bytes(data[len(_MAGIC) : head], "little") != len(data) - head:
            return None
        try:
            with memoryview(data) as view:
                raw = marshal.loads(view[head:])
        except Exception:
            return None
        del data
        try:
            return decode_loaded(raw)
        except Exception:
            return None

    def _kill(self) -> None:
        import signal

        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
