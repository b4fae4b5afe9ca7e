"""The lint cache's files: typed MessagePack, so what a cache file holds can only ever be data.

The cache used to be a pickle, and a pickle is a program: a crafted ``lint-v5.pickle`` committed
to a repository ran code in every CI job that linted it. A cache file is now MessagePack
decoded by msgspec against the schema below, in one pass in C: anything that is not exactly
these plain types (strings, numbers, booleans, bytes, dates, lists, tuples, sets, maps) fails
to decode, and a cache that fails to decode is a cold run, never an error. Why msgspec rather
than the alternatives: ``marshal`` is documented as unsafe on crafted input and can build code
objects; the standard ``json`` needs a second validation pass and loses tuples, sets and
bytes; msgspec validates while it decodes and is as fast as pickle was here.

Model objects cross the boundary as tuples of their fields (:func:`diag_out`, :func:`diag_in`
and friends), so the schema names every type exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Any

import msgspec

from bmtools.lint.fix import Edit, Fix, Means
from bmtools.model import Config, Diagnostic, Property, Ref

FORMAT = 6  # bump on any change of what the files hold

EditT = tuple[str, int, int, str]
PairsT = tuple[tuple[str, str], ...]
LinesT = tuple[tuple[int, str], ...]
MeansT = tuple[PairsT, PairsT, PairsT, LinesT, LinesT]
FixT = tuple[tuple[EditT, ...], str, str, MeansT | None]
DiagT = tuple[str, str, str | None, int, int, str, str, FixT | None, int, int]
RefT = tuple[str, str, str, int, int, str | None]
ValueT = str | int | float | bool | list[str] | None
PropT = tuple[str, str, str, ValueT, int, int, list[RefT]]
StubT = tuple[
    str,  # name
    str,  # title
    str | None,  # file
    str,  # kind
    str,  # format
    tuple[str, ...],  # aliases
    str | None,  # namespace
    dt.date | None,  # journal day
    bool,  # bom
    tuple[str, ...],  # tags
    str,  # title source
    bool,  # front matter
    dict[str, PropT],  # the properties other pages' rules read
]
FactsT = tuple[
    StubT,
    bool,
    bool,
    tuple[tuple[int, str, int], ...],
    frozenset[str],
    tuple[tuple[str, str, int, int], ...],
    frozenset[str],
    tuple[DiagT, ...],
    str,
]


class CacheFile(msgspec.Struct, forbid_unknown_fields=True):
    """The main file: read on every cached run."""

    format: int
    key: str
    files: dict[str, tuple[int, int, str | None]]
    found: list[DiagT]
    fps: dict[str, bytes]
    collide: list[str]
    config: Config | None
    class_refs: frozenset[str]
    cross: dict[str, list[tuple[int, DiagT]]]
    final: dict[str, list[DiagT]]
    facts_id: str = ""
    facts_delta: dict[str, FactsT | None] = {}


class FactsFile(msgspec.Struct, forbid_unknown_fields=True):
    """Every page's facts: read only when a scope of pages must be re-linted."""

    format: int
    id: str
    facts: dict[str, FactsT]


_ENCODER = msgspec.msgpack.Encoder()
_CACHE_DECODER = msgspec.msgpack.Decoder(CacheFile)
_FACTS_DECODER = msgspec.msgpack.Decoder(FactsFile)

DIAGNOSTIC_FIELDS = (
    "code message file line col severity name fix end_line end_col".split()
)  # the order of DiagT; tests/test_cachefile.py holds it to the dataclass


def diag_out(d: Diagnostic) -> tuple:
    fix = d.fix
    if fix is not None:
        fix = (
            tuple((e.file, e.start_offset, e.end_offset, e.replacement) for e in fix.edits),
            fix.applicability,
            fix.title,
            None if fix.means is None else _means_out(fix.means),
        )
    return (
        d.code,
        d.message,
        d.file,
        d.line,
        d.col,
        d.severity,
        d.name,
        fix,
        d.end_line,
        d.end_col,
    )


def diag_in(t: tuple) -> Diagnostic:
    code, message, file, line, col, severity, name, fix, end_line, end_col = t
    if fix is not None:
        edits, applicability, title, means = fix
        fix = Fix(
            tuple(Edit(*e) for e in edits),
            applicability,
            title,
            None if means is None else Means(*means),
        )
    return Diagnostic(code, message, file, line, col, severity, name, fix, end_line, end_col)


def _means_out(m: Means) -> tuple:
    return (m.substitutes, m.refs_added, m.refs_removed, m.properties, m.property_refs)


def prop_out(p: Property) -> tuple:
    refs = [(r.kind, r.target, r.text, r.line, r.col, r.property) for r in p.refs]
    return (p.key, p.raw_key, p.raw, p.value, p.line, p.col, refs)


def prop_in(t: tuple) -> Property:
    key, raw_key, raw, value, line, col, refs = t
    return Property(key, raw_key, raw, value, line, col, [Ref(*r) for r in refs])


