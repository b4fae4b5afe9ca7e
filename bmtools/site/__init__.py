"""``bmtools site``: a static HTML site of a Logseq graph, readable with JavaScript off.

One module, one job: :mod:`urls` (stable output paths), :mod:`publish` (which pages),
:mod:`html` (blocks and inline Markdown), :mod:`embeds` (refs and embeds, cycle guard),
:mod:`backlinks`, :mod:`business` (artifacts, items, roadmaps), :mod:`search`,
:mod:`assets`, :mod:`theme` (the Jinja templates), :mod:`build` (the incremental writer),
:mod:`serve` (preview server) and :mod:`cli`.
"""

from bmtools.site.build import BuildResult, SiteError, build_site, build_site_from

__all__ = ["BuildResult", "SiteError", "build_site", "build_site_from"]
