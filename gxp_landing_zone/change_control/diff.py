"""What a change does to each deployed stack, read from ``cdk diff`` (``--method=template``): the text the
CLI prints per stack, kept whole, and the resources it adds, removes or modifies.

The CLI prints one block per stack, opened by ``Stack <name>``; a resource line reads
``[+] AWS::S3::Bucket <construct path> <logical ID>`` (``[-]`` removed, ``[~]`` modified), and a stack that
does not change says so. Lines this module does not recognise stay in the stack's text, so nothing the
CLI said is lost from the change record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

STACK = re.compile(r"^Stack (\S+)")
RESOURCE = re.compile(r"^\[([+~-])\] ((?:[A-Za-z0-9]+::){2}[A-Za-z0-9]+|Custom::\S+)(?: (\S+))? (\S+)\s*$")
NO_CHANGE = "There were no differences"
CHANGES = {"+": "added", "-": "removed", "~": "modified"}
# Colour codes, should a CLI print them despite --no-color.
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class ResourceChange:
    change: str  # added, removed, modified
    resource_type: str
    logical_id: str
    path: str = ""


@dataclass
class StackDiff:
    stack: str
    text: str = ""
    resources: list[ResourceChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return NO_CHANGE not in self.text and bool(self.text.strip())

    def to_dict(self) -> dict:
        return {
            "stack": self.stack,
            "changed": self.changed,
            "resources": [vars(r) for r in self.resources],
            "diff": self.text,
        }


def parse(text: str) -> list[StackDiff]:
    """One StackDiff per ``Stack <name>`` block, in the CLI's order; text before the first block (the CLI's
    preamble) belongs to no stack and is dropped only when it names none."""
    stacks: list[StackDiff] = []
    lines: list[str] = []
    current: StackDiff | None = None

    def close() -> None:
        if current is not None:
            current.text = "\n".join(lines).strip("\n")

    for raw in ANSI.sub("", text).splitlines():
        opened = STACK.match(raw)
        if opened:
            close()
            current, lines = StackDiff(opened.group(1)), []
            stacks.append(current)
            continue
        if current is None:
            continue
        lines.append(raw)
        found = RESOURCE.match(raw.strip())
        if found:
            change, kind, path, logical_id = found.groups()
            current.resources.append(ResourceChange(CHANGES[change], kind, logical_id, path or ""))
    close()
    return stacks
