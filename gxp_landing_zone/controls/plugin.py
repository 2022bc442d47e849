"""The controls engine as one of CDK's policy-validation plugins.

CDK calls ``validate`` once, after the cloud assembly is written, with the paths of the templates it
wrote; the engine reads those templates and their metadata (acknowledgements included) in Python. One
call per synthesis, not a callback per construct: what is judged is what CloudFormation will receive,
and a violation fails ``cdk synth`` beside the cdk-nag packs' findings in ``validation-report.json``.
"""

from __future__ import annotations

from pathlib import Path

import jsii
from aws_cdk import IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolatingResource, PolicyViolation

from .assembly import read_assembly
from .context import ControlContext
from .engine import EngineResult, evaluate
from .registry import all_controls

PLUGIN_NAME = "GXP"


def _clauses(control) -> str:
    return "; ".join(f"{fw} {', '.join(ids)}" for fw, ids in control.clauses.items() if ids)


@jsii.implements(IPolicyValidationPlugin)
class GxpControls:
    """Runs every registered control on the templates CDK hands over; keeps the whole result (compliant
    evaluations too) for the traceability report."""

    def __init__(self, context: ControlContext, controls=None):
        self._context = context
        self._controls = tuple(controls) if controls is not None else all_controls()
        self.result: EngineResult | None = None
        self.error: str | None = None

    @property
    def name(self) -> str:
        return PLUGIN_NAME

    @property
    def version(self) -> str:
        return "1.0.0"

    @property
    def rule_ids(self) -> list[str]:
        return [c.id for c in self._controls]

    def validate(self, context) -> PolicyValidationPluginReport:
        try:
            paths = {str(Path(s.template_path).resolve()) for s in context.stack_templates}
            stacks = []
            for directory in sorted({str(Path(p).parent) for p in paths}):
                stacks += [s for s in read_assembly(Path(directory), nested=False) if str(Path(s.file).resolve()) in paths]
            self.result = evaluate(stacks, self._controls, self._context)
        except Exception as exc:  # noqa: BLE001 - reported as a failed validation, never a crash inside jsii
            self.error = f"{exc.__class__.__name__}: {exc}"
            return PolicyValidationPluginReport(
                success=False,
                violations=[PolicyViolation(rule_name="GXP-ENGINE", description=f"the controls engine could not run: {self.error}", violating_resources=[])],
            )
        by_id = {c.id: c for c in self._controls}
        violations = [
            PolicyViolation(
                rule_name=finding.control_id,
                description=f"{by_id[finding.control_id].title}: {finding.observed} ({_clauses(by_id[finding.control_id])})",
                fix=by_id[finding.control_id].statement,
                severity="error",
                violating_resources=[
                    PolicyViolatingResource(
                        resource_logical_id=finding.logical_id, template_path=finding.file, locations=["Properties"]
                    )
                ],
            )
            for finding in self.result.findings
        ]
        return PolicyValidationPluginReport(success=not violations, violations=violations)
