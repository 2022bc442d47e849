"""The controls engine: every control, on every resource of its types, in every stack, in one pass.

It reads templates (``assembly.py``), never constructs, so what it judges is what CloudFormation will
receive - raw overrides and L1 setters included. A failed or unprovable resource is a finding unless an
acknowledgement on its construct path (or an ancestor's) accepts it, which makes it a deviation with
the reason on record. The same function serves ``cdk synth``, ``python -m gxp_landing_zone.check``
and the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from .cfn import Resource, StackTemplate
from .context import ControlContext
from .model import REGULATED_ONLY, Control, Outcome, Verdict, cannot_prove
from .stacksets import StackSetNotes, expand

RESOURCE_TYPE = re.compile(r"^([A-Za-z0-9]+::){2}[A-Za-z0-9]+(::MODULE)?$|^Custom::[A-Za-z0-9_@-]+$")


@dataclass(frozen=True)
class Evaluation:
    control_id: str
    stack: str
    logical_id: str
    resource_type: str
    path: str
    outcome: str  # an Outcome value other than NOT_APPLICABLE
    observed: str = ""
    acknowledged_reason: str | None = None
    file: str | None = None

    @property
    def failed(self) -> bool:
        return Outcome(self.outcome).failed

    @property
    def is_finding(self) -> bool:
        return self.failed and self.acknowledged_reason is None


@dataclass(frozen=True)
class Deviation:
    """An acknowledgement of any pack's rule, expanded to each resource it covers."""

    rule_id: str  # e.g. GXP-S3-08, AwsSolutions-S1, HIPAA.Security-S3BucketReplicationEnabled
    pack: str
    stack: str
    logical_id: str
    resource_type: str
    path: str
    reason: str


@dataclass
class EngineResult:
    stacks: list[StackTemplate]
    evaluations: list[Evaluation] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)
    # Resource types no control reads, with how many resources of each: shown, not silently ignored.
    unchecked_types: dict[str, int] = field(default_factory=dict)
    # StackSets whose template could not be judged, with why.
    unreadable_stack_sets: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Evaluation]:
        return [e for e in self.evaluations if e.is_finding]


class MalformedTemplate(Exception):
    pass


def judge(control: Control, resource: Resource, context: ControlContext) -> Verdict:
    """The control's predicate on one resource. A predicate that trips over a value it did not expect
    has not proven anything: that is "cannot prove", never a crash and never a pass."""
    try:
        verdict = control.check(resource, context)
    except Exception as exc:  # noqa: BLE001 - any failure to decide is a failure to prove
        return cannot_prove(f"{control.id} could not read {resource.logical_id}: {exc}")
    if not isinstance(verdict, Verdict):
        return cannot_prove(f"{control.id} returned {verdict!r}, not a verdict")
    return verdict


def acknowledgement(stack: StackTemplate, path: str, rule_id: str) -> str | None:
    """The reason ``rule_id`` was acknowledged on ``path`` or its nearest ancestor, as CDK looks it up."""
    current = path
    while current:
        reason = stack.acknowledgements.get(current, {}).get(rule_id)
        if reason is not None:
            return reason
        current = current.rpartition("/")[0]
    return None


def index_by_type(controls: Iterable[Control]) -> dict[str, list[Control]]:
    index: dict[str, list[Control]] = {}
    for control in controls:
        for resource_type in control.resource_types:
            index.setdefault(resource_type, []).append(control)
    return index


