from __future__ import annotations

from cdk_nag import NagRuleCompliance as C

from ._read import prop
from .context import RuleContext


def encrypted_and_retained(node, ctx: RuleContext):
    days = prop(node, "retention_in_days")
    long_enough = days is None or days >= ctx.min_log_retention_days  # None: kept forever
    return C.COMPLIANT if prop(node, "kms_key_id") and long_enough else C.NON_COMPLIANT
