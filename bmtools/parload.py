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
from bmtools.syntax.inline import JournalRefs

_MAGIC = b"BMPAR1"
_date = dt.date.fromordinal


def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


_ref_tuple = attrgetter(*_names(Ref))
_macro_tuple = attrgetter(*_names(Macro))
_diag_values = attrgetter(*_names(Diagnostic))
# A Property travels as its fields with ``refs`` (converted) last, where the model has it.
if _names(Property)[-1] != "refs":
    raise ImportError("bmtools.parload expects Property.refs to be its last field")
_prop_head = attrgetter(*_names(Property)[:-1])


def _prop(p: Property, seen: dict) -> tuple:
    """A Property as a tuple of its fields, once per object (``seen``: by id)."""
    t = seen.get(id(p))
    if t is None:
        refs = []
        for r in p.refs:
            rt = seen.get(id(r))
            if rt is None:
                rt = seen[id(r)] = _ref_tuple(r)
            refs.append(rt)
        t = seen[id(p)] = (*_prop_head(p), refs)
    return t


def _props(props, seen: dict) -> dict | list:
    """A property dict or list, each Property as a tuple once (so sharing survives)."""
    if isinstance(props, dict):
        return {k: _prop(p, seen) for k, p in props.items()}
    return [_prop(p, seen) for p in props]


def _dprop(t: tuple, seen: dict) -> Property:
    p = seen.get(id(t))
    if p is None:
        refs = []
        for rt in t[-1]:
            r = seen.get(id(rt))
            if r is None:
                r = seen[id(rt)] = Ref(*rt)
            refs.append(r)
        p = seen[id(t)] = Property(*t[:-1], refs)
    return p


def _dprops(props, seen: dict):
    if isinstance(props, dict):
        return {k: _dprop(t, seen) for k, t in props.items()}
    return [_dprop(t, seen) for t in props]


def _ts(t: Timestamp) -> tuple:
    return (t.date.toordinal(), t.time, t.repeater, t.line)


def _dts(t: tuple) -> Timestamp:
    return Timestamp(_date(t[0]), t[1], t[2], t[3])


# The flat form of a Block or Page is the tuple of its dataclass fields in field order; the
# positional constructor takes it back. Fields holding model objects or dates have an encode
# and a decode expression (``{v}`` is the value; ``seen`` maps ids to what was already
# converted, so shared objects stay shared; ``page_props`` is the page's property dict), run
# in the order listed: a block's properties before the refs that share their objects, the
# page's properties before its blocks (the pre-block's are the page's). Every other field
# travels as it is, so a new plain field needs no change here. The two functions per class are
# generated from these (as dataclasses generates ``__init__``): no call per plain field.
_BLOCK_CODEC = {
    "properties": (
        "None if {v} is EMPTY_MAP else 1 if {v} is page_props else _props({v}, seen)",
        "EMPTY_MAP if {v} is None else page_props if {v} == 1 else _dprops({v}, seen)",
    ),
    "invalid_properties": (
        "{v} if {v} is EMPTY else _props({v}, seen)",
        "{v} if {v} is EMPTY else _dprops({v}, seen)",
    ),
    "ignored_properties": (
        "{v} if {v} is EMPTY else _props({v}, seen)",
        "{v} if {v} is EMPTY else _dprops({v}, seen)",
    ),
    "refs": (
        "[seen.get(id(r)) or _ref_tuple(r) for r in {v}] if seen else list(map(_ref_tuple, {v}))",
        "[seen.get(id(r)) or Ref(*r) for r in {v}] if seen else list(starmap(Ref, {v}))",
    ),
    "macros": (
        "{v} if {v} is EMPTY else list(map(_macro_tuple, {v}))",
        "{v} if {v} is EMPTY else list(starmap(Macro, {v}))",
    ),
    "scheduled": ("None if {v} is None else _ts({v})", "None if {v} is None else _dts({v})"),
    "deadline": ("None if {v} is None else _ts({v})", "None if {v} is None else _dts({v})"),
}
_PAGE_CODEC = {
    "properties": ("_props({v}, seen)", "_dprops({v}, seen)"),
    "invalid_properties": ("_props({v}, seen)", "_dprops({v}, seen)"),
    "blocks": ("_encode_blocks({v}, seen, page_props)", "_decode_blocks({v}, seen, page_props)"),
    "journal_day": (
        "None if {v} is None else {v}.toordinal()",
        "None if {v} is None else _date({v})",
    ),
}


