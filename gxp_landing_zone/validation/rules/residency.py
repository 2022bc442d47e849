from __future__ import annotations

from cdk_nag import NagRuleCompliance as C

from ._read import stack_account, stack_region
from .context import RuleContext


def region_allowed_and_in_jurisdiction(node, ctx: RuleContext):
    """Every resource sits in an allowed region; a regulated account's resources stay in its jurisdiction."""
    region = stack_region(node)
    if region not in ctx.allowed_regions:
        return C.NON_COMPLIANT
    jurisdiction = ctx.jurisdiction_by_account.get(stack_account(node))
    if jurisdiction and ctx.region_jurisdiction.get(region) != jurisdiction:
        return C.NON_COMPLIANT
    return C.COMPLIANT
