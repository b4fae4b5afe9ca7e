"""Generate a deterministic synthetic Logseq file graph for benchmarks.

Real graphs are private and vary in size, so the benchmarks need a reproducible stand-in that
exercises the same syntax the parser must handle: pre-block page properties, nested blocks with
tab and two-space indentation, block properties, page refs (some dangling), tags, block ids and
block refs, embeds, task markers, inline and fenced code, triple-lowbar namespaced file names
and non-ASCII titles. The same ``--seed`` and ``--pages`` always produce byte-identical files.

Usage: ``python bench/make_graph.py OUT_DIR --pages 10000 [--seed 42]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path

CONFIG_EDN = """{:file/name-format :triple-lowbar ;; file names use ___ for namespaces
 :hidden []
 :property-pages/excludelist #{:value}
 ;; synthetic benchmark graph written by bench/make_graph.py
 :journal/page-title-format "MMM do, yyyy"}
"""

_WORD_TEXT = (
    "alpha analysis answer api archive audit backlog baseline batch budget cache calendar "
    "capacity change channel checklist client cluster commit config contract cost customer "
    "dashboard data deadline decision demo deploy design detail draft estimate event feature "
    "feedback filter forecast funding goal graph growth habit hiring idea impact index insight "
    "interview invoice issue journal kanban kernel launch lead lesson library limit log market "
    "meeting memo metric migration milestone model module monitor network note offer onboarding "
    "outline owner partner patch pattern payment people pipeline plan policy pricing priority "
    "process product profile project proposal prototype query queue quota reading record "
    "refactor release report request research review risk roadmap runbook sales schedule schema "
    "scope script search security server service signal sketch sprint stack standup status "
    "strategy summary survey sync system target task team template test thread ticket timeline "
    "topic tracker training update usage user vendor version vision workflow workshop"
)
WORDS = tuple(_WORD_TEXT.split())

_FILLER_TEXT = (
    "the a to of and for with on in about after before because so then also still just "
    "maybe probably clearly quickly needs should could will was is are has have check "
    "discuss follow up move keep drop fix ship write read ask share compare finish start"
)
FILLER = tuple(_FILLER_TEXT.split())

NON_ASCII = [
    "Café Müller",
    "Übersicht Planung",
    "Résumé Notes",
    "Ωmega Protocol",
    "Δelta Findings",
    "日本語ノート",
    "東京 Trip",
    "Zürich Office",
    "Kraków Meetup",
    "Señor Año",
    "Ærø Retreat",
    "Łódź Sprint",
    "Straße Plan",
    "Ñandú Study",
    "Čapek Reading",
    "Ελληνικά Notes",
    "Русский Конспект",
    "中文 笔记",
    "한국어 메모",
    "Crème Brûlée Recipe",
]

TYPES = ["note", "project", "meeting", "reference", "idea", "area"]
STATUSES = ["todo", "doing", "done", "blocked", "waiting"]
MARKERS = ["TODO", "DONE", "LATER", "NOW", "DOING", "WAITING", "CANCELED"]
LANGS = ["python", "bash", "clojure", "sql", "json", ""]

BREF = "\x00"  # placeholder for a block ref, filled once every block id is known


@dataclass
class PageSpec:
    """A page to be written: its title, file path and (later) its text lines."""

    title: str
    path: str  # relative to the graph root
    kind: str  # page | journal | person | tag | ns
    alias: str | None = None
    lines: list[str] = field(default_factory=list)


def ordinal(n: int) -> str:
    """English ordinal suffix, as in Logseq's ``MMM do, yyyy`` journal titles."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def journal_title(day: dt.date) -> str:
    return f"{day.strftime('%b')} {ordinal(day.day)}, {day.year}"


def file_stem(title: str) -> str:
    """Triple-lowbar file name: namespace ``/`` becomes ``___``."""
    return unicodedata.normalize("NFC", title).replace("/", "___")


