"""What the signature-function controls share: reading a function's environment and execution role,
telling the signing function apart, and where the IQ finds the service's functions."""

from __future__ import annotations

from typing import Any

from ..cfn import Ref, Resource, Unresolved
from ..deployed.lambda_functions import signature_functions
from ..deployed.reader import PHYSICAL_ID
from ..model import REGULATED, DeployedCheck, Verdict, cannot_prove, non_compliant, not_applicable, show
from ..policy import Statement, statements, unreadable

# The runtime entry point that applies signatures (signatures/runtime/handlers.py); the runtime's
# own behaviour is proven by tests/signatures/.
SIGN_HANDLER = "runtime.handlers.sign_handler"
ROLE_TYPE = "AWS::IAM::Role"
POLICY_TYPES = ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::RolePolicy")


def environment(function: Resource) -> dict | Unresolved:
    variables = function.get("Environment.Variables")
    if isinstance(variables, Unresolved):
        return variables
    if variables is None:
        return {}
    return variables if isinstance(variables, dict) else Unresolved("Environment.Variables is not a map")


def variable(function: Resource, name: str) -> Any:
    """An environment variable of the function: its value, None when not set, or Unresolved."""
    variables = environment(function)
    return variables if isinstance(variables, Unresolved) else variables.get(name)


def deployed_id(resource: Resource) -> str | None:
    """The physical ID the IQ read a resource by (a pool ID, a role name); None in a template."""
    return resource.raw.get(PHYSICAL_ID)


# -- the execution role ----------------------------------------------------------------------------


def role_name(function: Resource) -> str | None | Unresolved:
    role = function.get("Role")
    if isinstance(role, Ref):
        target = function.stack.target(role, ROLE_TYPE)
        return target.get("RoleName") if target is not None else Unresolved(f"Role {role} is not a role of this template")
    if isinstance(role, str):
        return role.rsplit("/", 1)[-1]
    if role is None:
        return None
    return role if isinstance(role, Unresolved) else Unresolved(f"Role {role} is known only at deploy time")


def execution_role(function: Resource) -> Resource | None:
    role = function.get("Role")
    target = function.stack.target(role, ROLE_TYPE)
    if target is not None:
        return target
    name = role_name(function)
    if not isinstance(name, str):
        return None
    return next((r for r in function.stack.of_type(ROLE_TYPE) if r.get("RoleName") == name), None)


def function_statements(function: Resource, what: str) -> list[Statement] | Verdict:
    """Every statement the function's execution role holds, or the verdict saying why they cannot be read
    (``what`` names the function in it)."""
    role = execution_role(function)
    if role is None:
        return cannot_prove(f"{what}: its execution role {show(function.get('Role'))} is not in this template or reading")
    found = role_statements(role)
    if isinstance(found, Unresolved):
        return cannot_prove(f"{what}: its role's policies: {found.why}")
    return found


def _names_role(value: Any, role: Resource) -> bool:
    return role.refers_to(value) or (isinstance(value, str) and value == role.get("RoleName"))


def role_statements(role: Resource) -> list[Statement] | Unresolved:
    """Every statement of the role's inline policies and of the policies of this template attached to it."""
    documents = []
    inline = role.get("Policies")
    if isinstance(inline, Unresolved):
        return inline
    documents += [p.get("PolicyDocument") if isinstance(p, dict) else p for p in inline or []]
    managed = role.get("ManagedPolicyArns")
    if isinstance(managed, Unresolved):
        return managed
    attached = {p.logical_id for ref in managed or [] if (p := role.stack.target(ref, *POLICY_TYPES)) is not None}
    for policy in role.stack.of_type(*POLICY_TYPES):
        # AWS::IAM::RolePolicy names one role; the others list theirs.
        roles = policy.get("Roles") if policy.type != "AWS::IAM::RolePolicy" else [policy.get("RoleName")]
        if isinstance(roles, Unresolved):
            return roles
        if policy.logical_id in attached or any(_names_role(r, role) for r in roles or []):
            documents.append(policy.get("PolicyDocument"))
    found: list[Statement] = []
    for document in documents:
        if (why := unreadable(document)) is not None:
            return why
        found.extend(statements(document))
    return found


# -- which function signs ----------------------------------------------------------------------------


def is_signing_function(function: Resource, ctx) -> bool | Unresolved:
    """The function that applies signatures: it runs the signing handler, or its execution role is
    the one the config names for signing (so a handler renamed in code is still recognised)."""
    handler = function.get("Handler")
    if handler == SIGN_HANDLER:
        return True
    name = role_name(function)
    if ctx.names is not None and function.region and isinstance(name, str):
        if name == ctx.names.signature_role_name("sign", function.region):
            return True
    for value in (handler, name):
        if isinstance(value, Unresolved):
            return value
    return False


def signing_setting(function: Resource, ctx, name: str) -> str | Verdict:
    """The literal text of the setting ``name`` on a function, or the verdict when there is none to judge:
    the signing function without it fails, another function has nothing to judge, and a value assembled
    at deploy time cannot be proven."""
    text = variable(function, name)
    if text is None:
        signing = is_signing_function(function, ctx)
        if isinstance(signing, Unresolved):
            return cannot_prove(f"whether the function signs: {signing.why}")
        return non_compliant(f"the signing function sets no {name}") if signing else not_applicable()
    if isinstance(text, Unresolved):
        return cannot_prove(f"{name}: {text.why}")
    if not isinstance(text, str):
        return cannot_prove(f"{name} is assembled at deploy time ({text})")
    return text

SERVICE_PURPOSES = ("sign", "list", "verify")


def is_service_function(function: Resource, ctx) -> bool | Unresolved:
    """A function of the signature service: the signing function, one given the signing policy, or one
    running under a role the config names for the service (EVENT_BUS_NAME alone is a common name)."""
    signing = is_signing_function(function, ctx)
    if signing is True or variable(function, "SIGNING_POLICY") is not None:
        return True
    name = role_name(function)
    if ctx.names is not None and function.region and isinstance(name, str):
        if name in {ctx.names.signature_role_name(p, function.region) for p in SERVICE_PURPOSES}:
            return True
    return signing


# -- where the IQ finds the functions -----------------------------------------------------------------


def service_functions(reader) -> list[Resource]:
    """The sign, list and verify functions (the pre-token trigger carries no service environment)."""
    found = signature_functions(reader)
    return [found[p] for p in SERVICE_PURPOSES]


def service_check(read) -> DeployedCheck:
    # The signature service is deployed in each workload region of every regulated account.
    return DeployedCheck(read=read, accounts=frozenset({REGULATED}), regions="workload")
