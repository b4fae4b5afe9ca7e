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
from itertools import starmap

from bmtools.model import EMPTY, EMPTY_MAP, Block, Diagnostic, Macro, Page, Property, Ref, Timestamp
from bmtools.syntax.inline import JOURNAL_REFS, JournalRefs

_MAGIC = b"BMPAR1"
_date = dt.date.fromordinal


def _ref(r: Ref) -> tuple:
    return (r.kind, r.target, r.text, r.line, r.col, r.property)


def _props(props, memo: dict) -> dict | list:
    """A property dict or list, each Property as a tuple once (``memo`` keeps sharing)."""
    if isinstance(props, dict):
        return {k: _prop(p, memo) for k, p in props.items()}
    return [_prop(p, memo) for p in props]


def _prop(p: Property, memo: dict) -> tuple:
    t = memo.get(id(p))
    if t is None:
        refs = []
        for r in p.refs:
            rt = memo.get(id(r))
            if rt is None:
                rt = memo[id(r)] = _ref(r)
            refs.append(rt)
        t = memo[id(p)] = (p.key, p.raw_key, p.raw, p.value, p.line, p.col, refs)
    return t


def _ts(t: Timestamp | None) -> tuple | None:
    return None if t is None else (t.date.toordinal(), t.time, t.repeater, t.line)


def encode_page(page: Page) -> tuple:
    """``page`` as nested tuples/lists of str, int, bool and None (``marshal``-able)."""
    memo: dict = {}
    page_props = page.properties
    pprops = _props(page_props, memo)
    pinvalid = _props(page.invalid_properties, memo)
    blocks = []
    for b in page.blocks:
        props = b.properties
        if props is EMPTY_MAP:
            eprops = None
        elif props is page_props:
            eprops = 1
        else:
            eprops = _props(props, memo)
        inv = b.invalid_properties
        ign = b.ignored_properties
        if memo:
            refs = [memo.get(id(r)) or _ref(r) for r in b.refs]
        else:
            refs = [(r.kind, r.target, r.text, r.line, r.col, r.property) for r in b.refs]
        macros = b.macros
        blocks.append(
            (
                b.index,
                b.line,
                b.end_line,
                b.start,
                b.end,
                b.indent,
                b.level,
                b.parent,
                b.children,
                b.content,
                b.title,
                b.body_lines,
                b.heading,
                b.marker,
                b.priority,
                eprops,
                inv if inv is EMPTY else _props(inv, memo),
                ign if ign is EMPTY else _props(ign, memo),
                refs,
                macros if macros is EMPTY else [(m.name, m.args, m.line, m.col) for m in macros],
                b.uuid,
                _ts(b.scheduled),
                _ts(b.deadline),
                b.collapsed,
                b.pre_block,
            )
        )
    day = page.journal_day
    return (
        page.name,
        page.title,
        page.file,
        page.kind,
        page.source,
        page.bom,
        page.format,
        blocks,
        pprops,
        pinvalid,
        page.aliases,
        page.tags,
        page.namespace,
        None if day is None else day.toordinal(),
        page.title_source,
        page.front_matter,
        page.newline,
    )


def _dprops(props, memo: dict):
    if isinstance(props, dict):
        return {k: _dprop(t, memo) for k, t in props.items()}
    return [_dprop(t, memo) for t in props]


def _dprop(t: tuple, memo: dict) -> Property:
    p = memo.get(id(t))
    if p is None:
        refs = []
        for rt in t[6]:
            r = memo.get(id(rt))
            if r is None:
                r = memo[id(rt)] = Ref(*rt)
            refs.append(r)
        p = memo[id(t)] = Property(t[0], t[1], t[2], t[3], t[4], t[5], refs)
    return p


def _dts(t: tuple | None) -> Timestamp | None:
    return None if t is None else Timestamp(_date(t[0]), t[1], t[2], t[3])


def decode_page(t: tuple) -> Page:
    """The :class:`Page` that :func:`encode_page` flattened, sharing as the parser does."""
    memo: dict = {}
    pprops = _dprops(t[8], memo)
    blocks = []
    append = blocks.append
    for b in t[7]:
        eprops = b[15]
        if eprops is None:
            props = EMPTY_MAP
        elif eprops == 1:
            props = pprops
        else:
            props = _dprops(eprops, memo)
        inv = b[16]
        ign = b[17]
        macros = b[19]
        sched = b[21]
        dead = b[22]
        if memo:
            refs = [memo.get(id(rt)) or Ref(*rt) for rt in b[18]]
        else:
            refs = list(starmap(Ref, b[18]))
        append(
            Block(
                b[0],
                b[1],
                b[2],
                b[3],
                b[4],
                b[5],
                b[6],
                b[7],
                b[8],
                b[9],
                b[10],
                b[11],
                b[12],
                b[13],
                b[14],
                props,
                inv if inv is EMPTY else _dprops(inv, memo),
                ign if ign is EMPTY else _dprops(ign, memo),
                refs,
                macros if macros is EMPTY else list(starmap(Macro, macros)),
                b[20],
                None if sched is None else _dts(sched),
                None if dead is None else _dts(dead),
                b[23],
                b[24],
            )
        )
    day = t[13]
    return Page(
        t[0],
        t[1],
        t[2],
        t[3],
        t[4],
        t[5],
        t[6],
        blocks,
        pprops,
        _dprops(t[9], memo),
        t[10],
        t[11],
        t[12],
        None if day is None else _date(day),
        t[14],
        t[15],
        t[16],
    )


def _diag(d: Diagnostic) -> tuple:
    if d.fix is not None:
        raise ValueError("a reading diagnostic with a fix cannot be sent")
    return (
        d.code,
        d.message,
        d.file,
        d.line,
        d.col,
        d.severity,
        d.name,
        None,
        d.end_line,
        d.end_col,
    )


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
