"""GXP-ESIG-13: every ledger entry is sealed with an asymmetric KMS key that only the signing function
may use, so an entry written around the service (straight into the table or the manifest bucket) is
told apart from one the service recorded."""

from __future__ import annotations

from ..cfn import Ref, Unresolved
from ..deployed.kms import key as read_key
from ..model import (
    REGULATED_ONLY, Control, all_of, cannot_prove, compliant, expect, non_compliant, not_applicable, show,
)
from ..policy import Statement, statements, unreadable
from ._service import is_signing_function, service_check, service_functions, variable

VARIABLE = "LEDGER_SEAL_KEY"
SIGN = "kms:Sign"
# KMS key specs that sign (https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html).
SIGNING_SPECS = (
    "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "RSA_2048", "RSA_3072", "RSA_4096",
    "ML_DSA_44", "ML_DSA_65", "ML_DSA_87",
)
# The key policy changes only through a reviewed deployment (the CloudFormation execution role).
DEPLOYMENT_ROLE = "arn:aws:iam::*:role/cdk-*-cfn-exec-role-*"
PRINCIPAL_KEYS = ("ArnNotEquals", "ArnNotLike", "StringNotEquals", "StringNotLike")


def _key_of(function, value):
    """The AWS::KMS::Key the variable names: a Ref/GetAtt to the template's key, or (in the IQ) the
    deployed key whose ARN it is."""
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


def _same(a, b) -> bool:
    """The same principal: equal references, or the same ARN (conditions hold their values as text)."""
    return a == b or (not isinstance(a, Unresolved) and not isinstance(b, Unresolved) and str(a).lower() == str(b).lower())


def _policy_verdict(policy, role):
    if policy is None:
        return non_compliant("KeyPolicy is not set: KMS's default policy lets IAM grant kms:Sign to anyone")
    if (why := unreadable(policy)) is not None:
        return cannot_prove(f"KeyPolicy: {why.why}")
    found, denies_sign, denies_grants, denies_policy = [], False, False, False

    for index, s in enumerate(statements(policy)):
        name = s.sid or f"statement {index}"
        if s.is_allow and s.grants_any([SIGN]):
            others = [p for p in s.principals("AWS") if not _same(p, role)]
            if others or "NotPrincipal" in s.raw or not s.principals("AWS"):
                found.append(f"{name} lets {', '.join(map(show, others)) or 'others'} sign")
        if not (s.is_deny and s.applies_to_everyone):
            continue
        if s.grants_any([SIGN]):
            excepted = _excepted(s, PRINCIPAL_KEYS, "aws:PrincipalArn")
            denies_sign |= s.unconditional or (excepted is not None and len(excepted) == 1 and _same(excepted[0], role))
        if s.grants_any(["kms:CreateGrant"]):
            denies_grants |= s.unconditional or s.condition_keys() <= {"aws:principalisawsservice"}
        if s.grants_any(["kms:PutKeyPolicy"]):
            denies_policy |= _excepted(s, ("ArnNotLike", "StringNotLike"), "aws:PrincipalArn") == [DEPLOYMENT_ROLE]
    for missing, what in ((denies_sign, "no deny of kms:Sign to everyone but the signing function's role"),
                          (denies_grants, "no deny of kms:CreateGrant, so an administrator could grant themselves Sign"),
                          (denies_policy, "no deny of kms:PutKeyPolicy outside a deployment")):
        if not missing:
            found.append(what)
    if found:
        return non_compliant("; ".join(found))
    return compliant("only the signing function's role may sign; grants and policy changes outside a deployment denied")


def check(function, ctx):
    signing = is_signing_function(function, ctx)
    if isinstance(signing, Unresolved):
        return cannot_prove(f"whether the function signs: {signing.why}")
    if not signing:
        return not_applicable()
    value = variable(function, VARIABLE)
    if value is None:
        return non_compliant(f"the signing function sets no {VARIABLE}: its ledger entries are not sealed")
    if isinstance(value, Unresolved):
        return cannot_prove(f"{VARIABLE}: {value.why}")
    key = _key_of(function, value)
    if key is None:
        return cannot_prove(f"{VARIABLE} {show(value)} is not a key this account's template or reading defines")
    spec = key.get("KeySpec")
    return all_of(
        expect(key.get("KeyUsage"), "SIGN_VERIFY", "the seal key's KeyUsage"),
        cannot_prove(f"KeySpec: {spec.why}") if isinstance(spec, Unresolved)
        else compliant(f"KeySpec {spec}") if spec in SIGNING_SPECS
        else non_compliant(f"KeySpec {show(spec)} is not an asymmetric signing key spec"),
        _policy_verdict(key.get("KeyPolicy"), function.get("Role")),
    )


def _read(reader):
    functions = service_functions(reader)
    read_key(reader, reader.names.signature_seal_key_alias(), _alias_target(reader))
    return functions


def _alias_target(reader):
    from ..deployed.kms import aliases

    found = aliases(reader, "alias/gxp/")
    return None if isinstance(found, Unresolved) else found.get(reader.names.signature_seal_key_alias())


CONTROL = Control(
    id="GXP-ESIG-13",
    title="Ledger entries sealed by a key only the signing function may use",
    statement=(
        "The signing function seals every ledger entry with the key named in LEDGER_SEAL_KEY: an asymmetric KMS "
        "signing key whose policy allows kms:Sign to the function's role alone, denies it to every other principal, "
        "denies grants on the key and denies changes to its policy outside a deployment."
    ),
    part11={
        "11.70": "A signature cannot be forged, copied or transferred by writing the ledger or the manifest bucket: the entry would lack a seal only the service can make.",
        "11.10(e)": "Entries of the signing record written around the service are told apart from those the service recorded.",
    },
    annex11={"14": "The permanent link between a signature and its record carries proof that the signature service made it."},
    jp_eres={
        "3.1.1": "Authenticity: who wrote each ledger entry is provable from its seal, not only from where it is stored.",
        "4": "Signature-record linking is proven by a seal the signers' own service alone can apply.",
    },
    resource_types=("AWS::Lambda::Function",),
    check=check,
    deployed=service_check(_read),
    boundary=REGULATED_ONLY,
)
