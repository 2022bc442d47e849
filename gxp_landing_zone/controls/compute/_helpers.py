"""What the compute controls share: reading a Batch environment's launch templates, judging a KMS key,
and where the IQ finds the workload VPC and the Batch fleet.

The machine learning and genomics controls judge their keys with ``customer_managed_key`` too.
"""

from __future__ import annotations

import re
from typing import Any

from ..cfn import Joined, Ref, Resource, StackTemplate, Unresolved
from ..deployed.batch import compute_environments, fleet
from ..deployed.ec2 import compute_runs_here, workload_vpcs
from ..deployed.reader import missing, physical_id
from ..model import (
    REGULATED,
    RESEARCH,
    DeployedCheck,
    Outcome,
    Verdict,
    cannot_prove,
    compliant,
    non_compliant,
    not_applicable,
)

# Discovery compute runs in regulated and research accounts (the config may switch it off per account).
WORKLOADS = frozenset({REGULATED, RESEARCH})
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
# Aliases AWS creates and manages for a service's default key ("aws/ebs", "aws/sagemaker", ...).
AWS_MANAGED_ALIAS = re.compile(r"(^|:)alias/aws/")


def conditional(resource: Resource) -> str | None:
    """The condition a resource is created under: it may not exist, so it proves nothing."""
    condition = resource.raw.get("Condition")
    return condition if isinstance(condition, str) else (str(condition) if condition is not None else None)


def points_at(value: Any, resource: Resource) -> bool | Unresolved:
    """Whether a property names ``resource``; unknown when the property is unresolved."""
    if isinstance(value, Unresolved):
        return value
    return resource.refers_to(value)


def best(verdicts: list[Verdict], none: str) -> Verdict:
    """One candidate that passes is enough; otherwise "cannot prove" if any could not be judged."""
    for verdict in verdicts:
        if verdict.passed:
            return verdict
    unproven = [v.observed for v in verdicts if v.outcome is Outcome.CANNOT_PROVE]
    if unproven:
        return cannot_prove("; ".join(unproven))
    return non_compliant("; ".join(v.observed for v in verdicts) or none)


# -- keys ------------------------------------------------------------------------------------------


def customer_managed_key(value: Any, stack: StackTemplate, what: str) -> Verdict:
    """``value`` names a KMS key the customer manages: a key of the template (deployed: one KMS
    reports as CUSTOMER), directly or through an alias of the template."""
    if isinstance(value, Unresolved):
        return cannot_prove(f"{what}: {value.why}")
    if value in (None, ""):
        return non_compliant(f"{what} is not set: the service encrypts with a key AWS manages")
    if isinstance(value, Ref):
        target = stack.resource(value.logical_id)
        if target is not None and target.type == "AWS::KMS::Alias":
            return customer_managed_key(target.get("TargetKeyId"), stack, f"{what} (alias {target.logical_id})")
        if target is None or target.type != "AWS::KMS::Key":
            return non_compliant(f"{what} is {value}, which is not a KMS key")
        manager = target.get("KeyManager")
        if isinstance(manager, Unresolved):
            return cannot_prove(f"{what}: {manager.why}")
        if manager in (None, "CUSTOMER"):
            return compliant(f"{what} is key {physical_id(target)}, customer-managed")
        return non_compliant(f"{what} is key {physical_id(target)}, managed by {manager}")
    if isinstance(value, str) and AWS_MANAGED_ALIAS.search(value):
        return non_compliant(f"{what} is {value}, a key AWS manages")
    if isinstance(value, (str, Joined)):
        return cannot_prove(f"{what} is {value}, a key this template does not define: who manages it cannot be seen")
    return cannot_prove(f"{what} is {value!r}, not a key")


# -- Batch environments and their launch templates ----------------------------------------------------


def instance_scope(env: Resource) -> Verdict | None:
    """None when Batch launches EC2 instances for the environment; otherwise the verdict to give."""
    kind = env.get("Type")
    if isinstance(kind, Unresolved):
        return cannot_prove(f"Type: {kind.why}")
    if isinstance(kind, str) and kind.upper() == "UNMANAGED":
        return not_applicable("an unmanaged environment: Batch launches no instances for it")
    resources = env.get("ComputeResources")
    if isinstance(resources, Unresolved):
        return cannot_prove(f"ComputeResources: {resources.why}")
    if not isinstance(resources, dict):
        return cannot_prove("a managed environment without ComputeResources")
    compute_type = env.get("ComputeResources.Type")
    if isinstance(compute_type, Unresolved):
        return cannot_prove(f"ComputeResources.Type: {compute_type.why}")
    if isinstance(compute_type, str) and compute_type.upper().startswith("FARGATE"):
        return not_applicable(f"{compute_type}: no instances of its own")
    return None


def _template(stack: StackTemplate, spec: Any) -> Resource | Unresolved:
    if isinstance(spec, Unresolved):
        return spec
    if not isinstance(spec, dict):
        return Unresolved(f"launch template specification {spec!r} is not an object")
    ident, name = spec.get("LaunchTemplateId"), spec.get("LaunchTemplateName")
    for value in (ident, name):
        if isinstance(value, Unresolved):
            return value
    if isinstance(ident, Ref):
        found = stack.target(ident, LAUNCH_TEMPLATE)
        return found or Unresolved(f"LaunchTemplateId {ident} is not a launch template of this template")
    if isinstance(ident, str):
        return Unresolved(f"launch template {ident} is not defined in this template, so its settings cannot be seen")
    if isinstance(name, str):
        named = [t for t in stack.of_type(LAUNCH_TEMPLATE) if t.get("LaunchTemplateName") == name]
        return named[0] if named else Unresolved(f"launch template {name!r} is not defined in this template")
    return Unresolved("the launch template is named by neither LaunchTemplateId nor LaunchTemplateName")


def launch_templates(env: Resource) -> list[Resource] | Unresolved:
    """Every launch template the environment's instances may start from: its own and each
    per-instance-type override. Empty when it names none (Batch's default settings apply)."""
    spec = env.get("ComputeResources.LaunchTemplate")
    if spec is None:
        return []
    if isinstance(spec, Unresolved):
        return spec
    overrides = spec.get("Overrides") if isinstance(spec, dict) else None
    if isinstance(overrides, Unresolved):
        return overrides
    found = []
    for one in [spec, *(overrides or [])]:
        template = _template(env.stack, one)
        if isinstance(template, Unresolved):
            return template
        found.append(template)
    return found


def name_of(template: Resource) -> str:
    return physical_id(template)


# -- where the IQ looks ----------------------------------------------------------------------------------


def when_compute_runs(read):
    return lambda reader: read(reader) if compute_runs_here(reader) else []


FLEET = DeployedCheck(read=when_compute_runs(fleet), accounts=WORKLOADS, regions="workload")
ALL_ENVIRONMENTS = DeployedCheck(read=when_compute_runs(compute_environments), accounts=WORKLOADS, regions="workload")


def vpcs_with(*siblings):
    """The workload VPCs, each with the sibling resources ``siblings`` read (flow logs, routes)."""

    def read(reader):
        found = workload_vpcs(reader)
        for vpc in found:
            if not missing(vpc):
                for sibling in siblings:
                    reader.once(("ec2", sibling.__name__, vpc.logical_id), lambda s=sibling, v=vpc: s(reader, v) or v)
        return found

    return when_compute_runs(read)
