"""The signature service's Lambda functions as ``AWS::Lambda::Function``, with what their controls
read beside them: each function's execution role and its policies (``AWS::IAM::Role``,
``AWS::IAM::ManagedPolicy``) and the EventBridge rules on the bus a function publishes to
(``AWS::Events::Rule``).

The functions have generated names; their execution roles are named by the stack, one per purpose
(``Names.signature_role_name``), so a function is the service's exactly when its role is one of them.
"""

from __future__ import annotations

import json

from ..cfn import Resource, Unresolved
from .events import default_bus_rules
from .reader import AccountReader

PURPOSES = ("sign", "list", "verify", "token")


def _function_properties(configuration: dict) -> dict:
    properties = {
        "FunctionName": configuration.get("FunctionName"),
        "Handler": configuration.get("Handler"),
        "Runtime": configuration.get("Runtime"),
        "Role": configuration.get("Role"),
        "TracingConfig": {"Mode": (configuration.get("TracingConfig") or {}).get("Mode")},
        "Environment": {"Variables": (configuration.get("Environment") or {}).get("Variables") or {}},
    }
    return {k: v for k, v in properties.items() if v is not None}


def signature_functions(reader: AccountReader) -> dict[str, Resource]:
    """Purpose -> the function whose execution role is that purpose's (missing where none is)."""
    return reader.once(("lambda", "signature-functions"), lambda: _read_functions(reader))


def _read_functions(reader: AccountReader) -> dict[str, Resource]:
    roles = {reader.names.signature_role_name(p, reader.region): p for p in PURPOSES}
    found: dict[str, Resource] = {}
    marker = None
    while True:
        page = reader.call("lambda", "list_functions", **({"Marker": marker} if marker else {}))
        if not page.ok:
            return {p: reader.add("AWS::Lambda::Function", f"{p} function", Unresolved(page.error)) for p in PURPOSES}
        for summary in page.get("Functions") or []:
            purpose = roles.get(str(summary.get("Role", "")).rsplit("/", 1)[-1])
            if purpose is None or purpose in found:
                continue
            name = summary["FunctionName"]
            configuration = reader.call("lambda", "get_function_configuration", FunctionName=name)
            if configuration.ok:
                found[purpose] = reader.add("AWS::Lambda::Function", name, _function_properties(configuration.response))
            else:
                found[purpose] = reader.add("AWS::Lambda::Function", name, Unresolved(configuration.error))
        marker = page.get("NextMarker")
        if not marker:
            break
    for role, purpose in roles.items():
        if purpose not in found:
            found[purpose] = reader.add(
                "AWS::Lambda::Function", f"{purpose} function", {}, missing=f"no function with role {role}"
            )
    return {p: found[p] for p in PURPOSES}


def function_by_name(reader: AccountReader, name: str) -> Resource:
    """A function the stacks name (the record export), with its execution role read beside it; marked missing
    when Lambda has no function of that name."""
    return reader.once(("lambda", "function", name), lambda: _read_named(reader, name))


def _read_named(reader: AccountReader, name: str) -> Resource:
    configuration = reader.call("lambda", "get_function_configuration", FunctionName=name)
    if configuration.code == "ResourceNotFoundException":
        return reader.add("AWS::Lambda::Function", name, {}, missing=f"no function named {name}")
    if not configuration.ok:
        return reader.add("AWS::Lambda::Function", name, {"Handler": Unresolved(configuration.error)})
    function = reader.add("AWS::Lambda::Function", name, _function_properties(configuration.response))
    execution_role(reader, function)
    return function


# -- the execution role and its policies -----------------------------------------------------------


def _document(value) -> object:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return Unresolved("the policy document IAM returned is not JSON")
    return value


def execution_role(reader: AccountReader, function: Resource) -> Resource | None:
    """The function's role, its inline policies and attached managed policies, in the template."""
    arn = function.get("Role")
    if not isinstance(arn, str):
        return None
    name = arn.rsplit("/", 1)[-1]
    return reader.once(("iam", "role", name), lambda: _read_role(reader, name))


def _read_role(reader: AccountReader, name: str) -> Resource:
    inline = reader.call("iam", "list_role_policies", RoleName=name)
    if not inline.ok:
        return reader.add("AWS::IAM::Role", name, {"RoleName": name, "Policies": Unresolved(inline.error)})
    policies = []
    for policy_name in inline.get("PolicyNames") or []:
        policy = reader.call("iam", "get_role_policy", RoleName=name, PolicyName=policy_name)
        document = _document(policy.get("PolicyDocument"))
        policies.append({"PolicyName": policy_name, "PolicyDocument": document})
    role = reader.add("AWS::IAM::Role", name, {"RoleName": name, "Policies": policies})
    attached = reader.call("iam", "list_attached_role_policies", RoleName=name)
    if not attached.ok:
        reader.add("AWS::IAM::ManagedPolicy", f"{name} attached policies", {
            "Roles": [{"Ref": role.logical_id}], "PolicyDocument": Unresolved(attached.error)})
        return role
    for summary in attached.get("AttachedPolicies") or []:
        arn = summary["PolicyArn"]
        meta = reader.call("iam", "get_policy", PolicyArn=arn)
        version_id = meta.get("Policy", "DefaultVersionId")
        if isinstance(version_id, Unresolved):
            document = version_id
        else:
            version = reader.call("iam", "get_policy_version", PolicyArn=arn, VersionId=version_id)
            document = _document(version.get("PolicyVersion", "Document"))
        reader.add("AWS::IAM::ManagedPolicy", arn, {"Roles": [{"Ref": role.logical_id}], "PolicyDocument": document})
    return role


# -- the rules on the bus a function publishes to -----------------------------------------------------


def bus_rules(reader: AccountReader, bus: str) -> list[Resource]:
    # The default bus is read once for every control that judges its rules.
    if bus == "default" or bus.endswith(":event-bus/default"):
        return default_bus_rules(reader)
    return reader.once(("events", "rules", bus), lambda: _read_rules(reader, bus))


def _pattern(value) -> object:
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return Unresolved("the event pattern EventBridge returned is not JSON")


def _read_rules(reader: AccountReader, bus: str) -> list[Resource]:
    found = []
    token = None
    while True:
        listed = reader.call("events", "list_rules", EventBusName=bus, **({"NextToken": token} if token else {}))
        if not listed.ok:
            return found + [reader.add("AWS::Events::Rule", f"rules on {bus}", {
                "EventBusName": bus, "State": Unresolved(listed.error)})]
        for rule in listed.get("Rules") or []:
            targets = reader.call("events", "list_targets_by_rule", Rule=rule["Name"], EventBusName=bus)
            listed_targets = targets.get("Targets")
            properties = {
                "Name": rule["Name"],
                "EventBusName": rule.get("EventBusName") or bus,
                "State": rule.get("State"),
                "EventPattern": _pattern(rule.get("EventPattern")),
                "Targets": listed_targets if isinstance(listed_targets, Unresolved) else [
                    {k: t.get(k) for k in ("Id", "Arn", "RoleArn") if t.get(k) is not None} for t in listed_targets or []
                ],
            }
            found.append(reader.add("AWS::Events::Rule", rule.get("Arn") or rule["Name"], {
                k: v for k, v in properties.items() if v is not None}))
        token = listed.get("NextToken")
        if not token:
            break
    return found
