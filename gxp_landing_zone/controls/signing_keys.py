"""Judging an asymmetric KMS signing key that one role alone may sign with (the ledger's seal key, GXP-ESIG-13;
the record export's signing key, GXP-REC-07): its spec signs, and its policy lets that role sign, denies
signing to everyone else, denies grants and denies policy changes outside a deployment. A key policy deny
overrides any allow, as IAM's does (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html)."""

from __future__ import annotations

from .cfn import Ref, Unresolved
from .model import all_of, cannot_prove, compliant, expect, non_compliant, show
from .policy import Statement, statements, unreadable

SIGN = "kms:Sign"
# KMS key specs that sign (https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html).
SIGNING_SPECS = (
    "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "RSA_2048", "RSA_3072", "RSA_4096",
    "ML_DSA_44", "ML_DSA_65", "ML_DSA_87",
)
# The key policy changes only through a reviewed deployment (the CloudFormation execution role).
DEPLOYMENT_ROLE = "arn:aws:iam::*:role/cdk-*-cfn-exec-role-*"
PRINCIPAL_KEYS = ("ArnNotEquals", "ArnNotLike", "StringNotEquals", "StringNotLike")


def key_named(function, value):
    """The AWS::KMS::Key a function's setting names: a Ref/GetAtt to the template's key, or (in the IQ) the
    deployed key whose ARN or ID it is."""
    stack = function.stack
    if isinstance(value, Ref):
        return stack.target(value, "AWS::KMS::Key")
    return next((k for k in stack.of_type("AWS::KMS::Key") if value in (k.get("Arn"), k.get("KeyId"))), None)


def _excepted(statement: Statement, operators, key: str) -> list | None:
    for operator in operators:
        values = statement.condition(operator, key)
        if values is not None:
            return values
    return None


def same_principal(a, b) -> bool:
    """The same principal: equal references, or the same ARN (conditions hold their values as text)."""
    return a == b or (not isinstance(a, Unresolved) and not isinstance(b, Unresolved) and str(a).lower() == str(b).lower())


def sign_only_by(policy, role, who: str):
    """The verdict on a key policy that must let ``role`` (``who``, for the message) alone sign."""
    if policy is None:
        return non_compliant("KeyPolicy is not set: KMS's default policy lets IAM grant kms:Sign to anyone")
    if (why := unreadable(policy)) is not None:
        return cannot_prove(f"KeyPolicy: {why.why}")
    found, denies_sign, denies_grants, denies_policy = [], False, False, False

    for index, s in enumerate(statements(policy)):
        name = s.sid or f"statement {index}"
        if s.is_allow and s.grants_any([SIGN]):
            others = [p for p in s.principals("AWS") if not same_principal(p, role)]
            if others or "NotPrincipal" in s.raw or not s.principals("AWS"):
                found.append(f"{name} lets {', '.join(map(show, others)) or 'others'} sign")
        if not (s.is_deny and s.applies_to_everyone):
            continue
        if s.grants_any([SIGN]):
            excepted = _excepted(s, PRINCIPAL_KEYS, "aws:PrincipalArn")
            denies_sign |= s.unconditional or (excepted is not None and len(excepted) == 1 and same_principal(excepted[0], role))
        if s.grants_any(["kms:CreateGrant"]):
            denies_grants |= s.unconditional or s.condition_keys() <= {"aws:principalisawsservice"}
        if s.grants_any(["kms:PutKeyPolicy"]):
            denies_policy |= _excepted(s, ("ArnNotLike", "StringNotLike"), "aws:PrincipalArn") == [DEPLOYMENT_ROLE]
    for missing, what in ((denies_sign, f"no deny of kms:Sign to everyone but {who}'s role"),
                          (denies_grants, "no deny of kms:CreateGrant, so an administrator could grant themselves Sign"),
                          (denies_policy, "no deny of kms:PutKeyPolicy outside a deployment")):
        if not missing:
            found.append(what)
    if found:
        return non_compliant("; ".join(found))
    return compliant(f"only {who}'s role may sign; grants and policy changes outside a deployment denied")


def signing_key_verdict(key, role, who: str, label: str):
    """A key that signs (SIGN_VERIFY, an asymmetric signing spec) and that ``role`` alone may sign with."""
    spec = key.get("KeySpec")
    return all_of(
        expect(key.get("KeyUsage"), "SIGN_VERIFY", f"{label}'s KeyUsage"),
        cannot_prove(f"KeySpec: {spec.why}") if isinstance(spec, Unresolved)
        else compliant(f"KeySpec {spec}") if spec in SIGNING_SPECS
        else non_compliant(f"KeySpec {show(spec)} is not an asymmetric signing key spec"),
        sign_only_by(key.get("KeyPolicy"), role, who),
    )
