from __future__ import annotations

from cdk_nag import NagRuleCompliance as C

from ._read import prop
from .context import RuleContext

MIN_PASSWORD_LENGTH = 12
MAX_TEMPORARY_PASSWORD_DAYS = 7


def mfa_required(node, ctx: RuleContext):
    """Every sign-in needs the password and a TOTP code (SMS codes can be intercepted), and no
    remembered device may stand in for the code (ChallengeRequiredOnNewDevice lets it)."""
    enabled = set(prop(node, "enabled_mfas") or [])
    devices = prop(node, "device_configuration") or {}
    required = prop(node, "mfa_configuration") == "ON" and "SOFTWARE_TOKEN_MFA" in enabled
    return C.COMPLIANT if required and devices.get("challengeRequiredOnNewDevice") is not True else C.NON_COMPLIANT


def admin_creates_users(node, ctx: RuleContext):
    config = prop(node, "admin_create_user_config") or {}
    return C.COMPLIANT if config.get("allowAdminCreateUserOnly") is True else C.NON_COMPLIANT


def password_policy_strong(node, ctx: RuleContext):
    policy = (prop(node, "policies") or {}).get("passwordPolicy") or {}
    required = ("requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols")
    strong = (
        (policy.get("minimumLength") or 0) >= MIN_PASSWORD_LENGTH
        and all(policy.get(flag) is True for flag in required)
        and 0 < (policy.get("temporaryPasswordValidityDays") or 0) <= MAX_TEMPORARY_PASSWORD_DAYS
    )
    return C.COMPLIANT if strong else C.NON_COMPLIANT


def identities_unique_and_kept(node, ctx: RuleContext):
    """One username per person whatever its case, and the pool (the register of who signed) cannot be deleted."""
    usernames = prop(node, "username_configuration") or {}
    kept = prop(node, "deletion_protection") == "ACTIVE"
    return C.COMPLIANT if usernames.get("caseSensitive") is False and kept else C.NON_COMPLIANT


def threat_protection_enforced(node, ctx: RuleContext):
    add_ons = prop(node, "user_pool_add_ons") or {}
    return C.COMPLIANT if add_ons.get("advancedSecurityMode") == "ENFORCED" else C.NON_COMPLIANT


def printed_name_required(node, ctx: RuleContext):
    for attribute in prop(node, "schema") or []:
        if attribute.get("name") == "name":
            return C.COMPLIANT if attribute.get("required") is True else C.NON_COMPLIANT
    return C.NON_COMPLIANT
