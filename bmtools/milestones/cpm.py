"""Dependencies and the Critical Path Method over ``depends-on::``.

:func:`dependency_graph` builds a ``networkx.DiGraph`` with an edge ``dependency → milestone``.
The members of a cycle are left out of the schedule (the item rules report the cycle: BM406, in
:func:`bmtools.milestones.model.load_milestones`'s diagnostics). :func:`critical_path` runs
the forward and backward passes over a topological order (networkx's ``dag_longest_path``
has no float):

* duration ``d`` = due − start, else ``duration::``, else 0 (a zero-length milestone);
* forward pass: ``ES = max(EF of the dependencies)``, ``EF = ES + d``; a milestone without
  dependencies starts on its planned start (``start::``, or due − duration, or due), so
  independent work stays where the plan puts it and dependent work follows as soon as what it
  depends on is finished (classic CPM: no lags);
* backward pass: ``LF = min(LS of the dependents)``, the project finish for an end item;
  ``LS = LF − d``; total float = ``LS − ES``; critical = float 0.

A *project* is a set of milestones linked by dependencies or by sharing a page (an example
page is one venture), so each venture gets its own finish and critical path. Times are days
from the project start (the earliest planned start in it) and are also given as dates.

>>> import datetime as dt
>>> from bmtools.milestones.model import Milestone
>>> d = dt.date(2026, 1, 1)
>>> a = Milestone("A", "a", page="p", page_name="p", start=d, due=d + dt.timedelta(3))
>>> b = Milestone("B", "b", page="p", page_name="p", due=d + dt.timedelta(5), duration=2,
...               depends_on=["a"])
>>> r = critical_path([a, b])
>>> [(t.milestone.title, t.es, t.ef, t.total_float) for t in r.tasks]
[('A', 0, 3, 0), ('B', 3, 5, 0)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # networkx is imported where it is used: it is slow to import
    import networkx as nx

from bmtools.codes import finding
from bmtools.milestones.model import Milestone
from bmtools.model import Diagnostic

UNSCHEDULED_DEPENDENCY = "BM613"


def _nx():
    import networkx

    return networkx


@dataclass(slots=True)
class Task:
    """CPM values of one milestone, in days from its project's start."""

    milestone: Milestone
    project: int
    duration: int
    es: int = 0
    ef: int = 0
    ls: int = 0
    lf: int = 0
    origin: dt.date | None = None  # the project's day 0

    @property
    def total_float(self) -> int:
        return self.ls - self.es

    @property
    def critical(self) -> bool:
        return self.total_float == 0

    def date(self, offset: int) -> dt.date | None:
        return None if self.origin is None else self.origin + dt.timedelta(days=offset)

    @property
    def late_by(self) -> int:
        """Days the earliest finish falls after the due date (0 when on time)."""
        due = self.milestone.due
        ef = self.date(self.ef)
        return max(0, (ef - due).days) if due is not None and ef is not None else 0

    def to_dict(self) -> dict:
        def iso(offset: int) -> str | None:
            d = self.date(offset)
            return d.isoformat() if d else None

        return {
            "title": self.milestone.title,
            "page": self.milestone.page,
            "project": self.project,
            "duration": self.duration,
            "es": self.es,
            "ef": self.ef,
            "ls": self.ls,
            "lf": self.lf,
            "total_float": self.total_float,
            "critical": self.critical,
            "early_start": iso(self.es),
            "early_finish": iso(self.ef),
            "late_start": iso(self.ls),
            "late_finish": iso(self.lf),
            "late_by": self.late_by,
        }


@dataclass(slots=True)
class CpmResult:
    tasks: list[Task] = field(default_factory=list)  # topological, then file order
    paths: dict[int, list[Task]] = field(default_factory=dict)  # project -> critical chain
    finish: dict[int, int] = field(default_factory=dict)  # project -> duration in days
    diagnostics: list[Diagnostic] = field(default_factory=list)
    graph: nx.DiGraph = field(default_factory=lambda: _nx().DiGraph())

    def task(self, name: str) -> Task | None:
        for t in self.tasks:
            if t.milestone.name == name:
                return t
        return None

    @property
    def critical_names(self) -> set[str]:
        return {t.milestone.name for t in self.tasks if t.critical}

    @property
    def path_names(self) -> set[str]:
        return {t.milestone.name for path in self.paths.values() for t in path}

    def to_dict(self) -> dict:
        return {
            "tasks": [t.to_dict() for t in self.tasks],
            "critical_paths": [
                {
                    "project": p,
                    "finish_days": self.finish[p],
                    "path": [t.milestone.title for t in path],
                }
                for p, path in sorted(self.paths.items())
            ],
        }


def dependency_graph(
    milestones: Iterable[Milestone],
    unscheduled: Iterable[Milestone] = (),
) -> tuple[nx.DiGraph, list[Diagnostic]]:
    """Nodes are milestone names (``milestone`` attribute); an edge u → v means v depends on u.
    A link to an ``unscheduled`` milestone (one without a valid due date) is left out and
    reported (BM613); a link to anything else that is not a milestone is left out silently:
    the item rules report it (BM404, BM405), as they report cycles (BM406), whose edges are
    kept."""
    items = list(milestones)
    nx = _nx()
    G = nx.DiGraph()
    for m in items:
        if m.name not in G:
            G.add_node(m.name, milestone=m)
    for m in items:
        if G.nodes[m.name]["milestone"] is not m:
            continue  # a duplicate title: the first one holds the name
        for dep in m.depends_on:
            if dep in G:
                G.add_edge(dep, m.name)
    return G, _links_left_out(items, unscheduled)


