"""GXP-EC2-03: EBS encryption by default is on in every account and region."""

from __future__ import annotations

import json
import re
from typing import Any

from ..cfn import Joined, Resource, Unresolved, contains_unresolved
from ..deployed.ec2 import ebs_encryption_by_default
from ..deployed.reader import physical_id
from ..model import (
    ALL_KINDS,
    Control,
    DeployedCheck,
    Outcome,
    Verdict,
    all_of,
    cannot_prove,
    compliant,
    non_compliant,
    not_applicable,
)
from ._helpers import best, conditional

# CloudFormation has no resource type for this account setting: the Baseline stack sets it with an
# AwsCustomResource, whose Create/Update/Delete properties hold the SDK call as JSON text.
ENABLE, DISABLE = "enableebsencryptionbydefault", "disableebsencryptionbydefault"
PHASES = ("Create", "Update", "Delete")
# Every account and region has a Baseline stack with a Config recorder: that is where the setting
# must be, so a stack that records configuration but sets nothing is caught on its recorder.
ANCHOR = "AWS::Config::ConfigurationRecorder"
CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource"
ARN_ACCOUNT = re.compile(r"^arn:[^:]+:iam::(\d{12}):")


def _sdk_call(resource: Resource, phase: str) -> dict | None | Unresolved:
    value = resource.get(phase)
    if value is None or isinstance(value, Unresolved):
        return value
    text = str(value) if isinstance(value, Joined) else value
    if isinstance(text, str):
        try:
            value = json.loads(text)
        except ValueError:
            return Unresolved(f"{phase} is not a JSON SDK call")
    if not isinstance(value, dict):
        return Unresolved(f"{phase} is not an SDK call object")
    return contains_unresolved(value) or value


def _ebs_action(call: Any) -> str | None:
    """"enable"/"disable" when ``call`` is EC2's EBS-default call (SDK v2 or v3 names), else None."""
    if not isinstance(call, dict):
        return None
    service = str(call.get("service", "")).lower().removeprefix("@aws-sdk/client-")
    action = str(call.get("action", "")).lower().removesuffix("command")
    if service != "ec2":
        return None
    return {ENABLE: "enable", DISABLE: "disable"}.get(action)


def _where(resource: Resource, phase: str, call: dict) -> Verdict:
    """The call acts on this stack's account and region, and its failure fails the deployment."""
    found = []
    region = call.get("region")
    if region is not None and region != resource.region:
        found.append(non_compliant(f"{phase} sets it in {region}, not in this stack's region {resource.region}"))
    role = call.get("assumedRoleArn")
    if role is not None:
        account = ARN_ACCOUNT.match(str(role))
        if account is None:
            found.append(cannot_prove(f"{phase} acts as {role}, whose account cannot be read"))
        elif account.group(1) != resource.stack.account:
            found.append(non_compliant(f"{phase} acts as {role}, in account {account.group(1)}"))
    if call.get("ignoreErrorCodesMatching"):
        found.append(non_compliant(
            f"{phase} ignores errors matching {call['ignoreErrorCodesMatching']!r}: a failed call deploys as success"))
    return all_of(*found) if found else compliant()


def judge(resource: Resource) -> Verdict:
    calls = {phase: _sdk_call(resource, phase) for phase in PHASES}
    if not any(_ebs_action(c) for c in calls.values()):
        return not_applicable("no EBS-encryption-by-default call")
    if (condition := conditional(resource)) is not None:
        return cannot_prove(f"{resource.logical_id} exists only if condition {condition} holds")
    found = []
    for phase, call in calls.items():
        if isinstance(call, Unresolved):
            found.append(cannot_prove(f"{phase}: {call.why}"))
            continue
        action = _ebs_action(call)
        if phase == "Create" and action != "enable":
            found.append(non_compliant(f"Create does not enable EBS encryption by default ({_show(call)})"))
        elif action == "disable":
            what = "an update" if phase == "Update" else "removing or replacing the resource"
            found.append(non_compliant(f"{phase} calls EC2 disableEbsEncryptionByDefault: {what} turns it off"))
        if action == "enable":
            found.append(_where(resource, phase, call))
    verdict = all_of(*found)
    if verdict.passed:
        return compliant(f"{physical_id(resource)} enables EBS encryption by default on create; no call disables it")
    return verdict


def _show(call) -> str:
    return f"{call.get('service')} {call.get('action')}" if isinstance(call, dict) else "no call"


def check(resource, ctx):
    if resource.type != ANCHOR:
        return judge(resource)
    # On the recorder: some custom resource of its stack (whatever its type name) must enable it.
    custom = [r for r in resource.stack.resources() if r.type.startswith("Custom::") or r.type == CUSTOM_RESOURCE]
    verdicts = [v for v in map(judge, custom) if v.outcome is not Outcome.NOT_APPLICABLE]
    for other in custom:
        create = _sdk_call(other, "Create")
        if isinstance(create, Unresolved):
            verdicts.append(cannot_prove(f"{other.logical_id}: {create.why}"))
    return best(verdicts, "nothing in the stack that records this account and region enables EBS encryption by default")


CONTROL = Control(
    id="GXP-EC2-03",
    title="EBS encryption by default in every account and region",
    statement=(
        "Every account and allowed region has EBS encryption by default turned on (EC2 "
        "EnableEbsEncryptionByDefault, set by the Baseline stack), and nothing turns it off: a volume or snapshot "
        "created by any means is encrypted."
    ),
    part11={
        "11.10(d)": "No volume or snapshot holds data in the clear, and an encrypted snapshot cannot be made public: access stays with the account's principals.",
    },
    annex11={
        "7.1": "Data on every block volume, including ones created outside the estate's templates, is secured electronically.",
        "12.1": "Reading a volume's data requires the use of its key, not only access to the storage.",
    },
    resource_types=("Custom::AWS", ANCHOR),
    check=check,
    deployed=DeployedCheck(read=lambda reader: [ebs_encryption_by_default(reader)], accounts=ALL_KINDS, regions="all"),
    config_rule="EC2_EBS_ENCRYPTION_BY_DEFAULT",
)
