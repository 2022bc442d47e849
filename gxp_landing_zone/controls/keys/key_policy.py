"""GXP-KEY-02: no key policy lets anyone destroy or disable the key, and no wildcard principal may decrypt."""

from __future__ import annotations

from ..model import Control, cannot_prove, compliant, non_compliant
from ..policy import statements, unreadable
from ._keys import ESTATE_KEYS

# A deleted or disabled key makes every record encrypted under it unreadable (11.10(c)); turning
# rotation off or deleting imported material are the slower routes to the same loss.
DESTROYING = ("kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation", "kms:DeleteImportedKeyMaterial")
# Reading what the key protects: Decrypt; ReEncryptFrom, which decrypts into a key the caller
# chooses; CreateGrant, with which a principal can grant itself Decrypt.
DECRYPTING = ("kms:Decrypt", "kms:ReEncryptFrom", "kms:CreateGrant")


def _everyone(statement) -> bool:
    # An Allow with NotPrincipal allows everyone but the principals it names.
    return statement.applies_to_everyone or "NotPrincipal" in statement.raw


def check(key, ctx):
    policy = key.get("KeyPolicy")
    if policy is None:
        return non_compliant("KeyPolicy is not set: KMS applies its default policy, which allows kms:* to the account")
    if (why := unreadable(policy)) is not None:
        return cannot_prove(f"KeyPolicy: {why.why}")
    findings = []
    for index, statement in enumerate(statements(policy)):
        if not statement.is_allow:
            continue
        name = statement.sid or f"statement {index}"
        if destroying := sorted(statement.grants_any(DESTROYING)):
            findings.append(f"{name} allows {', '.join(destroying)}")
        if _everyone(statement) and (decrypting := sorted(statement.grants_any(DECRYPTING))):
            findings.append(f"{name} lets any principal use {', '.join(decrypting)}")
    if findings:
        return non_compliant("; ".join(findings))
    return compliant("no Allow grants deletion, disabling or rotation-off; no wildcard principal may decrypt")


CONTROL = Control(
    id="GXP-KEY-02",
    title="Key policy least privilege",
    statement=(
        "No key policy allows scheduling the key's deletion, disabling it or its rotation, or deleting its key "
        "material, and no wildcard principal may decrypt with it."
    ),
    part11={
        "11.10(c)": "No one can make the records encrypted under the key unreadable by destroying or disabling it.",
        "11.10(d)": "Only named principals can decrypt, so access to record content is limited to those the policy names.",
        "11.10(g)": "Using the key to read records, and administering it, are authority checks the key policy enforces.",
    },
    annex11={
        "7.1": "Encrypted data stays accessible and readable: the key protecting it cannot be destroyed.",
        "12.1": "Logical access to encrypted data is restricted to authorised principals.",
    },
    jp_eres={"3.1.3": "Preservation: the key that makes records readable survives for their retention period."},
    resource_types=("AWS::KMS::Key",),
    check=check,
    deployed=ESTATE_KEYS,
    config_rule="KMS_CMK_NOT_SCHEDULED_FOR_DELETION",
)
