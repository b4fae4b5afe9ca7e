"""The graphlib pre-check the cycle rules use before they import networkx to list cycles."""

from bmtools.lint.cycles import has_cycle


def test_cycles_and_their_absence():
    assert has_cycle({"a": ["a"]})  # a page that embeds itself
    assert has_cycle({"a": ["b"], "b": ["c"], "c": ["a"]})
    assert not has_cycle({"a": ["b", "c"], "b": ["c"]})  # a diamond is no cycle
    assert not has_cycle({})
