"""## What it does
Reports a block that holds several items in the legacy form: `#milestone [[Title]]` lines one
under the other, each followed by its description, and no fields. Reported once per block
(at its first item, with the number of items and the lines they are on), with severity
`info`, instead of one missing-field diagnostic per required field of every item.

A block with one item line (a catalogue entry such as `- #[[goal]]  [[founder/Freedom]]`) is
not reported: it is a single item, only without fields. Nor is a block whose classes declare
no fields (the metamodel gives such items nothing to plan or check, so rewriting them would
gain nothing). A graph's own `milestone` class page that declares no fields counts as
declaring none: the fields the built-in milestone class lends it are bmtools' defaults, not
something the graph asks its items for (when the graph has no `milestone` class page at all,
the built-in class is its class, and its fields count).

## Why is this bad?
Items kept together in one block cannot carry fields of their own: they have no due date,
budget, owner or type, so they cannot be planned or checked, and a block ref or an embed
can only point at all of them at once. `bmtools milestones` lists them as unscheduled.

## Example
```markdown
- #milestone [[Prototype ready]]
  Build the first working prototype.
  #milestone [[First 100 customers]]
  Reach a hundred paying customers.
```

Use instead: one block per item, with its fields:
```markdown
- [[Prototype ready]] #milestone
  description:: Build the first working prototype.
  due:: 2025-09-30
  budget:: 20,000 EUR
  owner:: [[Ana Ruiz]]
  milestone-type:: implementation
```
"""

from bmtools.lint.context import reporter
from bmtools.metamodel import BUILTIN_MILESTONE, ClassSpec

CODE = "BM408"
READS = "graph"
report = reporter(CODE)


def check(ctx):
    blocks: dict[tuple, list] = {}
    for item in ctx.checked_items:
        if item.legacy:
            blocks.setdefault((item.file, item.block.line), []).append(item)
    classes = ctx.metamodel.classes
    builtin = classes.get(BUILTIN_MILESTONE.name)
    lent = builtin is not None and not builtin.builtin  # the graph has its own milestone page
    asks = {name: _asks_for_fields(spec, lent) for name, spec in classes.items()}
    for items in blocks.values():
        if len(items) < 2:
            continue  # one item line: a catalogue entry, not a multi-item block
        if not any(asks.get(i.cls) for i in items):
            continue  # no field to give them: nothing to plan or check
        first = items[0]
        noun = "/".join(sorted({i.cls for i in items}))
        yield report(
            f"{len(items)} legacy {noun} items ('{first.title}' and {len(items) - 1} more, "
            f"lines {first.line}-{items[-1].line}) share one block and have no fields; give "
            "each its own block with properties to plan and check it",
            first.file,
            first.line,
            first.col,
        )


def _asks_for_fields(spec: ClassSpec, lent: bool) -> bool:
    """Whether the graph gives the class's items fields: a field declared on a class page (the
    class's own or inherited), or a field of the built-in milestone class when the graph has no
    milestone class page (``lent`` False), so that the built-in class is the graph's."""
    return any(f.file is not None or not lent for f in spec.fields.values())
