"""GXP-BAK-01: back-up vaults under Vault Lock in compliance mode, and a plan that keeps recovery points
as long as the config says and copies them to the account's second region inside its jurisdiction."""

from __future__ import annotations

import pytest
from aws_cdk import aws_backup as backup

from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import backup_vault
from gxp_landing_zone.stacks.continuity import BackupStack

CONTROL = "GXP-BAK-01"
US, EU_COPY = "Backup-regulated-us-us-east-1", "BackupCopy-regulated-eu-eu-west-1"


def vault(template: dict) -> dict:
    return properties(template, "AWS::Backup::BackupVault")


def rule(template: dict) -> dict:
    return properties(template, "AWS::Backup::BackupPlan")["BackupPlan"]["BackupPlanRule"][0]


def test_compliant(reference, ctx):
    for name in reference:
        if name.startswith("Backup"):
            assert CONTROL not in fired(reference[name], ctx), name


@pytest.mark.parametrize(
    "stack,edit",
    [
        pytest.param(US, lambda t: vault(t).pop("LockConfiguration"), id="no-vault-lock"),
        pytest.param(US, lambda t: vault(t)["LockConfiguration"].pop("ChangeableForDays"), id="governance-mode"),
        pytest.param(EU_COPY, lambda t: vault(t)["LockConfiguration"].update(MinRetentionDays=30), id="copy-kept-too-short"),
        pytest.param(US, lambda t: vault(t).pop("EncryptionKeyArn"), id="aws-owned-key"),
        pytest.param(US, lambda t: rule(t).pop("CopyActions"), id="no-copy"),
        pytest.param(US, lambda t: rule(t)["CopyActions"][0].update(
            DestinationBackupVaultArn="arn:aws:backup:eu-west-1:444444444444:backup-vault:gxp-backup-copy"),
            id="copy-leaves-the-jurisdiction"),
        pytest.param(US, lambda t: rule(t)["Lifecycle"].update(DeleteAfterDays=7), id="recovery-points-expire-early"),
        pytest.param(US, lambda t: rule(t)["CopyActions"][0].update(
            DestinationBackupVaultArn={"Fn::ImportValue": "CopyVaultArn"}), id="unprovable-copy-destination"),
        pytest.param(US, lambda t: vault(t)["LockConfiguration"].update(MinRetentionDays={"Ref": "Days"}),
                     id="unprovable-retention"),
    ],
)
def test_non_compliant(reference, ctx, stack, edit):
    assert fired(variant(reference[stack], edit), ctx) == {CONTROL}


def build(app, config):
    return BackupStack(app, config=config, account=config.account("regulated-us"), region=config.home_region)


def _vault(stack):
    return stack.vault.vault


def _plan(stack):
    return stack.daily.plan


original = backup_vault.LockedVault.__init__


def _governance(self, scope, id, **kwargs):
    # backup_vault.py edited so the lock has no lock date: governance mode.
    original(self, scope, id, **kwargs)
    self.vault.lock_configuration = backup.CfnBackupVault.LockConfigurationTypeProperty(
        min_retention_days=kwargs["min_retention_days"])


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(backup_vault.LockedVault, "__init__", _governance),
    l1=lambda stack: setattr(_vault(stack), "lock_configuration", None),
    overrides=(
        lambda stack: _vault(stack).add_property_override("LockConfiguration.MinRetentionDays", 7),
        lambda stack: _plan(stack).add_override(
            "Properties.BackupPlan.BackupPlanRule.0.CopyActions.0.DestinationBackupVaultArn",
            "arn:aws:backup:us-east-1:444444444444:backup-vault:gxp-backup"),
        lambda stack: _vault(stack).add_deletion_override("Properties.LockConfiguration.ChangeableForDays"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
