"""Deployed AWS Batch compute environments and job definitions in CloudFormation's shape.

An environment's subnets and launch templates become references to ``AWS::EC2::Subnet`` and
``AWS::EC2::LaunchTemplate`` resources (``ec2.py``), at the launch template version the environment
runs (``$Default`` when it names none, as Batch does).
"""

from __future__ import annotations

from ..cfn import Resource, Unresolved
from .ec2 import ROLE_TAG, launch_template, subnet
from .reader import AccountReader, missing

FLEET = "Batch compute environments"


def compute_environments(reader: AccountReader) -> list[Resource]:
    """Every compute environment of the account in this region (for settings any environment must
    have); a listing error becomes one missing resource carrying the API's words."""
    return reader.once(("batch", "compute-environments"), lambda: _environments(reader))


def fleet(reader: AccountReader) -> list[Resource]:
    """The estate's environments: those the Compute stack tagged for this account role."""
    found = compute_environments(reader)
    if len(found) == 1 and missing(found[0]):
        return found
    role = reader.account.role
    tagged = [e for e in found if e.tag(ROLE_TAG) == role]
    if not tagged:
        return [reader.once(("batch", "no-fleet"), lambda: reader.add(
            "AWS::Batch::ComputeEnvironment", FLEET, {}, missing=f"no compute environment tagged {ROLE_TAG}={role}"))]
    return tagged


def _environments(reader: AccountReader) -> list[Resource]:
    listed = reader.call("batch", "describe_compute_environments")
    if not listed.ok:
        return [reader.add("AWS::Batch::ComputeEnvironment", FLEET, {}, missing=f"cannot list: {listed.error}")]
    environments = listed.get("computeEnvironments") or []
    # Paginated by nextToken; the estate has a handful, but a long account must still be read whole.
    token = listed.get("nextToken")
    while token:
        more = reader.call("batch", "describe_compute_environments", nextToken=token)
        if not more.ok:
            return [reader.add("AWS::Batch::ComputeEnvironment", FLEET, {}, missing=f"cannot list: {more.error}")]
        environments += more.get("computeEnvironments") or []
        token = more.get("nextToken")
    if not environments:
        return [reader.add("AWS::Batch::ComputeEnvironment", FLEET, {}, missing="no Batch compute environment")]
    return [_environment(reader, e) for e in environments]


def _template_spec(reader: AccountReader, spec: dict) -> dict:
    if spec.get("launchTemplateId"):
        ident = {"LaunchTemplateId": spec["launchTemplateId"]}
    elif spec.get("launchTemplateName"):
        ident = {"LaunchTemplateName": spec["launchTemplateName"]}
    else:
        return {"LaunchTemplateId": Unresolved(f"launch template named by neither ID nor name: {spec}")}
    version = str(spec.get("version") or "$Default")
    shaped = {"LaunchTemplateId": launch_template(reader, ident, version), "Version": version}
    if spec.get("targetInstanceTypes"):
        shaped["TargetInstanceTypes"] = spec["targetInstanceTypes"]
    return shaped


def _environment(reader: AccountReader, env: dict) -> Resource:
    resources = env.get("computeResources") or {}
    shaped: dict = {
        "Type": resources.get("type"),
        "AllocationStrategy": resources.get("allocationStrategy"),
        "InstanceTypes": resources.get("instanceTypes"),
        "Subnets": [subnet(reader, s) for s in resources.get("subnets") or []],
        "SecurityGroupIds": resources.get("securityGroupIds"),
    }
    spec = resources.get("launchTemplate")
    if spec:
        shaped["LaunchTemplate"] = _template_spec(reader, spec)
        overrides = [_template_spec(reader, o) for o in spec.get("overrides") or []]
        if overrides:
            shaped["LaunchTemplate"]["Overrides"] = overrides
    properties = {
        "ComputeEnvironmentName": env.get("computeEnvironmentName"),
        "Type": env.get("type"),
        "State": env.get("state"),
        "ComputeResources": {k: v for k, v in shaped.items() if v is not None} if resources else None,
        "Tags": env.get("tags") or {},
    }
    return reader.add("AWS::Batch::ComputeEnvironment", env["computeEnvironmentName"],
                      {k: v for k, v in properties.items() if v is not None})


def job_definitions(reader: AccountReader) -> list[Resource]:
    """Every ACTIVE job definition revision: any of them can be submitted."""
    return reader.once(("batch", "job-definitions"), lambda: _job_definitions(reader))


def _job_definitions(reader: AccountReader) -> list[Resource]:
    found, token = [], None
    while True:
        answer = reader.call("batch", "describe_job_definitions", status="ACTIVE", **({"nextToken": token} if token else {}))
        if not answer.ok:
            return [reader.add("AWS::Batch::JobDefinition", "job definitions", {}, missing=f"cannot list: {answer.error}")]
        found += answer.get("jobDefinitions") or []
        token = answer.get("nextToken")
        if not token:
            break
    if not found:
        return [reader.add("AWS::Batch::JobDefinition", "job definitions", {}, missing="no ACTIVE job definition")]
    return [
        reader.add("AWS::Batch::JobDefinition", f"{jd['jobDefinitionName']}:{jd.get('revision')}", {
            "JobDefinitionName": jd["jobDefinitionName"],
            "Type": jd.get("type"),
            "RetryStrategy": _retry_strategy(jd.get("retryStrategy")),
        })
        for jd in found
    ]


def _retry_strategy(strategy: dict | None) -> dict | None:
    if not strategy:
        return None
    rules = [
        {k: rule[key] for k, key in (("Action", "action"), ("OnStatusReason", "onStatusReason"),
                                     ("OnReason", "onReason"), ("OnExitCode", "onExitCode")) if key in rule}
        for rule in strategy.get("evaluateOnExit") or []
    ]
    return {k: v for k, v in {"Attempts": strategy.get("attempts"), "EvaluateOnExit": rules or None}.items() if v is not None}
