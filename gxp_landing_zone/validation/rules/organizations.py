"""Guardrail SCPs, checked per organizational unit: the union of the SCPs that reach the
OU (attached to it or to the root) must deny what the control requires."""

from __future__ import annotations

from cdk_nag import NagRuleCompliance as C

from ...naming import REGULATED_OU
from ._read import as_list, prop, refers_to, siblings, statements
from .context import RuleContext

# The minimum each control requires, written here rather than imported from
# constructs/guardrails.py: a rule that read the policy's own action list would approve
# any action someone removed from it.
AUDIT_TAMPERING = {
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
    "config:StopConfigurationRecorder",
    "config:DeleteConfigurationRecorder",
    "config:DeleteDeliveryChannel",
}
LOG_ARCHIVE_TAMPERING = {"s3:DeleteBucket", "s3:DeleteObjectVersion", "s3:PutBucketPolicy", "s3:PutBucketObjectLockConfiguration"}
KEY_DESTRUCTION = {"kms:ScheduleKeyDeletion", "kms:DisableKeyRotation"}
DATA_PLACEMENT = {
    "s3:CreateBucket",
    "dynamodb:CreateTable",
    "ec2:RunInstances",
    "ec2:CreateVolume",
    "ec2:CopySnapshot",
    "rds:CreateDBInstance",
    "rds:CreateDBCluster",
    "sagemaker:CreateTrainingJob",
    "omics:CreateSequenceStore",
    "omics:StartRun",
}


def _reaching(ou, ctx: RuleContext) -> list[dict]:
    found = []
    for policy in siblings(ou, "AWS::Organizations::Policy"):
        if prop(policy, "type") != "SERVICE_CONTROL_POLICY":
            continue
        targets = prop(policy, "target_ids") or []
        if ctx.root_id in targets or any(refers_to(t, ou) for t in targets):
            found.extend(statements(prop(policy, "content")))
    return found


def _denied(statements_: list[dict]) -> set[str]:
    denied: set[str] = set()
    for s in statements_:
        if s.get("Effect") == "Deny" and "Action" in s:
            denied |= set(as_list(s["Action"]))
    return denied


def deny_audit_tampering(node, ctx: RuleContext):
    return C.COMPLIANT if AUDIT_TAMPERING <= _denied(_reaching(node, ctx)) else C.NON_COMPLIANT


def deny_log_archive_tampering(node, ctx: RuleContext):
    return C.COMPLIANT if LOG_ARCHIVE_TAMPERING <= _denied(_reaching(node, ctx)) else C.NON_COMPLIANT


def deny_key_destruction_in_regulated(node, ctx: RuleContext):
    if prop(node, "name") != REGULATED_OU:
        return C.NOT_APPLICABLE
    return C.COMPLIANT if KEY_DESTRUCTION <= _denied(_reaching(node, ctx)) else C.NON_COMPLIANT


def deny_root_and_leaving(node, ctx: RuleContext):
    reaching = _reaching(node, ctx)
    leaving = "organizations:LeaveOrganization" in _denied(reaching)
    root = any(
        s.get("Effect") == "Deny"
        and "*" in as_list(s.get("Action"))
        and "arn:aws:iam::*:root" in as_list(((s.get("Condition") or {}).get("StringLike") or {}).get("aws:PrincipalArn"))
        for s in reaching
    )
    return C.COMPLIANT if leaving and root else C.NON_COMPLIANT


def deny_outside_allowed_regions(node, ctx: RuleContext):
    for s in _reaching(node, ctx):
        regions = ((s.get("Condition") or {}).get("StringNotEquals") or {}).get("aws:RequestedRegion")
        if s.get("Effect") == "Deny" and "NotAction" in s and regions is not None:
            if set(as_list(regions)) == set(ctx.allowed_regions):
                return C.COMPLIANT
    return C.NON_COMPLIANT


def _reaching_account(ou, account_id: str, ctx: RuleContext) -> list[dict]:
    """SCPs that bind a regulated account: on the root, on the Regulated OU, or on the account."""
    found = []
    for policy in siblings(ou, "AWS::Organizations::Policy"):
        if prop(policy, "type") != "SERVICE_CONTROL_POLICY":
            continue
        targets = prop(policy, "target_ids") or []
        if ctx.root_id in targets or account_id in targets or any(refers_to(t, ou) for t in targets):
            found.extend(statements(prop(policy, "content")))
    return found


def _confines(statement: dict, key: str, inside: set[str]) -> bool:
    regions = ((statement.get("Condition") or {}).get("StringNotEquals") or {}).get(key)
    return statement.get("Effect") == "Deny" and regions is not None and set(as_list(regions)) <= inside


def keep_data_in_jurisdiction(node, ctx: RuleContext):
    """Each regulated account is bound by a deny on placing data outside its jurisdiction's
    regions, by requested region and, for buckets, by location constraint."""
    if prop(node, "name") != REGULATED_OU:
        return C.NOT_APPLICABLE
    for account_id, jurisdiction in ctx.jurisdiction_by_account.items():
        inside = {r for r, j in ctx.region_jurisdiction.items() if j == jurisdiction}
        reaching = _reaching_account(node, account_id, ctx)
        by_region = set()
        for s in reaching:
            if _confines(s, "aws:RequestedRegion", inside):
                by_region |= set(as_list(s.get("Action")))
        by_location = any(
            _confines(s, "s3:LocationConstraint", inside) and "s3:CreateBucket" in as_list(s.get("Action"))
            for s in reaching
        )
        if not (DATA_PLACEMENT <= by_region and by_location):
            return C.NON_COMPLIANT
    return C.COMPLIANT
