"""GXP-IAM-01: the estate defines no IAM users; people sign in through IAM Identity Center."""

from __future__ import annotations

from ..cfn import Unresolved
from ..deployed.iam import USER_LIST, user_list
from ..model import ALL_KINDS, Control, DeployedCheck, cannot_prove, compliant, non_compliant, show


def check(resource, ctx):
    if resource.type == USER_LIST:  # an account's whole list, as the IQ reads it
        names = resource.get("UserNames")
        if isinstance(names, Unresolved):
            return cannot_prove(f"IAM users: {names.why}")
        if names:
            return non_compliant(f"the account has IAM users: {', '.join(names)}")
        return compliant("the account has no IAM users")
    # A user in a template is a violation whatever it is called or whatever it may do: its
    # long-lived password or keys belong to no Identity Center identity.
    name = resource.get("UserName")
    return non_compliant(f"IAM user {show(name) if name is not None else resource.logical_id} is defined")


CONTROL = Control(
    id="GXP-IAM-01",
    title="No IAM users",
    statement=(
        "People reach accounts only through IAM Identity Center with their own identity; the estate defines no "
        "IAM users and no account has any."
    ),
    part11={
        "11.10(d)": "Access goes only through Identity Center, where each person is authorised, never through a local user.",
        "11.10(g)": "Authority checks happen in one place, the permission sets assigned to a person's groups.",
        "11.300(a)": "No IAM user's password or access key can be shared between people.",
    },
    annex11={
        "12.1": "Logical access is restricted to identities the organization's directory authorises.",
        "12.3": "Granting and withdrawing access is an Identity Center assignment, recorded, not a user made in an account.",
    },
    jp_eres={"3.1.1": "Authenticity: every action is made by an identifiable person's own identity."},
    resource_types=("AWS::IAM::User",),
    check=check,
    deployed=DeployedCheck(read=lambda reader: [user_list(reader)], accounts=ALL_KINDS, regions="home"),
    config_rule="IAM_USER_NO_POLICIES_CHECK",
)
