"""The estate's AWS Backup vaults as ``AWS::Backup::BackupVault`` and its records plan as
``AWS::Backup::BackupPlan``, read by the names the config gives them.

A vault's lock is reported by DescribeBackupVault as Locked, MinRetentionDays and, for compliance mode
only, LockDate; the template states compliance mode as ChangeableForDays, so a LockDate becomes the days
left before it (0 once the lock is immutable)."""

from __future__ import annotations

from datetime import datetime, timezone

from ..cfn import Resource, Unresolved
from .reader import AccountReader


def _vault(reader: AccountReader, name: str) -> Resource:
    answer = reader.call("backup", "describe_backup_vault", BackupVaultName=name)
    if not answer.ok:
        if answer.code == "ResourceNotFoundException":
            return reader.add("AWS::Backup::BackupVault", name, {}, missing=f"no backup vault {name}: {answer.error}")
        return reader.add("AWS::Backup::BackupVault", name, {"LockConfiguration": Unresolved(answer.error)})
    properties: dict = {"BackupVaultName": name, "EncryptionKeyArn": answer.get("EncryptionKeyArn")}
    if answer.get("Locked"):
        lock: dict = {"MinRetentionDays": answer.get("MinRetentionDays")}
        if answer.get("MaxRetentionDays") is not None:
            lock["MaxRetentionDays"] = answer.get("MaxRetentionDays")
        lock_date = answer.get("LockDate")
        if isinstance(lock_date, datetime):
            lock["ChangeableForDays"] = max(0, (lock_date - datetime.now(timezone.utc)).days)
        properties["LockConfiguration"] = lock
    return reader.add("AWS::Backup::BackupVault", name, properties)


def _rule(rule: dict) -> dict:
    found = {
        "RuleName": rule.get("RuleName"),
        "TargetBackupVault": rule.get("TargetBackupVaultName"),
        "ScheduleExpression": rule.get("ScheduleExpression"),
        "CopyActions": [
            {"DestinationBackupVaultArn": c.get("DestinationBackupVaultArn"), "Lifecycle": c.get("Lifecycle") or {}}
            for c in rule.get("CopyActions") or []
        ],
    }
    if rule.get("Lifecycle"):
        found["Lifecycle"] = rule["Lifecycle"]
    return found


def _plan(reader: AccountReader, name: str) -> Resource:
    listed = reader.call("backup", "list_backup_plans")
    if not listed.ok:
        return reader.add("AWS::Backup::BackupPlan", name, {"BackupPlan": Unresolved(listed.error)})
    plan_id = next((p.get("BackupPlanId") for p in listed.get("BackupPlansList") or [] if p.get("BackupPlanName") == name), None)
    if plan_id is None:
        return reader.add("AWS::Backup::BackupPlan", name, {}, missing=f"no backup plan {name}")
    answer = reader.call("backup", "get_backup_plan", BackupPlanId=plan_id)
    if not answer.ok:
        return reader.add("AWS::Backup::BackupPlan", name, {"BackupPlan": Unresolved(answer.error)})
    plan = answer.get("BackupPlan") or {}
    return reader.add("AWS::Backup::BackupPlan", name, {"BackupPlan": {
        "BackupPlanName": plan.get("BackupPlanName"), "BackupPlanRule": [_rule(r) for r in plan.get("Rules") or []],
    }})


def records_backup(reader: AccountReader) -> list[Resource]:
    """The locked vault and the daily plan of a regulated account's region (stacks/continuity.py)."""
    names = reader.names
    return [
        reader.once(("backup", "vault", names.backup_vault_name), lambda: _vault(reader, names.backup_vault_name)),
        reader.once(("backup", "plan", names.backup_plan_name), lambda: _plan(reader, names.backup_plan_name)),
    ]
