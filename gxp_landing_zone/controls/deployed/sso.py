"""IAM Identity Center permission sets as ``AWS::SSO::PermissionSet``.

Identity Center answers from the home region, for the instance the config names. Each permission set
is read with what the template declares of it: session duration, AWS managed policies, customer
managed policy references and the inline policy (a JSON text, absent when there is none).
"""

from __future__ import annotations

from ..cfn import Resource, Unresolved
from .reader import AccountReader

PERMISSION_SET = "AWS::SSO::PermissionSet"


def _pages(reader: AccountReader, operation: str, key: str, **kwargs) -> list | Unresolved:
    items: list = []
    token = None
    while True:
        answer = reader.call("sso-admin", operation, **kwargs, **({"NextToken": token} if token else {}))
        if not answer.ok:
            return Unresolved(answer.error)
        items.extend(answer.get(key) or [])
        token = answer.get("NextToken")
        if not token:
            return items


def permission_sets(reader: AccountReader) -> list[Resource]:
    return reader.once(("sso", "permission-sets"), lambda: _read(reader))


def _read(reader: AccountReader) -> list[Resource]:
    instance = reader.config.access.instance_arn
    arns = _pages(reader, "list_permission_sets", "PermissionSets", InstanceArn=instance)
    if isinstance(arns, Unresolved):
        return [reader.add(PERMISSION_SET, f"permission sets of {instance}", {}, missing=arns.why)]
    if not arns:
        return [reader.add(PERMISSION_SET, f"permission sets of {instance}", {}, missing="the instance has no permission sets")]
    return [_permission_set(reader, instance, arn) for arn in arns]


def _permission_set(reader: AccountReader, instance: str, arn: str) -> Resource:
    described = reader.call("sso-admin", "describe_permission_set", InstanceArn=instance, PermissionSetArn=arn)
    if not described.ok:
        return reader.add(PERMISSION_SET, arn, {"Name": Unresolved(described.error), "SessionDuration": Unresolved(described.error)})
    found = described.get("PermissionSet") or {}
    which = {"InstanceArn": instance, "PermissionSetArn": arn}
    managed = _pages(reader, "list_managed_policies_in_permission_set", "AttachedManagedPolicies", **which)
    references = _pages(reader, "list_customer_managed_policy_references_in_permission_set",
                        "CustomerManagedPolicyReferences", **which)
    inline = reader.call("sso-admin", "get_inline_policy_for_permission_set", **which).get("InlinePolicy")
    properties = {
        "Name": found.get("Name"),
        "InstanceArn": instance,
        "Description": found.get("Description"),
        "SessionDuration": found.get("SessionDuration"),
        "ManagedPolicies": managed if isinstance(managed, Unresolved) else [p["Arn"] for p in managed],
        "CustomerManagedPolicyReferences": references if isinstance(references, Unresolved) else [
            {"Name": r.get("Name"), "Path": r.get("Path")} for r in references
        ],
        "InlinePolicy": inline or None,
    }
    name = found.get("Name") or arn
    return reader.add(PERMISSION_SET, f"{name} ({arn.rsplit('/', 1)[-1]})",
                      {k: v for k, v in properties.items() if v not in (None, [])})
