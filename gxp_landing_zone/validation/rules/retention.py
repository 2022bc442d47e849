from __future__ import annotations

from aws_cdk import CfnDeletionPolicy
from cdk_nag import NagRuleCompliance as C

from .context import RuleContext


def retained_on_delete(node, ctx: RuleContext):
    """Deleting or replacing the stack must leave the data (and the keys to read it) in place."""
    options = node.cfn_options
    kept = (CfnDeletionPolicy.RETAIN, CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE)
    if options.deletion_policy in kept and options.update_replace_policy in kept:
        return C.COMPLIANT
    return C.NON_COMPLIANT