_NAMESPACE: dict = {
    "EMPTY": EMPTY,
    "EMPTY_MAP": EMPTY_MAP,
    "Block": Block,
    "Macro": Macro,
    "Page": Page,
    "Ref": Ref,
    "_date": _date,
    "_dprops": _dprops,
    "_dts": _dts,
    "_macro_tuple": _macro_tuple,
    "_props": _props,
    "_ref_tuple": _ref_tuple,
    "_ts": _ts,
    "starmap": starmap,
}


def _generate(cls: type, codec: dict[str, tuple[str, str]], prefix: str) -> tuple:
    """``_encode_{prefix}s(objs, seen, page_props)`` (objects to a list of tuples) and
    ``_decode_{prefix}s(rows, seen, page_props)`` (back), generated from ``cls``'s fields."""
    names = _names(cls)
    is_special = {names.index(k) for k in codec}
    special = [(names.index(k), k, enc, dec) for k, (enc, dec) in codec.items()]
    enc_lines = [f"def _encode_{prefix}s(objs, seen, page_props):", "    out = []"]
    enc_lines.append("    for o in objs:")
    for i, k, enc, _ in special:
        enc_lines.append(f"        v{i} = " + enc.format(v=f"o.{k}"))
        if k == "properties" and cls is Page:
            enc_lines.append(f"        page_props = o.{k}")
    values = [f"v{i}" if i in is_special else f"o.{n}" for i, n in enumerate(names)]
    enc_lines.append(f"        out.append(({', '.join(values)},))")
    enc_lines.append("    return out")
    dec_lines = [f"def _decode_{prefix}s(rows, seen, page_props):", "    out = []"]
    dec_lines.append("    for t in rows:")
    for i, k, _, dec in special:
        dec_lines.append(f"        v{i} = " + dec.format(v=f"t[{i}]"))
        if k == "properties" and cls is Page:
            dec_lines.append(f"        page_props = v{i}")
    values = [f"v{i}" if i in is_special else f"t[{i}]" for i in range(len(names))]
    dec_lines.append(f"        out.append({cls.__name__}({', '.join(values)}))")
    dec_lines.append("    return out")
    exec("\n".join(enc_lines + dec_lines), _NAMESPACE)  # our own field names, nothing read
    return _NAMESPACE[f"_encode_{prefix}s"], _NAMESPACE[f"_decode_{prefix}s"]


_encode_blocks, _decode_blocks = _generate(Block, _BLOCK_CODEC, "block")
_encode_pages, _decode_pages = _generate(Page, _PAGE_CODEC, "page")


def encode_page(page: Page) -> tuple:
    """``page`` as nested tuples/lists of str, int, bool and None (``marshal``-able)."""
    return _encode_pages((page,), {}, None)[0]


def decode_page(t: tuple) -> Page:
    """The :class:`Page` that :func:`encode_page` flattened, sharing as the parser does."""
    return _decode_pages((t,), {}, None)[0]


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
    """A forked child parsing ``files`` with ``read`` (same signature as ``loader.read_page``;
    ``journals``, the load's resolver, is the child's own copy after the fork)."""

    def __init__(
        self, read: Callable, root, files: list[str], config, journals: JournalRefs | None
    ):
        self.pid = 0
        self.fd = -1
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never return into the caller's code
            status = 1
            try:
                os.close(r)
                results = [read(root, rel, config, journals) for rel in files]
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
