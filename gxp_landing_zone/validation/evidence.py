"""What a synthesis leaves behind for the auditor besides the evaluations: findings, the violations no
acknowledgement covers (they fail synthesis). Evaluations and deviations come from the controls
engine (controls/engine.py)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    rule_id: str  # a control ID, or a cdk-nag rule (AwsSolutions-S1, HIPAA.Security-..., NIST.800.53.R5-...)
    pack: str
    severity: str
    description: str
    path: str
    stack: str = ""
    logical_id: str = ""
    clauses: dict = field(default_factory=dict, compare=False, hash=False)
