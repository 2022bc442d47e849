"""GXP-AI-06: a model version stays Approved only on a verified 'approved-for-use' e-signature: every
approval change of the group goes to the release gate, which can revert it, and an hourly sweep re-checks."""

from __future__ import annotations

from ..deployed.events import default_bus_rules
from ..deployed.model_governance import function_by_role, model_package_group
from ..model import REGULATED, REGULATED_ONLY, Control, DeployedCheck, all_of, cannot_prove, compliant, non_compliant
from ._functions import APPROVAL_HANDLER, expect_variable, function_named_by, may
from ._helpers import compute_here

STATE_CHANGE = "SageMaker Model Package State Change"


def _rules(stack):
    return [r for r in stack.of_type("AWS::Events::Rule") if r.get("State") in (None, "ENABLED")
            and r.get("EventBusName") in (None, "default")]


def _watches(pattern, group):
    if not isinstance(pattern, dict) or pattern.get("source") != ["aws.sagemaker"]:
        return False
    if STATE_CHANGE not in (pattern.get("detail-type") or []):
        return False
    named = (pattern.get("detail") or {}).get("ModelPackageGroupName")
    return named is None or group in named


def _gates(rule, stack):
    targets = rule.get("Targets")
    return [f for t in targets if isinstance(t, dict) and (f := function_named_by(stack, t.get("Arn"))) is not None] \
        if isinstance(targets, list) else []


def _judge_gate(function, ctx, group, location, packages):
    return all_of(
        compliant() if function.get("Handler") == APPROVAL_HANDLER else non_compliant(
            f"the rule's target runs {function.get('Handler')}, not the approval gate"),
        expect_variable(function, "RELEASE_MEANING", ctx.config.ml.meaning, "the gate"),
        expect_variable(function, "EVALUATION_LOCATION", location, "the gate"),
        may(function, "sagemaker:UpdateModelPackage", packages, "the gate"),
    )


def check(group_resource, ctx):
    stack, group = group_resource.stack, group_resource.get("ModelPackageGroupName")
    if ctx.config is None or not stack.account or not stack.region:
        return cannot_prove("the release meaning and the evaluation record class come from the config")
    ml = ctx.config.ml
    if ml.record_class is None:
        return non_compliant("the config names no evaluation record class (ml.record_class): approvals are not gated")
    record_class = ctx.config.signatures.record_classes[ml.record_class]
    location = f"{ctx.names.records_bucket(record_class.data_class, stack.account, stack.region)}/{record_class.key_prefix}"
    packages = f"arn:aws:sagemaker:{stack.region}:{stack.account}:model-package/{group}/*"
    on_change = [(r, f) for r in _rules(stack) if _watches(r.get("EventPattern"), group) for f in _gates(r, stack)]
    if not on_change:
        return non_compliant(f"no enabled rule sends {STATE_CHANGE} events of {group} to a function")
    verdicts = [_judge_gate(f, ctx, group, location, packages) for _, f in on_change]
    gates = {f.logical_id for _, f in on_change}
    swept = [r for r in _rules(stack) if r.get("ScheduleExpression") and any(f.logical_id in gates for f in _gates(r, stack))]
    verdicts.append(compliant() if swept else non_compliant("no scheduled rule re-checks the Approved versions"))
    verdict = all_of(*verdicts)
    if verdict.passed:
        return compliant(f"every approval change of {group} and an hourly sweep go to the release gate, which keeps a "
                         f"version Approved only on a verified '{ml.meaning}' signature of its record in {location}")
    return verdict


def _deployed(reader):
    if not compute_here(reader):
        return []
    default_bus_rules(reader)
    function_by_role(reader, reader.names.signature_role_name("approval", reader.region))
    return [model_package_group(reader, reader.names.model_package_group)]


CONTROL = Control(
    id="GXP-AI-06",
    title="Model approval requires a verified e-signature",
    statement=(
        "Every approval status change of a regulated account's model package group, and an hourly schedule, invoke "
        "the release gate, which may revert a version (sagemaker:UpdateModelPackage) and keeps it Approved only on a "
        "valid signature with the configured release meaning on its current evaluation record in the configured "
        "evaluation record class."
    ),
    part11={
        "11.10(g)": "Only a person whose group may sign the release meaning can put a model version into use; any other approval is undone.",
        "11.70": "The release is bound to the exact evaluation result by the signature's hash: a changed evaluation needs a new signature.",
    },
    annex11={
        "10": "A model version changes the validated system only through a controlled, signed release.",
        "14": "The release decision is an electronic signature permanently linked to the evaluation it approves.",
    },
    eu_ai_act={
        "14": "A natural person decides, by signing, whether a model version may be used; approvals made without that decision are reversed.",
    },
    resource_types=("AWS::SageMaker::ModelPackageGroup",),
    check=check,
    boundary=REGULATED_ONLY,
    deployed=DeployedCheck(read=_deployed, accounts=frozenset({REGULATED}), regions="workload"),
)
