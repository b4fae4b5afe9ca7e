"""What changed since the last build, and so which output pages must be rendered again.

Every output page's rendering is recorded (:class:`bmtools.site.cache.Output`): the pages whose
text it shows, the names whose *state* it shows, the block ids it looked up, its linked
references, child pages and tagged pages. A name's state is everything a rendering can ask
about it (:func:`name_states`: what it resolves to, its output path, title, status, whether
it is published, whether the site generates its page); a block id's state is its page, block
and whether that page is published (:func:`uuid_states`). A page is rendered again when

- a page whose text it shows changed (:attr:`Changes.texts`: text, a block id it held
  moved, a file one of its links names appeared or disappeared);
- a name whose state it shows moved (:attr:`Changes.names`), or a block id it looked up;
- its linked references, child pages or tagged pages are not those it showed;

and everything is rendered again when what every page shows changed (the page key). Linked
references are kept per target and updated from the sources that changed
(:func:`update_backlinks`), so an edit costs the refs of the pages it touched, not the 400k
refs of a big graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bmtools.site.cache import StateT, UuidT, pack, unpack
from bmtools.site.context import SiteContext

Entries = list  # flat: source page, block index, source page, block index, ...


UNSEEN: StateT = ("", None, "", "", False, "")  # the state of a name not looked at


def default_state(name: str) -> StateT:
    """The state of a name that is no page, alias or generated page."""
    return (name, None, name, "missing", False, "")


def name_states(ctx: SiteContext) -> dict[str, StateT]:
    """The state of every name the graph or the site knows (see the module docstring)."""
    graph = ctx.graph
    pages = graph.pages
    paths = ctx.paths
    generated = ctx.generated
    published = ctx.published
    out: dict[str, StateT] = {}
    for name in (*pages, *graph.aliases, *generated):
        if name in out:
            continue
        resolved = name if name in pages else graph.aliases.get(name, name)
        page = pages.get(name)
        gen = generated.get(name)
        path = paths.get(name)
        if page is not None and page.file is not None:
            title = page.title
        else:
            title = gen.title if gen is not None else name
        if path is not None:
            status = "linked"
        else:
            status = "unpublished" if page is not None and page.file is not None else "missing"
        state = (resolved, path, title, status, name in published, gen.kind if gen else "")
        if state != default_state(name):
            out[name] = state
    return out


def uuid_states(ctx: SiteContext) -> dict[str, UuidT]:
    published = ctx.published
    return {u: (p, i, p in published) for u, (p, i) in ctx.graph.uuids.items()}


def moved(old: dict, new: dict, default=None) -> set[str]:
    """The keys whose value differs between ``old`` and ``new`` (``default(key)``: the value
    of a key that is not there)."""
    out = set()
    for key, value in new.items():
        was = old.get(key)
        if was is None and default is not None:
            was = default(key)
        if was != value:
            out.add(key)
    for key, value in old.items():
        if key not in new and (default is None or value != default(key)):
            out.add(key)
    return out


def contributions(src: str, out: str, states: dict[str, StateT]) -> dict[str, list]:
    """target -> the block indexes of ``src`` that show under its linked references, given a
    page's outgoing refs (``backlinks.outgoing``, :func:`pack`'ed: raw target, block index,
    ...) and the site as ``states`` describes it."""
    found: dict[str, list] = {}
    get = states.get
    flat = out.split("\n") if out else ()
    for k in range(0, len(flat), 2):
        raw = flat[k]
        state = get(raw)
        target = state[0] if state is not None else raw
        if target == src:
            continue
        if target != raw:
            state = get(target)
        if state is None or state[1] is None:
            continue  # no page on the site
        idx = int(flat[k + 1])
        mine = found.get(target)
        if mine is None:
            found[target] = [idx]
        elif mine[-1] != idx:  # two written names of one page in one block: one entry
            mine.append(idx)
    return found


def all_backlinks(sources: Iterable[tuple[str, str]], states: dict[str, StateT]) -> dict[str, str]:
    """target -> its linked references (:func:`pack`'ed source page, block index, ...), from
    every published page's outgoing refs (sources in name order)."""
    index: dict[str, list] = {}
    for src, out in sources:
        for target, idxs in contributions(src, out, states).items():
            entries = index.get(target)
            if entries is None:
                entries = index[target] = []
            for idx in idxs:
                entries.append(src)
                entries.append(idx)
    return {target: pack(entries) for target, entries in index.items()}


def update_backlinks(
    old: dict[str, str],
    changed: dict[str, tuple[str | None, str | None]],
    old_states: dict[str, StateT],
    new_states: dict[str, StateT],
) -> dict[str, str]:
    """The linked references of every target that ``changed`` sources (name -> (outgoing refs
    before or None when it was not published, outgoing refs now or None)) touch, from the
    ``old`` ones (target -> packed entries); targets not returned keep theirs."""
    added: dict[str, dict[str, list]] = {}
    touched: set[str] = set()
    for src, (before, now) in changed.items():
        if before is not None:
            touched.update(contributions(src, before, old_states))
        if now is not None:
            for target, idxs in contributions(src, now, new_states).items():
                added.setdefault(target, {})[src] = idxs
                touched.add(target)
    out: dict[str, str] = {}
    for target in touched:
        pairs = []
        was = unpack(old.get(target, ""))
        for k in range(0, len(was), 2):
            if was[k] not in changed:
                pairs.append((was[k], was[k + 1]))
        for src, idxs in added.get(target, {}).items():
            pairs.extend((src, idx) for idx in idxs)
        pairs.sort(key=_source)  # stable: block order within a source
        out[target] = pack([x for pair in pairs for x in pair])
    return out


def _source(pair: tuple) -> str:
    return pair[0]


def children_and_tagged(ctx: SiteContext) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(namespace page -> its child pages on the site, page -> the published pages whose
    ``tags::`` name it), names in site order."""
    graph = ctx.graph
    children: dict[str, list[str]] = {}
    for name in ctx.paths:
        page = graph.pages.get(name)
        if page is not None:
            parent = page.namespace
        else:
            parent = name.rpartition("/")[0] or None
        if parent and parent in ctx.paths:
            children.setdefault(parent, []).append(name)
    tagged: dict[str, list[str]] = {}
    for name in ctx.published:
        for tag in graph.pages[name].tags:
            target = ctx.target(tag)
            if target in ctx.paths and target != name:
                tagged.setdefault(target, []).append(name)
    for table in (children, tagged):
        for names in table.values():
            names.sort()
    return children, tagged


@dataclass(slots=True)
class Changes:
    """What moved between two builds (see the module docstring)."""

    texts: set[str] = field(default_factory=set)  # pages whose shown text changed
    names: set[str] = field(default_factory=set)  # names whose state changed
    uuids: set[str] = field(default_factory=set)  # block ids whose state changed
