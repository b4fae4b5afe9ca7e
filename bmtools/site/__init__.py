"""``bmtools site``: a static HTML site of a Logseq graph, readable with JavaScript off.

One module, one job: :mod:`urls` (stable output paths), :mod:`publish` (which pages),
:mod:`html` (blocks and inline Markdown), :mod:`embeds` (refs and embeds, cycle guard),
:mod:`backlinks`, :mod:`business` (artifacts, items, roadmaps), :mod:`search`,
:mod:`assets`, :mod:`theme` (the Jinja templates); :mod:`build` (where the pages come
from, what changed since the last build), :mod:`facts` (what a build keeps of each page),
:mod:`changes` (which outputs to render again), :mod:`cache` (the file it is kept in),
:mod:`render` (output pages, roadmaps, assets), :mod:`indexes` (lists, search index,
sitemap), :mod:`folder` and :mod:`output` (the output folder and its writes);
:mod:`serve` (preview server) and :mod:`cli`.
"""

from bmtools.site.build import BuildResult, SiteError, build_site, build_site_from

__all__ = ["BuildResult", "SiteError", "build_site", "build_site_from"]
