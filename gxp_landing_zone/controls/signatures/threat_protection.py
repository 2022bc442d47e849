"""GXP-ESIG-05: compromised credentials and risky sign-ins to the signer pool are blocked and logged."""

from __future__ import annotations

from ..model import REGULATED_ONLY, Control, expect
from ._pool import SIGNER_POOL


def check(pool, ctx):
    # AUDIT only records risk; ENFORCED acts on it (blocks, or demands the second factor again).
    return expect(pool.get("UserPoolAddOns.AdvancedSecurityMode"), "ENFORCED", "UserPoolAddOns.AdvancedSecurityMode")


CONTROL = Control(
    id="GXP-ESIG-05",
    title="Attempted misuse detected and blocked",
    statement=(
        "Cognito threat protection is enforced (AdvancedSecurityMode ENFORCED): compromised credentials and high-risk "
        "sign-ins are blocked and recorded as risk events."
    ),
    part11={
        "11.300(d)": "Attempts to use a signer's credentials from an unusual place or with a leaked password are detected, blocked and recorded for reporting.",
    },
    annex11={
        "12.1": "A sign-in judged high-risk is refused even with the right password.",
        "13": "Blocked attempts are recorded as risk events that incident handling can assess.",
    },
    jp_eres={"4": "A signature cannot be applied with credentials taken from their owner."},
    resource_types=("AWS::Cognito::UserPool",),
    check=check,
    deployed=SIGNER_POOL,
    boundary=REGULATED_ONLY,
)
