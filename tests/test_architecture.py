"""The package's shape, read from its source (nothing is imported):

- checks never import what they check: nothing under controls/, check/, validation/ or change_control/
  (the pipeline's release gate and change records) imports the constructs or the stacks (a weakened
  construct would otherwise carry its check along with it);
- no import cycles, function-level imports included (a cycle hidden in a function is still a cycle);
- every module can be read in one sitting.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gxp_landing_zone"
CHECKERS = ("gxp_landing_zone.controls", "gxp_landing_zone.check", "gxp_landing_zone.validation",
            "gxp_landing_zone.change_control")
CHECKED = ("gxp_landing_zone.constructs", "gxp_landing_zone.stacks")
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    is_package = MODULES[module].name == "__init__.py"
    base = package if is_package else package[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _type_only(tree: ast.Module) -> set[int]:
    """Nodes under ``if TYPE_CHECKING:``: read by type checkers, never imported at run time."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    return skipped


def imports(module: str) -> set[str]:
    """Every project module ``module`` imports at run time, anywhere in its body."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    type_only = _type_only(tree)
    found = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            origin = _resolve(module, node)
            targets = [origin] + [f"{origin}.{a.name}" for a in node.names]
        else:
            continue
        found |= {t for t in targets if t in MODULES and t != module}
    return found


GRAPH = {m: imports(m) for m in MODULES}


@pytest.mark.parametrize("checker", CHECKERS)
def test_checks_never_import_what_they_check(checker):
    offenders = {
        m: sorted(t for t in targets if t.startswith(CHECKED))
        for m, targets in GRAPH.items()
        if m.startswith(checker)
    }
    assert {m: t for m, t in offenders.items() if t} == {}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _without_package_parents(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    # A module importing its own package's __init__ (``from . import x``) is how Python resolves
    # siblings, not a dependency of the parent on the child.
    return {m: {t for t in targets if not m.startswith(t + ".")} for m, targets in graph.items()}


def test_no_import_cycles():
    assert _cycles(_without_package_parents(GRAPH)) == []


def test_every_module_reads_in_one_sitting():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"modules over {MAX_LINES} lines: {long}"
