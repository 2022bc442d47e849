from __future__ import annotations

from cdk_nag import NagRuleCompliance as C

from ._read import prop
from .context import RuleContext


def recoverable_and_protected(node, ctx: RuleContext):
    """Point-in-time recovery on, and the table cannot be deleted by an API call."""
    pitr = prop(node, "point_in_time_recovery_specification") or {}
    protected = prop(node, "deletion_protection_enabled") is True
    return C.COMPLIANT if pitr.get("pointInTimeRecoveryEnabled") is True and protected else C.NON_COMPLIANT


def kms_encrypted(node, ctx: RuleContext):
    sse = prop(node, "sse_specification") or {}
    cmk = sse.get("sseEnabled") is True and sse.get("sseType") == "KMS" and sse.get("kmsMasterKeyId")
    return C.COMPLIANT if cmk else C.NON_COMPLIANT