def _links_left_out(
    scheduled: list[Milestone], unscheduled: Iterable[Milestone]
) -> list[Diagnostic]:
    """BM613 on each link of ``scheduled`` (the first milestone of each name) to a milestone
    of ``unscheduled`` that no scheduled one shares a name with."""
    parked = {m.name: m for m in unscheduled}
    holders: dict[str, Milestone] = {}
    for m in scheduled:
        holders.setdefault(m.name, m)
    diags: list[Diagnostic] = []
    for m in scheduled:
        if holders[m.name] is not m:
            continue  # a duplicate title: the first one holds the name
        for dep in m.depends_on:
            if dep not in holders and dep in parked:
                diags.append(
                    finding(
                        UNSCHEDULED_DEPENDENCY,
                        f"'{m.title}' depends on '{parked[dep].title}', which has no "
                        "valid due date; the link is left out of the schedule",
                        m.file,
                        m.line,
                        m.col,
                    )
                )
    return diags


def _by_date(milestones: Iterable[Milestone]) -> tuple[list[Milestone], list[Milestone]]:
    """(dated, undated): what :func:`critical_path` schedules, and what it cannot."""
    every = list(milestones)
    return [m for m in every if m.due is not None], [m for m in every if m.due is None]


def unscheduled_links(milestones: Iterable[Milestone]) -> list[Diagnostic]:
    """BM613: the depends-on:: links that :func:`critical_path` leaves out of the schedule of
    ``milestones``, because they point at a milestone without a valid due date (without
    building the graph: lint asks this of every graph)."""
    return _links_left_out(*_by_date(milestones))


def cycles(G: nx.DiGraph) -> list[set[str]]:
    """Node sets of the dependency cycles (strongly connected parts and self-loops)."""
    nx = _nx()
    out = []
    for comp in nx.strongly_connected_components(G):
        if len(comp) > 1 or any(G.has_edge(n, n) for n in comp):
            out.append(set(comp))
    return sorted(out, key=lambda c: sorted(c))


def _projects(G: nx.DiGraph) -> list[list[str]]:
    """Milestones linked by a dependency or a shared page, in file order."""
    nx = _nx()
    U = nx.Graph(G.to_undirected())
    by_page: dict[str, list[str]] = {}
    for n, data in G.nodes(data=True):
        by_page.setdefault(data["milestone"].page_name, []).append(n)
    for names in by_page.values():
        for a, b in zip(names, names[1:], strict=False):
            U.add_edge(a, b)

    def pos(n: str) -> tuple[str, int]:
        m = G.nodes[n]["milestone"]
        return (m.file or "", m.line)

    comps = [sorted(c, key=pos) for c in nx.connected_components(U)]
    return sorted(comps, key=lambda c: pos(c[0]))


def critical_path(milestones: Iterable[Milestone]) -> CpmResult:
    """CPM over the milestones that have a due date; cycle members are left out."""
    nx = _nx()
    G, diags = dependency_graph(*_by_date(milestones))
    result = CpmResult(diagnostics=diags, graph=G)
    bad = set().union(*cycles(G)) if cycles(G) else set()
    D = G.subgraph(n for n in G if n not in bad).copy()
    order_index = {n: i for i, n in enumerate(G)}
    for pid, names in enumerate(_projects(D), start=1):
        sub = D.subgraph(names)
        starts = [
            d
            for d in (
                D.nodes[n]["milestone"].planned_start or D.nodes[n]["milestone"].due for n in names
            )
            if d is not None
        ]
        origin = min(starts)
        tasks: dict[str, Task] = {}
        topo = list(nx.lexicographical_topological_sort(sub, key=lambda n: order_index[n]))
        for n in topo:  # forward pass
            m = sub.nodes[n]["milestone"]
            d = m.length or 0
            planned = m.planned_start
            if planned is None:
                planned = m.due - dt.timedelta(days=d)
            preds = [tasks[p].ef for p in sub.predecessors(n)]
            es = max(preds) if preds else (planned - origin).days
            tasks[n] = Task(m, pid, d, es, es + d, origin=origin)
        finish = max(t.ef for t in tasks.values())
        for n in reversed(topo):  # backward pass
            t = tasks[n]
            succ = [tasks[s].ls for s in sub.successors(n)]
            t.lf = min(succ) if succ else finish
            t.ls = t.lf - t.duration
        result.finish[pid] = finish
        result.tasks.extend(tasks[n] for n in topo)
        result.paths[pid] = _chain(sub, tasks, topo)
    return result


def _chain(sub: nx.DiGraph, tasks: dict[str, Task], topo: list[str]) -> list[Task]:
    """One critical chain: from a critical item that starts the project, follow critical
    dependents whose early start equals its early finish, longest first, to the finish."""
    crit = [n for n in topo if tasks[n].critical]
    if not crit:
        return []
    best: dict[str, list[str]] = {}
    fed: set[str] = set()
    for n in reversed(crit):
        nexts = [s for s in sub.successors(n) if tasks[s].critical and tasks[s].es == tasks[n].ef]
        fed.update(nexts)
        tails = [best[s] for s in nexts if s in best]
        best[n] = [n] + (
            max(tails, key=lambda c: (sum(tasks[x].duration for x in c), len(c))) if tails else []
        )
    heads = [n for n in crit if n not in fed]
    chain = max(
        (best[h] for h in heads),
        key=lambda c: (tasks[c[-1]].ef, sum(tasks[x].duration for x in c), len(c)),
    )
    return [tasks[n] for n in chain]
