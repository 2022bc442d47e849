"""The project's cdk-nag pack: every control in the registry, applied to every resource of its types.

Besides failing synthesis on a violation (cdk-nag's job), the pack keeps a Python-side
log of every evaluation - compliant ones too - because the traceability matrix must
name the resources a control was proven on, not only the ones that failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jsii
from aws_cdk import CfnResource, Stack, Validations
from cdk_nag import IApplyRule, NagMessageLevel, NagPack, NagRuleCompliance

from .controls import CONTROLS, Control, by_resource_type
from .rules.context import RuleContext

PACK_NAME = "GXP"


@dataclass(frozen=True)
class Evaluation:
    control_id: str
    stack: str
    logical_id: str
    resource_type: str
    path: str
    outcome: str  # COMPLIANT | NON_COMPLIANT | ERROR
    acknowledged_reason: str | None = None


@dataclass
class EvaluationLog:
    evaluations: list[Evaluation] = field(default_factory=list)

    def for_control(self, control_id: str) -> list[Evaluation]:
        return [e for e in self.evaluations if e.control_id == control_id]


def acknowledgement(node: CfnResource, rule_id: str) -> str | None:
    """The reason a rule was acknowledged on ``node`` or an ancestor, as cdk-nag itself looks it up."""
    current = node
    while current is not None:
        for entry in current.node.metadata:
            if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY and entry.data:
                for key, reason in entry.data.items():
                    if key.split("::", 1)[-1] == rule_id:
                        return reason
        current = current.node.scope
    return None


@jsii.implements(IApplyRule)
class _ControlRule:
    """Adapter cdk-nag calls back into; jsii only sees class-level properties and methods."""

    def __init__(self, control: Control, node: CfnResource, context: RuleContext, log: EvaluationLog):
        self._control, self._node, self._context, self._log = control, node, context, log

    @property
    def rule_suffix_override(self) -> str:
        return self._control.id.removeprefix(f"{PACK_NAME}-")

    @property
    def info(self) -> str:
        clauses = "; ".join(
            f"{fw} {', '.join(ids)}" for fw, ids in self._control.clauses.items() if ids
        )
        return f"[{self._control.id}] {self._control.title}: {self._control.statement} ({clauses})"

    @property
    def explanation(self) -> str:
        return self._control.statement

    @property
    def level(self) -> NagMessageLevel:
        return NagMessageLevel.ERROR

    @property
    def node(self) -> CfnResource:
        return self._node

    def rule(self, node: CfnResource):
        try:
            outcome = self._control.rule(node, self._context)
        except Exception:
            self._record("ERROR")
            raise
        if outcome is not NagRuleCompliance.NOT_APPLICABLE:
            self._record(outcome.name)
        return outcome

    def _record(self, outcome: str) -> None:
        stack = Stack.of(self._node)
        self._log.evaluations.append(
            Evaluation(
                control_id=self._control.id,
                stack=stack.stack_name,
                logical_id=stack.resolve(self._node.logical_id),
                resource_type=self._node.cfn_resource_type,
                path=self._node.node.path,
                outcome=outcome,
                acknowledged_reason=acknowledgement(self._node, self._control.id) if outcome != "COMPLIANT" else None,
            )
        )


class GxpChecks(NagPack):
    """21 CFR Part 11 / EU GMP Annex 11 / MHLW ER/ES controls as a cdk-nag pack."""

    def __init__(self, scope=None, *, context: RuleContext, controls: tuple[Control, ...] = CONTROLS):
        super().__init__(scope)
        self._pack_name = PACK_NAME
        self.context = context
        self.log = EvaluationLog()
        self._index = by_resource_type(controls)

    @property
    def name(self) -> str:
        return "GxP-Part11-Annex11-ERES"

    def _check_resource(self, node: CfnResource) -> None:
        # Only the controls for this resource type cross into JavaScript: a synth of the
        # reference estate applies a few hundred rules, not rules x resources.
        controls = self._index.get(node.cfn_resource_type, ())
        if controls and Stack.of(node).account in self.context.research_accounts:
            controls = [c for c in controls if c.boundary != "regulated"]
        for control in controls:
            self._apply_rule(_ControlRule(control, node, self.context, self.log))