def stub_out(stub: tuple) -> tuple:
    """A stub (:func:`bmtools.lint.partial.stub_of`) as plain data (:data:`StubT`)."""
    if not stub[12]:
        return stub
    return (*stub[:12], {k: prop_out(p) for k, p in stub[12].items()})


def stub_in(t: tuple) -> tuple:
    if not t[12]:
        return t
    return (*t[:12], {k: prop_in(p) for k, p in t[12].items()})


def facts_out(facts: tuple) -> tuple:
    """A :class:`bmtools.lint.partial.PageFacts` (or its tuple) as plain data."""
    stub, diags = facts[0], facts[7]
    if not (stub[12] or diags):  # most pages: nothing but plain values
        return tuple(facts)
    return (stub_out(stub), *facts[1:7], tuple(diag_out(d) for d in diags), facts[8])


def facts_in(t: tuple) -> tuple:
    stub, diags = t[0], t[7]
    if not (stub[12] or diags):
        return t
    return (stub_in(stub), *t[1:7], tuple(diag_in(d) for d in diags), t[8])


def _diags_by_file(table: dict[str, list], out) -> dict[str, list]:
    return {rel: [out(d) for d in ds] for rel, ds in table.items()}


def _cross_out(cross: dict[str, list]) -> dict[str, list]:
    return {rel: [(n, diag_out(d)) for n, d in entries] for rel, entries in cross.items()}


def _cross_in(cross: dict[str, list]) -> dict[str, list]:
    return {rel: [(n, diag_in(d)) for n, d in entries] for rel, entries in cross.items()}


def _config_out(config: Config | None) -> Config | None:
    """The config, when it survives the round trip exactly (an exotic EDN value may not:
    then warm runs read config.edn again instead of trusting a lossy copy)."""
    if config is None:
        return None
    try:
        again = msgspec.msgpack.decode(_ENCODER.encode(config), type=Config)
    except (msgspec.MsgspecError, TypeError, ValueError):
        return None
    return config if again == config else None


def encode_cache(data: dict[str, Any]) -> bytes:
    """The main cache file's bytes (``data`` as :mod:`bmtools.lint.cache` holds it)."""
    plain = CacheFile(
        format=FORMAT,
        key=data["key"],
        files=data["files"],
        found=[diag_out(d) for d in data["found"]],
        fps=data["fps"],
        collide=list(data["collide"]),
        config=_config_out(data.get("config")),
        class_refs=frozenset(data["class_refs"]),
        cross=_cross_out(data["cross"]),
        final=_diags_by_file(data["final"], diag_out),
        facts_id=data.get("facts_id", ""),
        facts_delta={
            rel: None if f is None else facts_out(f)
            for rel, f in data.get("facts_delta", {}).items()
        },
    )
    return _encode(plain)


def _encode(plain: msgspec.Struct) -> bytes:
    try:
        return _ENCODER.encode(plain)
    except msgspec.MsgspecError as exc:  # a value outside the schema: no cache this time
        raise ValueError(str(exc)) from exc


def decode_cache(raw: bytes) -> dict[str, Any] | None:
    """The cache as a dict, or None for anything that is not a cache file of this format."""
    try:
        plain = _CACHE_DECODER.decode(raw)
        if plain.format != FORMAT:
            return None
        return {
            "format": plain.format,
            "key": plain.key,
            "files": plain.files,
            "found": [diag_in(d) for d in plain.found],
            "fps": plain.fps,
            "collide": plain.collide,
            "config": plain.config,
            "class_refs": set(plain.class_refs),
            "cross": _cross_in(plain.cross),
            "final": _diags_by_file(plain.final, diag_in),
            "facts_id": plain.facts_id,
            "facts_delta": {
                rel: None if f is None else facts_in(f) for rel, f in plain.facts_delta.items()
            },
        }
    except (msgspec.MsgspecError, TypeError, ValueError):
        return None  # foreign, corrupt or crafted: a cold run


def encode_facts(token: str, facts: dict[str, tuple]) -> bytes:
    plain = FactsFile(FORMAT, token, {rel: facts_out(f) for rel, f in facts.items()})
    return _encode(plain)


def decode_facts(raw: bytes) -> tuple[str, dict[str, tuple]] | None:
    """(id, rel -> facts tuple), or None for anything else."""
    try:
        plain = _FACTS_DECODER.decode(raw)
        if plain.format != FORMAT:
            return None
        return plain.id, {rel: facts_in(f) for rel, f in plain.facts.items()}
    except (msgspec.MsgspecError, TypeError, ValueError):
        return None


def model_fields() -> dict[str, tuple[str, ...]]:
    """The model's field names, in order, that the tuple types above spell out."""
    return {
        cls.__name__: tuple(f.name for f in fields(cls))
        for cls in (Diagnostic, Property, Ref, Fix, Edit, Means)
    }
