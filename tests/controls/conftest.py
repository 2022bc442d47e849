"""Per-control tests: the reference estate's templates (synthesized once per session) as the
compliant base every case starts from."""

from __future__ import annotations

import pytest

from gxp_landing_zone.controls.assembly import read_assembly
from gxp_landing_zone.controls.context import ControlContext


@pytest.fixture(scope="session")
def reference(synthesized) -> dict:
    """Stack name -> StackTemplate of the synthesized reference estate."""
    return {s.name: s for s in read_assembly(synthesized.outdir)}


@pytest.fixture(scope="session")
def ctx(reference_config) -> ControlContext:
    return ControlContext.from_config(reference_config)
