"""GXP-SCP-05: nothing runs in a region the config does not allow."""

from __future__ import annotations

from ..model import Control, cannot_prove
from ..policy import as_list
from ._judges import Judgement, both, confined, everywhere, within
from ._scp import EVERY_UNIT, UNIT, reaching, require

# The only actions a region guardrail may leave open: services that are global or answer only from
# us-east-1, which sign-in, billing and IAM need wherever a person works.
GLOBAL_SERVICE_ACTIONS = (
    "account:*",
    "aws-portal:*",
    "budgets:*",
    "ce:*",
    "cloudfront:*",
    "globalaccelerator:*",
    "health:*",
    "iam:*",
    "organizations:*",
    "route53:*",
    "route53domains:*",
    "s3:GetAccountPublicAccessBlock",
    "s3:ListAllMyBuckets",
    "shield:*",
    "sso:*",
    "sts:*",
    "support:*",
    "trustedadvisor:*",
    "waf:*",
    "wafv2:*",
)
# "Every action": a Deny applies to it when its Action is "*" or its NotAction leaves it out.
EVERY_ACTION = ("*",)


def regional_actions(statement) -> Judgement:
    """The Deny applies to every action but the global services (NotAction no wider than them)."""
    if "NotAction" not in statement.raw:
        return True, ""
    open_ = [
        a for a in as_list(statement.raw["NotAction"])
        if not (isinstance(a, str) and any(within(a, g, fold=True) for g in GLOBAL_SERVICE_ACTIONS))
    ]
    if open_:
        return False, f"its NotAction leaves {', '.join(map(str, open_))} open, beyond the global services"
    return True, "global services excepted"


def profile_hops(allowed) -> tuple[tuple[str, str, str], ...]:
    """The one exemption a region guardrail may make: the hop of a Bedrock request that an inference
    profile of an allowed region routes to its destinations (bedrock:InferenceProfileArn holds the
    source region's profile ARN there). A request made in another region is still denied; where a
    regulated account's profiles may route is judged by GXP-AI-09.
    https://docs.aws.amazon.com/bedrock/latest/userguide/geographic-cross-region-inference.html"""
    return tuple(("ArnNotLike", "bedrock:inferenceprofilearn", f"arn:aws:bedrock:{r}:*:inference-profile/*")
                 for r in sorted(allowed))


def check(unit, ctx):
    if not ctx.allowed_regions:
        return cannot_prove("the allowed regions are known only from the config")
    judge = both(regional_actions, everywhere,
                 confined("aws:RequestedRegion", ctx.allowed_regions, profile_hops(ctx.allowed_regions)))
    return require(reaching(unit), EVERY_ACTION, judge, f"actions outside {', '.join(sorted(ctx.allowed_regions))}")


CONTROL = Control(
    id="GXP-SCP-05",
    title="Only allowed regions",
    statement=(
        "The SCPs that bind each organizational unit deny every action, but those of global services, requested "
        "in a region the config does not allow; the only exemption is the hop of a Bedrock request routed by an "
        "inference profile of an allowed region."
    ),
    part11={
        "11.10(c)": "Records can be created only in regions where the estate's keys, locked buckets and Config baseline protect them.",
    },
    annex11={
        "7.1": "Data cannot be stored where the estate's protection and monitoring do not reach.",
    },
    resource_types=(UNIT,),
    check=check,
    deployed=EVERY_UNIT,
)
