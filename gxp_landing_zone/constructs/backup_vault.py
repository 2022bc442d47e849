"""AWS Backup for regulated records (Annex 11 7.2; 21 CFR 11.10(c)): a vault under Vault Lock in compliance
mode, and a daily plan whose every recovery point is also copied to a locked vault in a second region of
the same jurisdiction.

Compliance mode is a lock with ``ChangeableForDays``: after that grace (at least 3 days, AWS Backup's
72-hour cooling-off period) nobody, root included, can remove the lock, shorten a recovery point's
retention below ``MinRetentionDays`` or delete the vault while it holds recovery points
(https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html;
AWS::Backup::BackupVault LockConfigurationType).
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_backup as backup
from aws_cdk import aws_iam as iam
from constructs import Construct

from .keep import KEEP
from .managed_key import ManagedKey

# The managed policies AWS Backup documents for a role that backs up and restores S3 and DynamoDB
# (https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html).
BACKUP_MANAGED_POLICIES = (
    "service-role/AWSBackupServiceRolePolicyForBackup",
    "service-role/AWSBackupServiceRolePolicyForRestores",
    "AWSBackupServiceRolePolicyForS3Backup",
    "AWSBackupServiceRolePolicyForS3Restore",
)


class LockedVault(Construct):
    """A backup vault under Vault Lock in compliance mode, encrypted with its own customer-managed key."""

    def __init__(
        self, scope: Construct, id: str, *, name: str, key_alias: str, min_retention_days: int, grace_days: int
    ) -> None:
        super().__init__(scope, id)
        region = Stack.of(self).region
        self.key = ManagedKey(self, "Key", alias=key_alias, description="Encrypts the recovery points of GxP records")
        # AWS Backup uses the key on the account's behalf, through its own endpoint only.
        self.key.allow(
            "BackupEncryptsRecoveryPoints",
            iam.AccountRootPrincipal(),
            ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"],
            {"StringEquals": {"kms:ViaService": f"backup.{region}.amazonaws.com"}},
        )
        self.vault = backup.CfnBackupVault(
            self,
            "Vault",
            backup_vault_name=name,
            encryption_key_arn=self.key.key.key_arn,
            lock_configuration=backup.CfnBackupVault.LockConfigurationTypeProperty(
                min_retention_days=min_retention_days, changeable_for_days=grace_days
            ),
        )
        # What AWS Config's backup-recovery-point-manual-deletion-disabled checks: the vault's own policy denies
        # deleting a recovery point or shortening its life, to everyone, on top of the lock.
        self.vault.access_policy = {
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "NoRecoveryPointDeletion",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
                "Resource": "*",
            }],
        }
        self.vault.apply_removal_policy(KEEP)


class DailyBackup(Construct):
    """The plan, its role and what it selects: each run writes to ``vault`` and copies to ``copy_vault_arn``."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vault: LockedVault,
        copy_vault_arn: str,
        role_name: str,
        plan_name: str,
        schedule: str,
        retention_days: int,
        resources: list[str],
    ) -> None:
        super().__init__(scope, id)
        self.role = iam.Role(
            self,
            "Role",
            role_name=role_name,
            assumed_by=iam.ServicePrincipal("backup.amazonaws.com"),
            description="AWS Backup reads the records and the signature ledger, and restores them into scratch targets",
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(n) for n in BACKUP_MANAGED_POLICIES],
        )
        lifecycle = backup.CfnBackupPlan.LifecycleResourceTypeProperty(delete_after_days=retention_days)
        self.plan = backup.CfnBackupPlan(
            self,
            "Plan",
            backup_plan=backup.CfnBackupPlan.BackupPlanResourceTypeProperty(
                backup_plan_name=plan_name,
                backup_plan_rule=[
                    backup.CfnBackupPlan.BackupRuleResourceTypeProperty(
                        rule_name="daily-with-copy-in-jurisdiction",
                        target_backup_vault=vault.vault.ref,  # the vault's name; and the plan waits for the vault
                        schedule_expression=schedule,
                        lifecycle=lifecycle,
                        copy_actions=[
                            backup.CfnBackupPlan.CopyActionResourceTypeProperty(
                                destination_backup_vault_arn=copy_vault_arn, lifecycle=lifecycle
                            )
                        ],
                    )
                ],
            ),
        )
        self.plan.apply_removal_policy(KEEP)
        self.selection = backup.CfnBackupSelection(
            self,
            "Selection",
            backup_plan_id=self.plan.attr_backup_plan_id,
            backup_selection=backup.CfnBackupSelection.BackupSelectionResourceTypeProperty(
                selection_name="gxp-records-and-ledgers", iam_role_arn=self.role.role_arn, resources=resources
            ),
        )