class Generator:
    """Builds the page list, then each page's outline, then resolves block refs."""

    def __init__(self, pages: int, seed: int) -> None:
        self.n = max(pages, 20)
        self.rng = random.Random(seed)
        self.names: dict[str, PageSpec] = {}  # lower-cased name -> spec (uniqueness)
        self.specs: list[PageSpec] = []
        self.ref_titles: list[str] = []  # titles (and aliases) a [[ref]] may name
        self.tag_titles: list[str] = []  # single-word pages usable as #tag
        self.multi_titles: list[str] = []  # multi-word pages usable as #[[tag]]
        self.people: list[str] = []
        self.missing: list[str] = [f"Missing Topic {i}" for i in range(max(10, self.n // 20))]
        self.uuids: list[str] = []

    # -- names ---------------------------------------------------------------------------------

    def new_uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def add(self, title: str, kind: str, path: str | None = None) -> PageSpec | None:
        key = unicodedata.normalize("NFC", title).lower()
        if key in self.names:
            return None
        spec = PageSpec(title, path or f"pages/{file_stem(title)}.md", kind)
        self.names[key] = spec
        self.specs.append(spec)
        return spec

    def plan_pages(self) -> None:
        """Choose every page title up front so refs can point at pages written later."""
        rng = self.rng
        n = self.n
        n_journals = max(1, n // 20)
        n_people = max(5, n // 50)
        n_tags = max(5, min(300, n // 30))
        n_ns = n // 10
        n_non_ascii = max(2, n // 500)

        day = dt.date(2025, 6, 30)
        for _ in range(n_journals):
            self.add(journal_title(day), "journal", f"journals/{day.strftime('%Y_%m_%d')}.md")
            day -= dt.timedelta(days=rng.choice((1, 1, 1, 2, 3)))
        for i in range(1, n_people + 1):
            self.add(f"Person {i}", "person")
            self.people.append(f"Person {i}")
        while len(self.tag_titles) < n_tags:
            w = rng.choice(WORDS)
            t = w if rng.random() < 0.5 else f"{w}-{rng.choice(WORDS)}"
            if self.add(t, "tag"):
                self.tag_titles.append(t)
        projects = [f"Project {w.title()}" for w in rng.sample(WORDS, min(len(WORDS), 40))]
        subs = ["Design", "Notes", "Meetings", "Research", "Ops", "Specs", "Retro"]
        made = 0
        for p in projects[: max(3, len(projects) // 2)]:  # some namespace roots exist as files
            self.add(p, "page")
        while made < n_ns:
            parts = [rng.choice(projects), *rng.sample(subs, rng.choice((1, 1, 2)))]
            parts.append(f"{rng.choice(WORDS).title()} {rng.randrange(1000)}")
            if self.add("/".join(parts), "ns"):
                made += 1
        for i in range(n_non_ascii):
            base = NON_ASCII[i % len(NON_ASCII)]
            self.add(base if i < len(NON_ASCII) else f"{base} {i}", "page")
        while len(self.specs) < n:
            k = rng.choice((2, 2, 3))
            t = " ".join(rng.choices(WORDS, k=k)).capitalize()
            if rng.random() < 0.4:
                t += f" {rng.randrange(100)}"
            self.add(t, "page")
        rng.shuffle(self.specs)  # mix kinds so file order says nothing

        for spec in self.specs:
            if spec.kind in ("page", "ns") and rng.random() < 0.03:
                alias = f"{spec.title.split('/')[-1]} aka {rng.randrange(10_000)}"
                key = alias.lower()
                if key not in self.names:
                    self.names[key] = spec
                    spec.alias = alias
                    self.ref_titles.append(alias)
            self.ref_titles.append(spec.title)
            if spec.kind in ("page", "ns") and " " in spec.title:
                self.multi_titles.append(spec.title)

    # -- content -------------------------------------------------------------------------------

    def page_ref(self) -> str:
        rng = self.rng
        if rng.random() < 0.05:
            return rng.choice(self.missing)
        # Skew towards the front of the list so some pages become hubs.
        return self.ref_titles[int(len(self.ref_titles) * rng.random() ** 2)]

    def sentence(self, words: int) -> str:
        rng = self.rng
        out = rng.choices(WORDS + FILLER + FILLER, k=words)
        for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3))):
            r = rng.random()
            if r < 0.65:
                item = f"[[{self.page_ref()}]]"
            elif r < 0.85:
                item = f"#{rng.choice(self.tag_titles)}"
            elif r < 0.93:
                item = f"#[[{rng.choice(self.multi_titles)}]]"
            else:
                item = f"[[{rng.choice(self.people)}]]"
            out.insert(rng.randrange(len(out) + 1), item)
        text = " ".join(out)
        return text[0].upper() + text[1:]

    def block(self, kind: str) -> tuple[str, list[str]]:
        """One block: its first line and its continuation lines (properties, code)."""
        rng = self.rng
        r = rng.random()
        extra: list[str] = []
        if r < 0.01:
            first = f"{{{{embed [[{self.page_ref()}]]}}}}"
        elif r < 0.02:
            first = f"{{{{embed (({BREF}))}}}}"
        elif r < 0.05:
            first = f"{self.sentence(rng.randint(3, 8))} see (({BREF}))"
        elif r < 0.07:
            ref = self.page_ref()
            first = f"Run `grep [[{ref}]] #notatag` before {self.sentence(rng.randint(3, 7))}"
        elif r < 0.085:
            lang = rng.choice(LANGS)
            first = f"{self.sentence(rng.randint(2, 5))}:"
            extra.append(f"```{lang}")
            for _ in range(rng.randint(2, 5)):
                a, b = rng.choice(WORDS), rng.choice(WORDS)
                extra.append(rng.choice((f"{a} = load('[[{b}]]')", f"# {a} #{b}", f"{a}({b}, 3)")))
            extra.append("```")
        elif r < 0.11:
            first = f"{'#' * rng.randint(1, 3)} {self.sentence(rng.randint(2, 5))}"
        else:
            first = self.sentence(rng.randint(6, 13))
        if rng.random() < 0.09:
            first = f"{rng.choice(MARKERS)} {first}"
        if kind == "journal" and rng.random() < 0.05:
            first += f" [[{rng.choice(self.people)}]]"
        props: list[str] = []
        if rng.random() < 0.08:
            keys = rng.sample(("status", "owner", "due", "value"), rng.randint(1, 3))
            for key in ("status", "owner", "due", "value"):
                if key not in keys:
                    continue
                if key == "status":
                    props.append(f"status:: {rng.choice(STATUSES)}")
                elif key == "owner":
                    props.append(f"owner:: [[{rng.choice(self.people)}]]")
                elif key == "due":
                    d = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365))
                    props.append(f"due:: {d.isoformat()}")
                else:
                    props.append(f"value:: {rng.randint(1, 10)}")
        if rng.random() < 0.05:
            u = self.new_uuid()
            self.uuids.append(u)
            props.append(f"id:: {u}")
        return first, props + extra  # properties sit right under the first line

    def page_properties(self, spec: PageSpec) -> list[str]:
        rng = self.rng
        props: list[str] = []
        if spec.kind == "ns" and rng.random() < 0.3:
            props.append(f"title:: {spec.title}")
        if spec.kind == "person":
            props.append("type:: person")
        elif spec.kind != "journal" and rng.random() < 0.4:
            props.append(f"type:: {rng.choice(TYPES)}")
        if spec.kind != "journal" and rng.random() < 0.35:
            tags = []
            for _ in range(rng.randint(1, 3)):
                if rng.random() < 0.5:
                    tags.append(rng.choice(self.tag_titles))
                else:
                    tags.append(f"[[{rng.choice(self.multi_titles)}]]")
            props.append(f"tags:: {', '.join(tags)}")
        if spec.alias:
            props.append(f"alias:: {spec.alias}")
        return props

    def page(self, spec: PageSpec) -> list[str]:
        rng = self.rng
        indent = "\t" if rng.random() < 0.9 else "  "
        lines = self.page_properties(spec)
        if lines:
            lines.append("")
        depth = 0
        for i in range(rng.randint(8, 32)):
            if i:
                depth = max(0, min(2, depth + rng.choice((-1, -1, 0, 0, 0, 1, 1))))
            first, extra = self.block(spec.kind)
            pad = indent * depth
            lines.append(f"{pad}- {first}")
            lines.extend(f"{pad}  {x}" for x in extra)
        return lines

    def run(self, out: Path) -> dict[str, int]:
        """Write the graph under ``out`` and return a few counts for a sanity check."""
        self.plan_pages()
        for spec in self.specs:
            spec.lines = self.page(spec)
        pool = self.uuids or [self.new_uuid()]
        fill = re.compile(BREF)
        (out / "logseq").mkdir(parents=True, exist_ok=True)
        (out / "pages").mkdir(exist_ok=True)
        (out / "journals").mkdir(exist_ok=True)
        (out / "logseq" / "config.edn").write_text(CONFIG_EDN, encoding="utf-8")
        blocks = size = 0
        for spec in self.specs:
            text = "\n".join(spec.lines) + "\n"
            text = fill.sub(lambda _m: self.rng.choice(pool), text)
            data = text.encode("utf-8")
            (out / spec.path).write_bytes(data)
            blocks += sum(1 for ln in spec.lines if ln.lstrip(" \t").startswith("- "))
            size += len(data)
        return {"files": len(self.specs), "blocks": blocks, "bytes": size, "ids": len(pool)}


def generate(out: Path, pages: int, seed: int = 42) -> dict[str, int]:
    """Generate a graph of ``pages`` pages into ``out`` (created if needed)."""
    return Generator(pages, seed).run(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="output graph directory")
    ap.add_argument("--pages", type=int, default=1000, help="number of page files (default 1000)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    stats = generate(args.out, args.pages, args.seed)
    took = time.perf_counter() - t0
    print(
        f"wrote {stats['files']} files, {stats['blocks']} blocks, {stats['bytes']:,} bytes, "
        f"{stats['ids']} block ids to {args.out} in {took:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
