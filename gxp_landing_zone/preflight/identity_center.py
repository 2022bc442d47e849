"""IAM Identity Center: the instance the Access stack writes permission sets into, and the groups it
assigns them to (access.instance_arn, access.assignments[].group_id).

The stack cannot create either: an organization instance is enabled once, in the management account,
and groups come from the identity source (the Identity Center directory or an external IdP)."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from ..config import EstateConfig
from .result import Check, error_code, fail, ok, read, unreadable

NEEDS = "sso:ListInstances and identitystore:DescribeGroup"
# CreateInstance makes account instances and is refused in the management account: the instance that
# can assign permission sets to the organization's accounts is the organization instance, owned by the
# management account.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sso-instance.html
# https://docs.aws.amazon.com/goto/WebAPI/sso-admin-2020-07-20/CreateInstance
ENABLE = (
    "enable IAM Identity Center in the management account in {region} (console: IAM Identity Center > Enable), "
    "then set access.instance_arn to the InstanceArn from aws sso-admin list-instances --region {region}"
)


def instance(instances: list[dict], config: EstateConfig) -> Check:
    wanted = config.access.instance_arn
    name = f"identity center: instance {wanted}"
    found = next((i for i in instances if i.get("InstanceArn") == wanted), None)
    if found is None:
        listed = ", ".join(i.get("InstanceArn", "?") for i in instances) or "none"
        observed = f"not found in {config.home_region} (instances: {listed})"
        return fail(name, observed, ENABLE.format(region=config.home_region))
    owner = found.get("OwnerAccountId")
    if owner and owner != config.management.id:
        return fail(
            name,
            f"an account instance owned by {owner}; assignments to member accounts need the organization instance",
            ENABLE.format(region=config.home_region),
        )
    status = found.get("Status", "ACTIVE")
    if status != "ACTIVE":
        return fail(name, f"status {status}", "wait until the instance is ACTIVE and run again")
    return ok(name, f"organization instance, identity store {found.get('IdentityStoreId', '?')}")


def group(identitystore, store_id: str, group_id: str) -> Check:
    # DescribeGroup answers ResourceNotFoundException for an ID that is not in the identity store.
    # https://docs.aws.amazon.com/goto/WebAPI/identitystore/DescribeGroup
    name = f"identity center: group {group_id}"
    fix = (
        f"create the group in identity store {store_id} (aws identitystore create-group --identity-store-id {store_id} "
        "--display-name ...) or sync it from your identity provider, then put its GroupId "
        f"(aws identitystore list-groups --identity-store-id {store_id}) in access.assignments"
    )
    try:
        described = identitystore.describe_group(IdentityStoreId=store_id, GroupId=group_id)
    except ClientError as exc:
        if error_code(exc) in ("ResourceNotFoundException", "ValidationException"):
            return fail(name, f"not in identity store {store_id} ({error_code(exc)})", fix)
        return unreadable(name, NEEDS, exc)
    except BotoCoreError as exc:
        return unreadable(name, NEEDS, exc)
    return ok(name, f"exists ({described.get('DisplayName', '?')})")


def _instances(sso_admin) -> list[dict]:
    found: list[dict] = []
    for page in sso_admin.get_paginator("list_instances").paginate():
        found.extend(page["Instances"])
    return found


def checks(sso_admin, identitystore, config: EstateConfig) -> list[Check]:
    """``sso_admin`` and ``identitystore`` are clients in the home region, where Identity Center runs."""
    name = f"identity center: instance {config.access.instance_arn}"
    instances, failure = read(name, NEEDS, lambda: _instances(sso_admin))
    if failure:
        return [failure]
    verdict = instance(instances, config)
    if not verdict.passed:
        return [verdict]  # without the instance its identity store cannot be asked about groups
    store_id = next(i["IdentityStoreId"] for i in instances if i["InstanceArn"] == config.access.instance_arn)
    group_ids = list(dict.fromkeys(a.group_id for a in config.access.assignments))
    return [verdict] + [group(identitystore, store_id, g) for g in group_ids]
