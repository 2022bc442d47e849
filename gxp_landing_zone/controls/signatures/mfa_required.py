"""GXP-ESIG-01: every sign-in to the signer pool needs a password and a TOTP code."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import REGULATED_ONLY, Control, all_of, cannot_prove, cfn_bool, compliant, expect, non_compliant
from ._pool import SIGNER_POOL

# The second factor is an authenticator app: SMS and e-mail codes travel over channels someone else
# may read (a ported number, a shared or forwarded mailbox), so they are not offered at all.
REQUIRED_FACTORS = frozenset({"SOFTWARE_TOKEN_MFA"})


def _factors(pool):
    enabled = pool.get("EnabledMfas")
    if isinstance(enabled, Unresolved):
        return cannot_prove(f"EnabledMfas: {enabled.why}")
    listed = enabled if isinstance(enabled, list) else [] if enabled is None else [enabled]
    if any(isinstance(f, Unresolved) for f in listed):
        return cannot_prove("EnabledMfas holds a value known only at deploy time")
    if set(listed) == REQUIRED_FACTORS:
        return compliant(f"EnabledMfas is {listed}")
    return non_compliant(f"EnabledMfas is {listed or 'not set'}; required exactly {sorted(REQUIRED_FACTORS)}")


def _no_remembered_device(pool):
    # ChallengeRequiredOnNewDevice true lets a remembered device sign in with device authentication
    # instead of the TOTP code; device tracking without it still asks every time.
    remembered = cfn_bool(pool.get("DeviceConfiguration.ChallengeRequiredOnNewDevice"))
    if isinstance(remembered, Unresolved):
        return cannot_prove(f"DeviceConfiguration.ChallengeRequiredOnNewDevice: {remembered.why}")
    if remembered:
        return non_compliant("DeviceConfiguration.ChallengeRequiredOnNewDevice is true: a remembered device replaces the code")
    return compliant("no remembered device replaces the code")


def check(pool, ctx):
    return all_of(
        expect(pool.get("MfaConfiguration"), "ON", "MfaConfiguration"),
        _factors(pool),
        _no_remembered_device(pool),
    )


CONTROL = Control(
    id="GXP-ESIG-01",
    title="Two identification components at every sign-in",
    statement=(
        "The signer user pool requires multi-factor authentication for every user (MfaConfiguration ON) with a TOTP "
        "authenticator as the only second factor, and no remembered device stands in for it."
    ),
    part11={
        "11.200(a)": "A signer authenticates with two distinct components, something known (password) and something held (authenticator), at every sign-in.",
        "11.300(d)": "A stolen or guessed password alone cannot be used to sign.",
    },
    annex11={
        "12.1": "Logical access to the signature service needs two factors, not a password alone.",
        "14": "A signature can be executed only by the person holding both components, as a handwritten one only by its writer.",
    },
    jp_eres={"4": "The signer is identified by two components, so the signature is attributable to that one person."},
    resource_types=("AWS::Cognito::UserPool",),
    check=check,
    deployed=SIGNER_POOL,
    boundary=REGULATED_ONLY,
)
