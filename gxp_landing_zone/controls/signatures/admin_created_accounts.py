"""GXP-ESIG-02: signer accounts are created by administrators only."""

from __future__ import annotations

from ..model import REGULATED_ONLY, Control, expect_true
from ._pool import SIGNER_POOL


def check(pool, ctx):
    # Absent, CloudFormation leaves self sign-up open (AllowAdminCreateUserOnly false).
    return expect_true(pool, "AdminCreateUserConfig.AllowAdminCreateUserOnly")


CONTROL = Control(
    id="GXP-ESIG-02",
    title="Signer accounts created by administrators only",
    statement=(
        "Self sign-up is off (AllowAdminCreateUserOnly true): an account exists only after an administrator has "
        "verified the person's identity and created it."
    ),
    part11={
        "11.100(b)": "No signer identity exists before an administrator has verified who the person is.",
        "11.10(d)": "Nobody grants themselves access: every account is an administrator's decision.",
    },
    annex11={"12.1": "Access to the signature service is given by an administrator, not taken by whoever signs up."},
    jp_eres={"4": "Each signer account is established for a verified individual, on whom the responsibility for the signature rests."},
    resource_types=("AWS::Cognito::UserPool",),
    check=check,
    deployed=SIGNER_POOL,
    boundary=REGULATED_ONLY,
)
