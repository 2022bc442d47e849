"""The control registry: every module under ``controls/<area>/`` that defines ``CONTROL``.

Adding a control is adding its module (and its test module); nothing here changes. The registry owns
the clause mapping because each control carries its own clauses and rationales; the regulation text
itself lives in the catalog (validation/regulations.yaml).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from pathlib import Path

from .model import Control

# Sub-packages of controls/ that hold the engine's own parts, not controls.
_NOT_AREAS = {"deployed"}
_ROOT = Path(__file__).parent


def areas() -> list[str]:
    return sorted(
        p.name for p in _ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name not in _NOT_AREAS
    )


def control_modules() -> list[str]:
    """Dotted names of every control module, area by area."""
    found = []
    for area in areas():
        for info in pkgutil.iter_modules([str(_ROOT / area)]):
            if not info.name.startswith("_"):
                found.append(f"{__package__}.{area}.{info.name}")
    return found


@lru_cache(maxsize=1)
def all_controls() -> tuple[Control, ...]:
    controls = []
    for name in control_modules():
        module = importlib.import_module(name)
        control = getattr(module, "CONTROL", None)
        if not isinstance(control, Control):
            raise TypeError(f"{name} defines no CONTROL; every module in a control area is one control")
        controls.append(control)
    ids = [c.id for c in controls]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"control IDs used twice: {', '.join(duplicates)}")
    return tuple(sorted(controls, key=lambda c: c.id))


def by_id() -> dict[str, Control]:
    return {c.id: c for c in all_controls()}


def module_of(control_id: str) -> str:
    """The module that defines a control (for the report's "where is this checked" column)."""
    for name in control_modules():
        if getattr(importlib.import_module(name), "CONTROL", None) is by_id().get(control_id):
            return name
    raise KeyError(control_id)
