"""Every registered control has a mutation case that shows its rule failing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from gxp_landing_zone.validation.controls import CONTROLS


def _cases() -> dict[str, object]:
    cases: dict[str, object] = {}
    for path in sorted(Path(__file__).parent.glob("test_mutation_*.py")):
        if path.name == Path(__file__).name:
            continue
        spec = importlib.util.spec_from_file_location(f"_mutations_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for control_id in getattr(module, "MUTATIONS", {}):
            assert control_id not in cases, f"{control_id} has cases in two files"
            cases[control_id] = module.MUTATIONS[control_id]
    return cases


def test_every_control_has_a_mutation():
    cases = _cases()
    missing = sorted({c.id for c in CONTROLS} - set(cases))
    unknown = sorted(set(cases) - {c.id for c in CONTROLS})
    assert missing == [], f"controls with no mutation test: {missing}"
    assert unknown == [], f"mutations for unregistered controls: {unknown}"
