"""Rendering pages from Jinja templates into managed regions (see docs/render.md).

``bmtools.render.regions`` holds the region machinery other features reuse
(``update_page_regions``, ``new_page_with_regions``); ``render_graph`` re-renders the artifact and
class pages of a graph.
"""

from bmtools.render.pages import (  # noqa: E402  (after the regions API it builds on)
    PageRender,
    RenderError,
    RenderPlan,
    apply_plan,
    plan_render,
    render_graph,
)
from bmtools.render.regions import (
    Conflict,
    Region,
    RegionError,
    RegionResult,
    find_regions,
    new_page_with_regions,
    region_hash,
    render_region,
    update_page_regions,
)

__all__ = [
    "PageRender",
    "RenderError",
    "RenderPlan",
    "apply_plan",
    "plan_render",
    "render_graph",
    "Conflict",
    "Region",
    "RegionError",
    "RegionResult",
    "find_regions",
    "new_page_with_regions",
    "region_hash",
    "render_region",
    "update_page_regions",
]
