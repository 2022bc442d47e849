"""GXP-ESIG-04: a signer's username is unique whatever its case, and the register is never deleted."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import REGULATED_ONLY, Control, all_of, cannot_prove, cfn_bool, compliant, expect, non_compliant
from ._pool import SIGNER_POOL


def _case_insensitive(pool):
    # Absent, CloudFormation creates a case-sensitive pool: "JDoe" and "jdoe" could be two people.
    value = cfn_bool(pool.get("UsernameConfiguration.CaseSensitive"))
    if isinstance(value, Unresolved):
        return cannot_prove(f"UsernameConfiguration.CaseSensitive: {value.why}")
    if value is False:
        return compliant("UsernameConfiguration.CaseSensitive is false")
    seen = "true" if value else "not set (case-sensitive)"
    return non_compliant(f"UsernameConfiguration.CaseSensitive is {seen}; required false")


def check(pool, ctx):
    return all_of(_case_insensitive(pool), expect(pool.get("DeletionProtection"), "ACTIVE", "DeletionProtection"))


CONTROL = Control(
    id="GXP-ESIG-04",
    title="Signer identities unique and never reassigned",
    statement=(
        "Usernames are case-insensitive (one name, one person) and the user pool has deletion protection ACTIVE, so "
        "no username is freed for someone else."
    ),
    part11={
        "11.100(a)": "A username cannot be re-created for another person: the pool that holds it cannot be deleted, and case variants are the same name.",
        "11.300(a)": "No two people hold identification codes that differ only in case.",
    },
    annex11={"14": "Signatures stay attributable to one person for as long as the register that names them exists."},
    jp_eres={"4": "Signer uniqueness: one identification code belongs to one person, permanently."},
    resource_types=("AWS::Cognito::UserPool",),
    check=check,
    deployed=SIGNER_POOL,
    boundary=REGULATED_ONLY,
)
