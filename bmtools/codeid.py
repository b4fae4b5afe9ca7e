"""Which bmtools code is running, for the caches: the version alone does not tell two builds
of one version apart (a checkout, an editable install, a reinstall of the same number), and a
cache written by other code may hold readings or findings this code would not make."""

from __future__ import annotations

import hashlib
import os
from functools import cache

from bmtools import __version__

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


@cache
def code_id() -> str:
    """The version and each module's path, size and modification time, hashed (stat only:
    about a millisecond). Any edited, added or reinstalled module gives another id."""
    h = hashlib.sha1(__version__.encode())
    for folder, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                st = os.stat(path)
                rel = os.path.relpath(path, _PACKAGE)
                h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return f"{__version__}+{h.hexdigest()[:16]}"
