"""Rendering on two CPUs: a forked child takes every other page.

Both processes render and write their own pages (different files, each written atomically),
and the child sends back, as ``marshal`` data, what the build must remember (cache entries,
assets, files written). If the child fails, is killed or sends nothing usable, this process
renders the child's share itself, so a page is never lost; writing the same bytes twice
writes nothing. ``BMTOOLS_PARALLEL=0`` keeps one process, as for loading.
"""

from __future__ import annotations

import marshal
import os
import select
import sys
from collections.abc import Callable
from typing import Any

from bmtools.loader import parallel_ok, parallel_threshold

MIN_ITEMS = 400  # fewer pages are rendered faster than a fork costs


def run_split(items: list, work: Callable[[list], Any]) -> list[Any]:
    """``[work(mine), work(theirs)]`` with ``theirs`` done in a forked child when worth it."""
    threshold = parallel_threshold()  # BMTOOLS_PARALLEL: off, or a number of items
    if threshold != sys.maxsize and not os.environ.get("BMTOOLS_PARALLEL", "").strip().isdigit():
        threshold = MIN_ITEMS
    if len(items) < max(threshold, 2) or not parallel_ok():
        return [work(items)]
    mine, theirs = items[0::2], items[1::2]
    try:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
    except OSError:
        return [work(items)]
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read_fd)
            data = marshal.dumps(work(theirs))
            view = memoryview(data)
            while view:
                view = view[os.write(write_fd, view) :]
            code = 0
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    try:
        result = work(mine)
    except BaseException:
        _reap(pid, read_fd)
        raise
    other = _collect(pid, read_fd)
    return [result, other if other is not None else work(theirs)]


def _collect(pid: int, fd: int) -> Any | None:
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 600)
            if not ready:
                _reap(pid, fd, kill=True)
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        try:
            os.close(fd)
        except OSError:
            pass
    _, status = os.waitpid(pid, 0)
    if status != 0 or not chunks:
        return None
    try:
        return marshal.loads(b"".join(chunks))
    except (EOFError, ValueError, TypeError):
        return None


def _reap(pid: int, fd: int, kill: bool = True) -> None:
    import signal

    try:
        os.close(fd)
    except OSError:
        pass
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
