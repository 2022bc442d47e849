from __future__ import annotations

from ..config import AccountKind
from ..constructs.acknowledge import acknowledge
from ..constructs.backup_vault import BACKUP_MANAGED_POLICIES, DailyBackup, LockedVault
from ..topology import backup_copy_region
from .base import GxpStack


class BackupStack(GxpStack):
    """Regulated account, each region it keeps records in: the locked vault, and the daily plan that backs up
    every records bucket and the signature service's tables here and copies each recovery point to the
    locked vault of the account's second region in the same jurisdiction (Annex 11 7.1, 7.2; 11.10(c)).
    Log-archive account, home region: the same for the audit-trail and configuration-history buckets, copied
    to the region the config names for the log archive."""

    component = "Backup"

    def __init__(self, scope, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        config, names, me = self.config, self.names, self.gxp_account
        settings = config.backup
        self.vault = LockedVault(
            self,
            "Vault",
            name=names.backup_vault_name,
            key_alias=names.backup_key_alias,
            min_retention_days=settings.retention_days,
            grace_days=settings.lock_grace_days,
        )
        self.daily = DailyBackup(
            self,
            "Daily",
            vault=self.vault,
            copy_vault_arn=names.backup_copy_vault_arn(me.id, backup_copy_region(config, me)),
            role_name=names.backup_role_name(self.region),
            plan_name=names.backup_plan_name,
            schedule=settings.schedule,
            retention_days=settings.retention_days,
            resources=self.backed_up(),
        )
        acknowledge(
            self.daily.role,
            [f"AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{p}]" for p in BACKUP_MANAGED_POLICIES],
            "AWS Backup's documented service-role policies; its backup and restore actions change with each supported "
            "resource type, and the role can be assumed by AWS Backup alone",
        )


    def backed_up(self) -> list[str]:
        config, names, me = self.config, self.names, self.gxp_account
        if me.kind is AccountKind.LOG_ARCHIVE:
            return [f"arn:aws:s3:::{names.trail_bucket}", f"arn:aws:s3:::{names.config_bucket}"]
        buckets = [f"arn:aws:s3:::{names.records_bucket(c.name, me.id, self.region)}" for c in config.data_classes]
        # The signature service's tables (ledger, idempotency) have CloudFormation-made names: every table of
        # the account in this region is backed up, and the regulated accounts hold no others.
        return [*buckets, f"arn:aws:dynamodb:{self.region}:{self.account}:table/*"]


class BackupCopyStack(GxpStack):
    """Regulated or log-archive account, the second region the config names for it (inside its jurisdiction):
    the locked vault every recovery point is copied to, so a region's loss loses no back-up."""

    component = "BackupCopy"

    def __init__(self, scope, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        settings, names = self.config.backup, self.names
        self.vault = LockedVault(
            self,
            "Vault",
            name=names.backup_copy_vault_name,
            key_alias=names.backup_key_alias,
            min_retention_days=settings.retention_days,
            grace_days=settings.lock_grace_days,
        )
