"""GXP-ESIG-03: signer passwords are long, mixed, and temporary passwords lapse quickly."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import REGULATED_ONLY, Control, all_of, cannot_prove, cfn_int, compliant, expect_true, non_compliant
from ._pool import SIGNER_POOL

MIN_PASSWORD_LENGTH = 12
# An administrator-issued temporary password not used within this many days can no longer be used.
MAX_TEMPORARY_PASSWORD_DAYS = 7
CHARACTER_CLASSES = ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols")
POLICY = "Policies.PasswordPolicy"


def _number(pool, name: str, low: int, high: int | None):
    """A whole-number setting within [low, high]; absent fails: the control does not rest on a
    service default it cannot see in the template."""
    path = f"{POLICY}.{name}"
    value = cfn_int(pool.get(path))
    if isinstance(value, Unresolved):
        return cannot_prove(f"{path}: {value.why}")
    if value is None:
        return non_compliant(f"{path} is not set")
    if value < low or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"between {low} and {high}"
        return non_compliant(f"{path} is {value}; required {bound}")
    return compliant(f"{path} is {value}")


def check(pool, ctx):
    return all_of(
        _number(pool, "MinimumLength", MIN_PASSWORD_LENGTH, None),
        *(expect_true(pool, f"{POLICY}.{flag}") for flag in CHARACTER_CLASSES),
        _number(pool, "TemporaryPasswordValidityDays", 1, MAX_TEMPORARY_PASSWORD_DAYS),
    )


CONTROL = Control(
    id="GXP-ESIG-03",
    title="Strong signer passwords",
    statement=(
        f"Signer passwords have at least {MIN_PASSWORD_LENGTH} characters with lower- and upper-case letters, digits "
        f"and symbols, and a temporary password expires within {MAX_TEMPORARY_PASSWORD_DAYS} days."
    ),
    part11={
        "11.200(a)": "The password component is hard to guess, so it stays usable only by its genuine owner.",
        "11.300(d)": "Long passwords with every character class resist guessing and brute force.",
    },
    annex11={"12.1": "The knowledge factor that restricts access cannot be trivially guessed."},
    jp_eres={"4": "The password part of the signer's credentials cannot easily be used by someone else."},
    resource_types=("AWS::Cognito::UserPool",),
    check=check,
    deployed=SIGNER_POOL,
    boundary=REGULATED_ONLY,
)
