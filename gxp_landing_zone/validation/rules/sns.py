from __future__ import annotations

from cdk_nag import NagRuleCompliance as C

from ._read import prop
from .context import RuleContext


def kms_encrypted(node, ctx: RuleContext):
    return C.COMPLIANT if prop(node, "kms_master_key_id") else C.NON_COMPLIANT
