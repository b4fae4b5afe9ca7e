"""Milestones: run the plan. Typed milestone records, schedules, budgets, plan reviews, the
critical path, and exports (table, JSON, CSV, Mermaid gantt, iCalendar, SVG).

Library first: ``load_milestones(graph)`` then the functions of ``schedule``, ``budget``,
``review`` and ``cpm``; ``formats`` turns results into text; ``cli`` is a thin command.
"""

from bmtools.milestones.budget import Totals, budget_report, totals
from bmtools.milestones.cpm import CpmResult, Task, critical_path, dependency_graph
from bmtools.milestones.model import Milestone, MilestoneSet, load_milestones
from bmtools.milestones.review import Agenda, ReviewRule, agenda, find_review_rule
from bmtools.milestones.schedule import (
    Filters,
    due_soon,
    filter_milestones,
    overdue,
    sort_milestones,
)

__all__ = [
    "Agenda",
    "CpmResult",
    "Filters",
    "Milestone",
    "MilestoneSet",
    "ReviewRule",
    "Task",
    "Totals",
    "agenda",
    "budget_report",
    "critical_path",
    "dependency_graph",
    "due_soon",
    "filter_milestones",
    "find_review_rule",
    "load_milestones",
    "overdue",
    "sort_milestones",
    "totals",
]
