"""The control registry: what each control requires, which clauses it serves, where it applies,
and the rule that checks it at synthesis. The registry, not the rule, owns the clause mapping.

Adding a control: write the rule in rules/<service>.py, add one Control to the set in
control_sets/<area>.py, add one Mutation case in tests/test_mutation_<area>.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

STATEFUL_TYPES = ("AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup", "AWS::DynamoDB::Table")


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    statement: str
    part11: tuple[str, ...]
    annex11: tuple[str, ...]
    jp_eres: tuple[str, ...]
    resource_types: tuple[str, ...]
    rule: Callable
    # AWS Config managed rule that checks the deployed state, where one exists.
    config_rule: str | None = None
    evidence: str = "Synthesized CloudFormation template evaluated by the GXP cdk-nag pack"
    # "all": every account; "regulated": only inside the validation boundary (regulated,
    # log-archive, audit and management accounts), never in research accounts.
    boundary: str = "all"

    @property
    def clauses(self) -> dict[str, tuple[str, ...]]:
        return {"part11": self.part11, "annex11": self.annex11, "jp-eres": self.jp_eres}


def _all_controls() -> tuple[Control, ...]:
    # Imported here because each set imports Control from this module.
    from .control_sets.audit import AUDIT_CONTROLS
    from .control_sets.compute import COMPUTE_CONTROLS
    from .control_sets.records import RECORDS_CONTROLS
    from .control_sets.signatures import SIGNATURES_CONTROLS

    return AUDIT_CONTROLS + RECORDS_CONTROLS + SIGNATURES_CONTROLS + COMPUTE_CONTROLS


CONTROLS: tuple[Control, ...] = _all_controls()


def by_id() -> dict[str, Control]:
    return {c.id: c for c in CONTROLS}


def by_resource_type(controls: tuple[Control, ...] = CONTROLS) -> dict[str, list[Control]]:
    index: dict[str, list[Control]] = {}
    for control in controls:
        for cfn_type in control.resource_types:
            index.setdefault(cfn_type, []).append(control)
    return index
