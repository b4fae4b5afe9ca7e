"""The SVG timeline reads well: one panel per example, an axis per panel when their spans are
years apart, labels clear of the markers, ticks by span, and a sentence when nothing is dated."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import matplotlib.pyplot as plt
import pytest

import bmtools
from bmtools.milestones.formats import svg
from bmtools.milestones.model import load_milestones
from tests.conftest import BUNDLED_GRAPH

TODAY = dt.date(2026, 11, 22)
NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def bundled():
    ms = load_milestones(bmtools.load_graph(BUNDLED_GRAPH))
    return ms.milestones + ms.legacy


def texts(data: bytes) -> list[str]:
    return ["".join(t.itertext()).strip() for t in ET.fromstring(data).iter(f"{NS}text")]


def test_one_panel_per_example_headed_by_its_name(bundled):
    data = svg.generate_svg(bundled, TODAY)
    root = ET.fromstring(data)
    headers = {
        g.get("id"): "".join(g.itertext()).strip()
        for g in root.iter(f"{NS}g")
        if (g.get("id") or "").startswith("group-")
    }
    assert sorted(headers.values()) == sorted({m.page_short for m in bundled if m.due is not None})
    assert "Space X" in headers.values()


def test_examples_years_apart_get_their_own_axis(bundled):
    dated = [m for m in bundled if m.due is not None]
    fig = svg._timeline(dated, TODAY, frozenset(), "Milestones", 0)
    try:
        spans = {ax.get_title(loc="left"): ax.get_xlim() for ax in fig.axes}
        space_x = spans.pop("Space X")
        assert all(space_x[1] < lo for lo, _ in spans.values())  # 2005-2017 stands alone
    finally:
        plt.close(fig)
    recent = [m for m in dated if m.page_short != "Space X"]
    fig = svg._timeline(recent, TODAY, frozenset(), "Milestones", 0)
    try:
        assert len({ax.get_xlim() for ax in fig.axes}) == 1  # within three years: one axis
    finally:
        plt.close(fig)


def test_labels_stand_clear_of_the_markers(bundled):
    rows = [m for m in bundled if m.due is not None][:5]
    fig = svg._timeline(rows, TODAY, frozenset(), "Milestones", 0)
    try:
        labels = [t for ax in fig.axes for t in ax.texts]
        assert len(labels) == 5
        assert all(t.xyann == (8, 0) and t.get_anncoords() == "offset points" for t in labels)
    finally:
        plt.close(fig)


@pytest.mark.parametrize("days", [10, 40, 200, 900])
def test_ticks_follow_the_span_without_repeating(bundled, days):
    """Short spans had '2026-12, 2026-12, 2027-01': every tick label now differs from the
    one before it, whatever the span."""
    from dataclasses import replace

    rows = [m for m in bundled if m.page_short == "Exotic Pet Rental" and m.due is not None]
    start = dt.date(2026, 12, 1)
    step = days / len(rows)
    rows = [
        replace(m, due=start + dt.timedelta(days=round(i * step)), start=None)
        for i, m in enumerate(rows)
    ]
    fig = svg._timeline(rows, TODAY, frozenset(), "Milestones", 0)
    try:
        fig.canvas.draw()
        labels = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    finally:
        plt.close(fig)
    assert len(labels) >= 3
    assert all(a != b for a, b in zip(labels, labels[1:], strict=False)), labels


def test_nothing_dated_says_so_without_an_axis_or_legend(bundled):
    undated = [m for m in bundled if m.due is None]
    data = svg.generate_svg(undated, TODAY)
    words = texts(data)
    assert "no dated milestones" in words
    assert f"{len(undated)} milestones without a due date are left out of this timeline" in words
    assert "done" not in words and "planned" not in words  # no legend
    assert b'<g id="axes_1">' not in data


def test_the_whole_bundled_timeline_is_deterministic(bundled):
    assert svg.generate_svg(bundled, TODAY) == svg.generate_svg(bundled, TODAY)
