"""An account's IAM users, as the IQ sees them.

A template declares each user as ``AWS::IAM::User``; an account is judged on its whole list, because
"no users" is itself the evidence. The list is one resource of the type ``Custom::IamUserList`` with
``UserNames``; the API's error, if any, in place of the list.
"""

from __future__ import annotations

from ..cfn import Resource, Unresolved
from .reader import AccountReader

USER_LIST = "Custom::IamUserList"


def user_list(reader: AccountReader) -> Resource:
    return reader.once(("iam", "users"), lambda: _read(reader))


def _read(reader: AccountReader) -> Resource:
    names: list | Unresolved = []
    marker = None
    while True:
        answer = reader.call("iam", "list_users", **({"Marker": marker} if marker else {}))
        if not answer.ok:
            names = Unresolved(answer.error)
            break
        names.extend(u["UserName"] for u in answer.get("Users") or [])
        marker = answer.get("Marker") if answer.get("IsTruncated") else None
        if not marker:
            break
    return reader.add(USER_LIST, f"IAM users of {reader.account.id}", {"UserNames": names})


def managed_policy(reader: AccountReader, name: str) -> Resource:
    """The customer-managed policy ``name`` of the account, with its default version's document."""
    return reader.once(("iam", "policy", name), lambda: _policy(reader, name))


def _policy(reader: AccountReader, name: str) -> Resource:
    import json

    arn = f"arn:aws:iam::{reader.account.id}:policy/{name}"
    meta = reader.call("iam", "get_policy", PolicyArn=arn)
    if meta.code == "NoSuchEntity":
        return reader.add("AWS::IAM::ManagedPolicy", name, {"ManagedPolicyName": name}, missing=f"no policy named {name}")
    version = meta.get("Policy", "DefaultVersionId")
    if isinstance(version, Unresolved):
        return reader.add("AWS::IAM::ManagedPolicy", name, {"ManagedPolicyName": name, "PolicyDocument": version})
    document = reader.call("iam", "get_policy_version", PolicyArn=arn, VersionId=version).get("PolicyVersion", "Document")
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            document = Unresolved("the policy document IAM returned is not JSON")
    return reader.add("AWS::IAM::ManagedPolicy", name, {"ManagedPolicyName": name, "PolicyDocument": document})