def evaluate(stacks: list[StackTemplate], controls: Iterable[Control], context: ControlContext) -> EngineResult:
    controls = list(controls)
    index = index_by_type(controls)
    notes = StackSetNotes()
    # A StackSet's template is judged as each of its instances (controls/stacksets.py).
    stacks = [*stacks, *(instance for stack in stacks for instance in expand(stack, context, notes))]
    result = EngineResult(stacks=stacks, unreadable_stack_sets=notes.unreadable)
    for stack in stacks:
        inside = context.inside_boundary(stack.account)
        regimes = context.regimes(stack.account)
        for resource in stack.resources():
            if not RESOURCE_TYPE.match(resource.type):
                raise MalformedTemplate(
                    f"{stack.file or stack.name}: resource {resource.logical_id} has type {resource.type!r}, "
                    "which is not a CloudFormation type name (Service::Product::Resource or Custom::Name)"
                )
            applicable = [
                c
                for c in index.get(resource.type, ())
                if (inside or c.boundary != REGULATED_ONLY) and regimes & set(c.regimes)
            ]
            if not index.get(resource.type):
                result.unchecked_types[resource.type] = result.unchecked_types.get(resource.type, 0) + 1
            for control in applicable:
                verdict = judge(control, resource, context)
                if verdict.outcome is Outcome.NOT_APPLICABLE:
                    continue
                reason = acknowledgement(stack, resource.path, control.id) if verdict.outcome.failed else None
                result.evaluations.append(
                    Evaluation(
                        control_id=control.id,
                        stack=stack.name,
                        logical_id=resource.logical_id,
                        resource_type=resource.type,
                        path=resource.path,
                        outcome=verdict.outcome.value,
                        observed=verdict.observed,
                        acknowledged_reason=reason,
                        file=stack.file,
                    )
                )
        result.deviations.extend(deviations_of(stack, {c.id: c for c in controls}))
    result.deviations = sorted(set(result.deviations), key=lambda d: (d.stack, d.path, d.rule_id))
    return result


# -- acknowledgements of every pack, as the deviation log lists them --------------------------------

_PACKS = (
    ("GXP-", "GXP"),
    ("AwsSolutions-", "AwsSolutions"),
    ("HIPAA.Security-", "HIPAA Security"),
    ("NIST.800.53.R5-", "NIST 800-53 R5"),
)
# An acknowledgement sits on a construct and covers every resource below it; the log lists only the
# resources the rule can apply to, so a deviation on a role does not also name the function beside it.
_RULE_TYPE_HINTS = (
    ("L1", "AWS::Lambda::Function"),
    ("VPCDefaultSecurityGroupClosed", "AWS::EC2::VPC"),
    ("VPCNoUnrestrictedRouteToIGW", "AWS::EC2::Route"),
    ("APIGW", "AWS::ApiGateway::Stage"),
    ("DynamoDB", "AWS::DynamoDB::Table"),
    ("CloudWatchLogGroup", "AWS::Logs::LogGroup"),
    ("Lambda", "AWS::Lambda::"),
    ("IAM", "AWS::IAM::"),
    ("S3", "AWS::S3::Bucket"),
    ("KMS", "AWS::KMS::"),
    ("SNS", "AWS::SNS::"),
)


def pack_of(rule_id: str) -> str:
    for prefix, pack in _PACKS:
        if rule_id.startswith(prefix):
            return pack
    return rule_id.split("-", 1)[0]


def _relevant(rule_id: str, resource_type: str, controls: dict[str, Control]) -> bool:
    if rule_id.startswith("GXP-"):
        control = controls.get(rule_id.split("[", 1)[0])
        return control is None or resource_type in control.resource_types
    name = rule_id.split("-", 1)[-1]
    for fragment, type_prefix in _RULE_TYPE_HINTS:
        if name.startswith(fragment):
            return resource_type.startswith(type_prefix) if type_prefix.endswith("::") else resource_type == type_prefix
    return True


def deviations_of(stack: StackTemplate, controls: dict[str, Control]) -> list[Deviation]:
    found = []
    resources = list(stack.resources())
    for at, rules in stack.acknowledgements.items():
        covered = [r for r in resources if r.path == at or r.path.startswith(at + "/")]
        for rule_id, reason in rules.items():
            for resource in covered:
                if _relevant(rule_id, resource.type, controls):
                    found.append(
                        Deviation(rule_id, pack_of(rule_id), stack.name, resource.logical_id, resource.type, resource.path, reason)
                    )
    return found
