from __future__ import annotations

from cdk_nag import NagRuleCompliance as C

from ._read import as_list, principal_is_anyone, prop, statements
from .context import RuleContext

DECRYPTING = {"kms:*", "kms:Decrypt", "kms:Decrypt*", "kms:ReEncrypt*", "kms:ReEncryptFrom"}
DESTROYING = {"kms:*", "kms:ScheduleKeyDeletion", "kms:Schedule*", "kms:DisableKeyRotation", "kms:Disable*"}


def rotation_enabled(node, ctx: RuleContext):
    return C.COMPLIANT if prop(node, "enable_key_rotation") is True else C.NON_COMPLIANT


def key_policy_least_privilege(node, ctx: RuleContext):
    """Nobody can destroy the key, and no wildcard principal can decrypt with it."""
    for statement in statements(prop(node, "key_policy")):
        if statement.get("Effect") != "Allow":
            continue
        actions = set(as_list(statement.get("Action")))
        if actions & DESTROYING:
            return C.NON_COMPLIANT
        if actions & DECRYPTING and principal_is_anyone(statement):
            return C.NON_COMPLIANT
    return C.COMPLIANT
