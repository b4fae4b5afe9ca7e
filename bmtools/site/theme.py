"""The site's look: Jinja templates, one stylesheet and the search script, overridable.

The shipped theme is ``templates/site/`` (the package ``bmtools.templates``). A user's
templates folder (``--templates DIR`` or ``:bmtools/templates`` in config.edn, the same as
for ``bmtools render``) may hold a ``site/`` folder: each file there shadows the shipped one
of the same name, so a theme is ``site/style.css`` alone, or that plus any template. Files
are read through :class:`bmtools.render.engine.ConfinedLoader` (inside their folder, regular,
bounded, UTF-8), and templates run in Jinja's sandbox with HTML autoescaping and
``StrictUndefined``.
"""

from __future__ import annotations

import os
from typing import Any

from jinja2 import ChoiceLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from bmtools.render.engine import ConfinedLoader, shipped_templates_dir

THEME_DIR = "site"
STYLESHEET = "style.css"
SEARCH_SCRIPT = "search.js"
ICON = "favicon.svg"
TEMPLATES = {
    "page": "page.html.j2",
    "index": "index.html.j2",
    "all-pages": "all-pages.html.j2",
    "journals": "journals.html.j2",
    "search": "search.html.j2",
    "roadmap": "roadmap.html.j2",
}


class Theme:
    """The templates and static files of one build."""

    def __init__(self, templates: str | os.PathLike[str] | None = None) -> None:
        search = []
        if templates is not None:
            if not os.path.isdir(templates):
                raise FileNotFoundError(f"{templates}: no such templates folder")
            search.append(ConfinedLoader(templates))
        search.append(ConfinedLoader(shipped_templates_dir()))
        self.loader = ChoiceLoader(search)
        self.env = SandboxedEnvironment(
            loader=self.loader,
            undefined=StrictUndefined,
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # one build reads each template once (a rebuild makes a Theme)
        )

    def render(self, kind: str, **context: Any) -> str:
        template = self.env.get_template(f"{THEME_DIR}/{TEMPLATES[kind]}")
        return template.render(**context)

    def digest(self) -> str:
        """A digest of every theme file this build uses (shipped or the user's)."""
        import hashlib

        h = hashlib.blake2b(digest_size=16)
        names = [f"{THEME_DIR}/{n}" for n in ("base.html.j2", *TEMPLATES.values())]
        names += [f"{THEME_DIR}/{n}" for n in (STYLESHEET, SEARCH_SCRIPT, ICON)]
        for name in names:
            try:
                source, filename, _ = self.loader.get_source(self.env, name)
            except Exception:  # a missing template fails later, where it is used
                continue
            h.update(f"{name}\0{filename}\0{source}\0".encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def static(self, name: str) -> str:
        """The text of a static file of the theme (stylesheet, search script)."""
        source, _, _ = self.loader.get_source(self.env, f"{THEME_DIR}/{name}")
        return source


def safe(html: str) -> Markup:
    """HTML built by bmtools (already escaped) for a template."""
    return Markup(html)
