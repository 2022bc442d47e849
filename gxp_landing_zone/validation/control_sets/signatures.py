"""Electronic-signature controls (21 CFR Part 11 Subpart C; Annex 11 14; MHLW ER/ES 4): the signer
register (Cognito user pool), the signature API and handlers, the ledger and the manifest archive.

The signing rules themselves (manifest binding, chain, freshness, authority, sequencing) are
runtime code, proven by tests/signatures/; these controls prove the infrastructure around them.
"""

from __future__ import annotations

from ..controls import Control
from ..rules import apigateway, cognito, dynamodb, lambda_functions

SIGNATURES_CONTROLS: tuple[Control, ...] = (
    # -- signer register ----------------------------------------------------------------------
    Control(
        "GXP-ESIG-01",
        "Two identification components at every sign-in",
        "The signer user pool requires multi-factor authentication (password plus a TOTP authenticator) for every user, and no remembered device replaces the second factor.",
        ("11.200(a)", "11.300(d)"), ("12.1", "14"), ("4",),
        ("AWS::Cognito::UserPool",), cognito.mfa_required,
        boundary="regulated",
    ),
    Control(
        "GXP-ESIG-02",
        "Signer accounts created by administrators only",
        "Self sign-up is off: an account exists only after an administrator has verified the person's identity.",
        ("11.100(b)", "11.10(d)"), ("12.1", "12.3"), ("4",),
        ("AWS::Cognito::UserPool",), cognito.admin_creates_users,
        boundary="regulated",
    ),
    Control(
        "GXP-ESIG-03",
        "Strong signer passwords",
        "Passwords have at least 12 characters with lower- and upper-case letters, digits and symbols; temporary passwords expire within 7 days.",
        ("11.300(a)", "11.300(b)", "11.200(a)"), ("12.1",), ("4",),
        ("AWS::Cognito::UserPool",), cognito.password_policy_strong,
        boundary="regulated",
    ),
    Control(
        "GXP-ESIG-04",
        "Signer identities unique and never reassigned",
        "Usernames are case-insensitive (one name, one person) and the user pool has deletion protection, so no username is freed for someone else.",
        ("11.100(a)", "11.300(a)"), ("12.1", "14"), ("4",),
        ("AWS::Cognito::UserPool",), cognito.identities_unique_and_kept,
        boundary="regulated",
    ),
    Control(
        "GXP-ESIG-05",
        "Attempted misuse detected and blocked",
        "Cognito threat protection is enforced: compromised credentials and high-risk sign-ins are blocked and logged.",
        ("11.300(d)",), ("12.1", "13"), ("4",),
        ("AWS::Cognito::UserPool",), cognito.threat_protection_enforced,
        boundary="regulated",
    ),
    Control(
        "GXP-ESIG-06",
        "Printed name held for every signer",
        "The user pool requires the full-name attribute, the printed name each signature manifestation shows.",
        ("11.50(a)",), ("14",), ("4",),
        ("AWS::Cognito::UserPool",), cognito.printed_name_required,
        boundary="regulated",
    ),
    # -- ledger and manifests ---------------------------------------------------------------------
    Control(
        "GXP-ESIG-07",
        "Signature manifests immutable for the record retention",
        "The signing function writes a copy of every manifest to a bucket under Object Lock COMPLIANCE for at least the longest data-class retention.",
        ("11.50(b)", "11.70", "11.10(e)"), ("14", "7.1"), ("4", "3.1.3"),
        ("AWS::Lambda::Function",), lambda_functions.signature_manifests_immutable,
        boundary="regulated",
    ),
    Control(
        "GXP-ESIG-08",
        "Signature events reach the audit account",
        "Every signature event, applied or refused, is forwarded to the audit account's event bus, where refusals raise an alert.",
        ("11.300(d)", "11.10(e)"), ("9", "13"), ("3.1.1", "4"),
        ("AWS::Lambda::Function",), lambda_functions.signature_events_forwarded,
        boundary="regulated",
    ),
    Control(
        "GXP-ESIG-09",
        "Signing authority and order deployed as configured",
        "The signing function enforces exactly the groups, meanings and sequences of the validated config, with no catch-all record class.",
        ("11.10(f)", "11.10(g)"), ("14", "12.1"), ("4",),
        ("AWS::Lambda::Function",), lambda_functions.signing_policy_as_configured,
        boundary="regulated",
    ),
    Control(
        "GXP-ESIG-10",
        "Disabled signers cannot sign",
        "The signing function checks with the user pool, at every signature, that the signer's account is still enabled.",
        ("11.300(c)", "11.10(d)"), ("12.1", "12.3"), ("4",),
        ("AWS::Lambda::Function",), lambda_functions.disabled_signers_refused,
        boundary="regulated",
    ),
    Control(
        "GXP-DDB-01",
        "Tables recoverable and protected from deletion",
        "DynamoDB tables (the signature ledger) have point-in-time recovery and deletion protection on.",
        ("11.70", "11.10(c)", "11.10(e)"), ("7.1", "7.2", "14"), ("3.1.3", "4"),
        ("AWS::DynamoDB::Table",), dynamodb.recoverable_and_protected, "DYNAMODB_PITR_ENABLED",
    ),
    Control(
        "GXP-DDB-02",
        "Tables encrypted with a customer-managed key",
        "DynamoDB tables are encrypted at rest with a customer-managed KMS key.",
        ("11.10(c)", "11.10(d)"), ("7.1", "12.1"), ("3.1.3",),
        ("AWS::DynamoDB::Table",), dynamodb.kms_encrypted, "DYNAMODB_TABLE_ENCRYPTED_KMS",
    ),
    # -- API and handlers -------------------------------------------------------------------------
    Control(
        "GXP-API-01",
        "Every API method requires an authenticated identity",
        "No API Gateway method has authorization NONE: every call carries a verified identity.",
        ("11.10(d)", "11.10(g)", "11.200(a)"), ("12.1",), ("4",),
        ("AWS::ApiGateway::Method",), apigateway.method_authorized,
    ),
    Control(
        "GXP-API-02",
        "API access logged",
        "Each API stage writes an access log (who, when, what, outcome) to an encrypted log group.",
        ("11.10(e)", "11.300(d)"), ("9", "12.4"), ("3.1.1",),
        ("AWS::ApiGateway::Stage",), apigateway.access_logged,
    ),
    Control(
        "GXP-LAMBDA-01",
        "Function calls traced",
        "Lambda functions have active X-Ray tracing, so each request can be followed through every service it touched.",
        ("11.10(e)", "11.10(a)"), ("12.4",), ("3.1.1",),
        ("AWS::Lambda::Function",), lambda_functions.tracing_active,
    ),
)
