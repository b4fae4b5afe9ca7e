"""## What it does
Reports a `page` or `person` field of an item that points at a page of the wrong class: the
field declares `class::` (e.g. `tactic:: ` must name a page with `page-type:: [[tactic]]`),
or is a `person` field while the graph has a `person` class. A target that does not exist at
all is reported too, since its class cannot be checked. `depends-on::` targets that are not
found are reported by BM405 instead.

## Why is this bad?
The link between a milestone and its tactic (or owner) is what lets tools roll milestones
up into tactics and strategies; a link to the wrong kind of page breaks that chain.

## Example
```markdown
- [[Beta launch]] #milestone
  tactic:: [[Ana Ruiz]]
```

Use instead:
```markdown
- [[Beta launch]] #milestone
  tactic:: [[Community-led growth]]
```
"""

from bmtools.lint.context import reporter
from bmtools.lint.itemfields import field_values, item_label, ref_col, target_classes

CODE = "BM404"
READS = "graph"
report = reporter(CODE)


def expected_class(ctx, fs) -> str | None:
    if fs.cls:
        return fs.cls
    if fs.kind == "person" and "person" in ctx.metamodel.classes:
        return "person"
    return None


def check(ctx):
    mm = ctx.metamodel
    for item, fs, prop in field_values(ctx):
        if fs.kind not in ("page", "person"):
            continue
        cls = expected_class(ctx, fs)
        if cls is None or cls not in mm.classes:
            continue
        wanted = ctx.class_and_subclasses(cls)
        title = mm.classes[cls].title
        for name in prop.names():
            exists, classes = target_classes(ctx, name)
            if classes & wanted:
                continue
            if not exists:
                if fs.name == "depends-on":
                    continue  # BM405
                msg = f"{fs.name}:: '{name}' has no page, so it is not a {title}"
            else:
                got = ", ".join(sorted(classes)) or "no class"
                msg = f"{fs.name}:: '{name}' is not a {title} (it is {got})"
            yield report(f"{item_label(item)}: {msg}", item.file, prop.line, ref_col(prop, name))
