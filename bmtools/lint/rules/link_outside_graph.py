"""## What it does
Reports a symbolic link, in the graph's folders, to a page file or a folder outside the graph.

## Why is this bad?
A graph is often linted or published from a repository that anyone can send a pull request
to: a link such as `pages/notes.md -> /etc/passwd` would put a file of the machine that runs
bmtools into the output. bmtools does not follow such links (set the environment variable
`BMTOOLS_FOLLOW_OUTSIDE_LINKS=1` to follow them on a graph you trust).

## Example
`pages/shared -> /home/me/elsewhere`

Use instead:
Move the pages into the graph, or link the other way (from outside to the graph).
"""

CODE = "BM008"
READS = "folders"
