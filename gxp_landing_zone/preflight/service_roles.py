"""Service-linked roles that must exist before a stack that names them is deployed.

Only roles the templates depend on by name are required here:

- AWSServiceRoleForAutoScaling and AWSServiceRoleForBatch: the Compute stack's key policy names both
  as principals (stacks/compute.py ``_allow_key_users``); KMS refuses a key policy whose principal
  does not exist, so the roles must be there before the first deploy of a workload account that
  runs compute.
- AWSServiceRoleForCloudTrail in the management account: CloudTrail refuses an organization trail
  when the management account has none (NoManagementAccountSLRExistsException). Enabling trusted
  access from the CloudTrail console creates it; enabling it with the Organizations CLI does not.

Not required: AWSServiceRoleForConfig (every recorder uses the baseline's own role with
AWS_ConfigRole), AWSServiceRoleForConfigMultiAccountSetup and AWSServiceRoleForConfigConforms (AWS
Config creates them when the audit account puts the organization conformance pack), and
AWSServiceRoleForOrganizations (no template refers to it).
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from ..config import Account, AccountKind, EstateConfig
from ..topology import runs_compute
from .result import Check, error_code, fail, ok, unreadable


@dataclass(frozen=True)
class ServiceRole:
    name: str
    service: str
    why: str


AUTOSCALING = ServiceRole(
    # https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html
    # https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
    "AWSServiceRoleForAutoScaling", "autoscaling.amazonaws.com", "the Compute stack's key policy names it"
)
BATCH = ServiceRole(
    # https://docs.aws.amazon.com/batch/latest/userguide/using-service-linked-roles-batch-general.html
    "AWSServiceRoleForBatch", "batch.amazonaws.com", "the Compute stack's key policy names it"
)
CLOUDTRAIL = ServiceRole(
    # https://docs.aws.amazon.com/botocore/latest/reference/services/cloudtrail/client/exceptions/NoManagementAccountSLRExistsException.html
    # https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-an-organizational-trail-prepare.html
    "AWSServiceRoleForCloudTrail",
    "cloudtrail.amazonaws.com",
    "the organization trail needs it in the management account",
)


def required(config: EstateConfig, account: Account) -> list[ServiceRole]:
    roles = []
    if account.kind is AccountKind.MANAGEMENT:
        roles.append(CLOUDTRAIL)
    if runs_compute(config, account):
        roles += [AUTOSCALING, BATCH]
    return roles


def present(iam, account: Account, role: ServiceRole) -> Check:
    name = f"service-linked role: {role.name} in {account.role} {account.id}"
    try:
        found = iam.get_role(RoleName=role.name)["Role"]
    except ClientError as exc:
        if error_code(exc) == "NoSuchEntity":
            return fail(
                name,
                f"missing; {role.why}",
                f"aws iam create-service-linked-role --aws-service-name {role.service} (in account {account.id})",
            )
        return unreadable(name, "iam:GetRole", exc)
    except BotoCoreError as exc:
        return unreadable(name, "iam:GetRole", exc)
    return ok(name, f"exists at {found.get('Path', '/')}")


def checks(iam, config: EstateConfig, account: Account) -> list[Check]:
    return [present(iam, account, role) for role in required(config, account)]
