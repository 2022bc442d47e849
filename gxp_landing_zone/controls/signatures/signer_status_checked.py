"""GXP-ESIG-10: the signing function asks the signer pool, at every signature, whether the signer is
still enabled."""

from __future__ import annotations

from ..cfn import Ref, Unresolved, partition_of
from ..deployed.cognito import signer_pools
from ..deployed.lambda_functions import execution_role as read_execution_role
from ..deployed.lambda_functions import signature_functions
from ..model import REGULATED_ONLY, Control, all_of, cannot_prove, compliant, expect, non_compliant, not_applicable
from ..policy import matches
from ._service import SIGN_HANDLER, deployed_id, execution_role, is_signing_function, role_statements, service_check, variable

VARIABLE = "USER_POOL_ID"
ACTION = "cognito-idp:AdminGetUser"
POOL = "AWS::Cognito::UserPool"
# Stands for a pool ID a template cannot know: only a wildcard matches it, never a literal ARN.
UNKNOWN = "\0unknown"


def _pool(function, value):
    if isinstance(value, Ref):
        return function.stack.target(value, POOL)
    return next((p for p in function.stack.of_type(POOL) if deployed_id(p) == value), None)


def _pool_arn(function, pool) -> str:
    region, account = function.region or UNKNOWN, function.stack.account or UNKNOWN
    return f"arn:{partition_of(function.region) or UNKNOWN}:cognito-idp:{region}:{account}:userpool/{deployed_id(pool) or UNKNOWN}"


def _names_pool(value, pool, arn: str) -> bool:
    if isinstance(value, Ref):
        return value.logical_id == pool.logical_id and value.attribute == "Arn"
    return isinstance(value, str) and matches(value, arn)


def _covers(statement, pool, arn: str) -> bool:
    if "NotResource" in statement.raw:
        excluded = statement.raw["NotResource"]
        return not any(_names_pool(r, pool, arn) for r in (excluded if isinstance(excluded, list) else [excluded]))
    return any(_names_pool(r, pool, arn) for r in statement.resources())


def _may_ask(function, pool):
    """The execution role may call AdminGetUser on the pool: without it the handler cannot tell a
    disabled signer from an enabled one."""
    role = execution_role(function)
    if role is None:
        role_value = function.get("Role")
        if isinstance(role_value, Unresolved):
            return cannot_prove(f"Role: {role_value.why}")
        return cannot_prove(f"the execution role {role_value} is not in this template, so its permissions cannot be read")
    found = role_statements(role)
    if isinstance(found, Unresolved):
        return cannot_prove(f"the execution role's policies: {found.why}")
    arn = _pool_arn(function, pool)
    relevant = [s for s in found if s.applies_to_action(ACTION) and _covers(s, pool, arn)]
    denied = [s for s in relevant if s.is_deny and s.unconditional]
    if denied:
        return non_compliant(f"statement {denied[0].sid or '(no Sid)'} denies {ACTION} on the pool")
    allowed = [s for s in relevant if s.is_allow and s.unconditional]
    if allowed:
        return compliant(f"statement {allowed[0].sid or '(no Sid)'} allows {ACTION} on the pool")
    return non_compliant(f"the execution role is not allowed {ACTION} on the pool")


def check(function, ctx):
    signing = is_signing_function(function, ctx)
    if isinstance(signing, Unresolved):
        return cannot_prove(f"whether the function signs: {signing.why}")
    if not signing:
        return not_applicable()
    value = variable(function, VARIABLE)
    if isinstance(value, Unresolved):
        return cannot_prove(f"{VARIABLE}: {value.why}")
    if value is None:
        return non_compliant(f"the signing function sets no {VARIABLE}: a disabled signer's token would still sign")
    pool = _pool(function, value)
    if pool is None:
        return non_compliant(f"{VARIABLE} {value} is not the user pool of this stack")
    return all_of(
        expect(function.get("Handler"), SIGN_HANDLER, "Handler"),
        compliant(f"{VARIABLE} is the stack's pool {deployed_id(pool) or pool.logical_id}"),
        _may_ask(function, pool),
    )


def _read(reader):
    sign = signature_functions(reader)["sign"]
    signer_pools(reader)
    read_execution_role(reader, sign)
    return [sign]


CONTROL = Control(
    id="GXP-ESIG-10",
    title="Disabled signers cannot sign",
    statement=(
        "The signing function runs the signing handler, names the user pool of its own stack in USER_POOL_ID, and "
        "its execution role may call cognito-idp:AdminGetUser on that pool, so at every signature it checks that "
        "the signer's account is still enabled (a sign-in token outlives the account's disablement)."
    ),
    part11={
        "11.10(d)": "Access ends the moment an administrator disables the account, not when the token expires.",
    },
    annex11={"12.1": "Withdrawn access is enforced at the moment of signing."},
    jp_eres={"4": "A signature is applied only by a signer whose authority is current."},
    resource_types=("AWS::Lambda::Function",),
    check=check,
    deployed=service_check(_read),
    boundary=REGULATED_ONLY,
)
