"""Events the estate watches for on the emergency path: any API call made under the break-glass
permission set, in any account and region, forwarded to the audit account and alerted there."""

from __future__ import annotations

from ..naming import BREAK_GLASS_PERMISSION_SET

# Identity Center names the role of a permission set AWSReservedSSO_<name>_<suffix>; CloudTrail records
# it as the session issuer of every call made in such a session.
BREAK_GLASS_ROLE_PREFIX = f"AWSReservedSSO_{BREAK_GLASS_PERMISSION_SET}_"


def break_glass_use_pattern() -> dict:
    """Every call CloudTrail delivers to EventBridge from a break-glass session. A rule in the default
    state receives mutating management events only (read-only ones need ENABLED_WITH_ALL_CLOUDTRAIL_
    MANAGEMENT_EVENTS), so what arrives is what changed something; CloudTrail delivers to EventBridge
    when a trail logs the account, here the organization trail.
    https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html"""
    return {
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"userIdentity": {"sessionContext": {"sessionIssuer": {"userName": [{"prefix": BREAK_GLASS_ROLE_PREFIX}]}}}},
    }
