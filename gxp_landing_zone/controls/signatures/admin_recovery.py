"""GXP-ESIG-11: a signer's lost credentials are recovered only by an administrator."""

from __future__ import annotations

from ..cfn import contains_unresolved
from ..model import REGULATED_ONLY, Control, cannot_prove, compliant, non_compliant
from ._pool import SIGNER_POOL

ADMIN_ONLY = "admin_only"
PATH = "AccountRecoverySetting.RecoveryMechanisms"


def check(pool, ctx):
    mechanisms = pool.get(PATH)
    if (why := contains_unresolved(mechanisms)) is not None:
        return cannot_prove(f"{PATH}: {why.why}")
    if not mechanisms:
        # Without a setting Cognito falls back to a code sent to the verified phone or e-mail address.
        return non_compliant(f"{PATH} is not set: Cognito recovers by verified phone or e-mail; required [{ADMIN_ONLY}]")
    listed = mechanisms if isinstance(mechanisms, list) else [mechanisms]
    names = [m.get("Name") if isinstance(m, dict) else m for m in listed]
    if names == [ADMIN_ONLY]:
        return compliant(f"{PATH} is [{ADMIN_ONLY}]")
    return non_compliant(f"{PATH} is {names}; required exactly [{ADMIN_ONLY}] (no self-service recovery)")


CONTROL = Control(
    id="GXP-ESIG-11",
    title="Signer credentials recovered only by an administrator",
    statement=(
        "Account recovery is admin_only: a signer who loses a password gets a new one from an administrator who "
        "re-verifies the person, never through a code sent to an e-mail address or phone, which would let whoever "
        "controls that mailbox or number take over the signer's identity."
    ),
    part11={
        "11.300(c)": "Replacement credentials are issued by an administrator under a controlled procedure, not by self-service.",
        "11.300(d)": "Control of a signer's mailbox or phone number is not enough to take over the signer's password.",
        "11.200(a)": "The signature components stay usable only by their genuine owner: no one resets them on the owner's behalf.",
        "11.10(d)": "Access cannot be regained without an administrator's decision.",
    },
    annex11={"12.1": "Regaining access to the signature service is an administrator's act, restricted like granting it."},
    jp_eres={"4": "A signer's identity cannot pass to someone who recovers the account through a mailbox."},
    resource_types=("AWS::Cognito::UserPool",),
    check=check,
    deployed=SIGNER_POOL,
    boundary=REGULATED_ONLY,
)
