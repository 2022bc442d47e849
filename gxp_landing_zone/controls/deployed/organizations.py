"""The organization's units and service control policies as ``AWS::Organizations::OrganizationalUnit``
and ``AWS::Organizations::Policy``, in the shape the Organization stack declares them: a guardrail
control then reads the deployed organization exactly as it reads the template.

Organizations answers only from us-east-1. A policy's targets become what the template names: the root
and the accounts by their IDs, an OU of the root by a GetAtt on the OU read here.
"""

from __future__ import annotations

from ...naming import REGULATED_OU
from ..cfn import Resource, Unresolved
from .reader import AccountReader, missing

REGION = "us-east-1"
UNIT = "AWS::Organizations::OrganizationalUnit"
POLICY = "AWS::Organizations::Policy"
SCP = "SERVICE_CONTROL_POLICY"


def _pages(reader: AccountReader, operation: str, key: str, **kwargs) -> list | Unresolved:
    items: list = []
    token = None
    while True:
        paging = {"NextToken": token} if token else {}
        answer = reader.call("organizations", operation, region=REGION, **kwargs, **paging)
        if not answer.ok:
            return Unresolved(answer.error)
        items.extend(answer.get(key) or [])
        token = answer.get("NextToken")
        if not token:
            return items


def _content(reader: AccountReader, policy_id: str) -> object:
    answer = reader.call("organizations", "describe_policy", region=REGION, PolicyId=policy_id)
    return answer.get("Policy", "Content")


def _targets(reader: AccountReader, policy_id: str, units: dict[str, Resource]) -> object:
    targets = _pages(reader, "list_targets_for_policy", "Targets", PolicyId=policy_id)
    if isinstance(targets, Unresolved):
        return targets
    return [
        {"Fn::GetAtt": [units[t["TargetId"]].logical_id, "Id"]} if t["TargetId"] in units else t["TargetId"]
        for t in targets
    ]


def _read(reader: AccountReader) -> list[Resource]:
    roots = _pages(reader, "list_roots", "Roots")
    if isinstance(roots, Unresolved) or not roots:
        why = roots.why if isinstance(roots, Unresolved) else "it has no root"
        return [reader.add(UNIT, "organization", {}, missing=f"cannot read the organization: {why}")]
    root = roots[0]["Id"]
    listed = _pages(reader, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=root)
    if isinstance(listed, Unresolved):
        return [reader.add(UNIT, root, {}, missing=f"cannot list the units under {root}: {listed.why}")]
    units = {
        u["Id"]: reader.add(UNIT, f"{u['Name']} ({u['Id']})", {"Name": u["Name"], "ParentId": root}) for u in listed
    }
    policies = _pages(reader, "list_policies", "Policies", Filter=SCP)
    if isinstance(policies, Unresolved):
        # Unknown policies may reach every unit: the controls can then prove nothing.
        reader.add(POLICY, "service control policies", {"Type": SCP, "Content": policies, "TargetIds": policies})
        policies = []
    for policy in policies:
        reader.add(POLICY, f"{policy['Name']} ({policy['Id']})", {
            "Name": policy["Name"],
            "Type": SCP,
            "Content": _content(reader, policy["Id"]),
            "TargetIds": _targets(reader, policy["Id"], units),
        })
    return list(units.values())


def _units(reader: AccountReader) -> list[Resource]:
    return reader.once(("organizations", "units"), lambda: _read(reader))


def organizational_units(reader: AccountReader) -> list[Resource]:
    """Every unit under the root; a missing marker when there is none, so the IQ never passes on nothing."""
    found = _units(reader)
    if found:
        return found
    return [reader.once(("organizations", "none"), lambda: reader.add(
        UNIT, "organizational units", {}, missing="the organization root has no organizational units"
    ))]


def regulated_unit(reader: AccountReader) -> list[Resource]:
    """The Regulated OU (the regulated accounts' guardrails hang on it), or a missing marker."""
    found = _units(reader)
    regulated = [u for u in found if missing(u) or u.get("Name") == REGULATED_OU]
    if regulated:
        return regulated
    return [reader.once(("organizations", REGULATED_OU), lambda: reader.add(
        UNIT, REGULATED_OU, {"Name": REGULATED_OU}, missing=f"no organizational unit named {REGULATED_OU} under the root"
    ))]
