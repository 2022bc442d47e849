"""GXP-BAK-01: records and signature ledgers are backed up into vaults under Vault Lock in compliance mode,
each recovery point kept at least as long as the config says and copied to a second region of the same
jurisdiction.

A vault is in compliance mode when its lock states ChangeableForDays: after that grace nobody, root
included, can remove the lock or delete a recovery point before MinRetentionDays; without it the lock is
governance mode, which a privileged user can remove
(https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..cfn import Unresolved
from ..deployed.backup import records_backup
from ..model import LOG_ARCHIVE, REGULATED, REGULATED_ONLY, Control, DeployedCheck, all_of, cannot_prove, cfn_int, compliant, \
    expect_present, non_compliant

VAULT, PLAN = "AWS::Backup::BackupVault", "AWS::Backup::BackupPlan"
VAULT_ARN = re.compile(r"arn:aws[a-z-]*:backup:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):backup-vault:.+")


def _at_least(value, days: int, what: str):
    value = cfn_int(value)
    if isinstance(value, Unresolved):
        return cannot_prove(f"{what}: {value.why}")
    if value is None:
        return non_compliant(f"{what} is not set; required at least {days} days")
    if value < days:
        return non_compliant(f"{what} is {value} days; required at least {days}")
    return compliant(f"{what} is {value} days")


def _vault(vault, ctx, account):
    days = ctx.config.backup.retention_days
    lock = vault.get("LockConfiguration")
    if isinstance(lock, Unresolved):
        return cannot_prove(f"LockConfiguration: {lock.why}")
    if not lock:
        return non_compliant("the vault has no Vault Lock: any recovery point can be deleted")
    grace = cfn_int(vault.get("LockConfiguration.ChangeableForDays"))
    mode = (cannot_prove(f"ChangeableForDays: {grace.why}") if isinstance(grace, Unresolved)
            else non_compliant("the lock is in governance mode (no ChangeableForDays): it can be removed")
            if grace is None else compliant(f"compliance mode, immutable {grace} days after it was set"))
    where = vault.region
    jurisdiction = ctx.region_jurisdiction.get(where) if isinstance(where, str) else None
    inside = (compliant(f"in {where}, inside {account.jurisdiction}") if jurisdiction == account.jurisdiction
              else non_compliant(f"in {where}, outside {account.role}'s jurisdiction {account.jurisdiction}"))
    return all_of(
        mode,
        _at_least(vault.get("LockConfiguration.MinRetentionDays"), days, "MinRetentionDays"),
        expect_present(vault.get("EncryptionKeyArn"), "EncryptionKeyArn"),
        inside,
    )


def _copy(action, ctx, account):
    arn = action.get("DestinationBackupVaultArn") if isinstance(action, dict) else None
    wanted = account.copy_region
    match = VAULT_ARN.fullmatch(arn) if isinstance(arn, str) else None
    if match is None:
        return cannot_prove(f"the copy destination {arn!r} is not a literal vault ARN")
    if (match["region"], match["account"]) != (wanted, account.id):
        return non_compliant(f"copies go to {match['region']} in {match['account']}; required {wanted} in {account.id}")
    lifecycle = (action.get("Lifecycle") or {}).get("DeleteAfterDays")
    return all_of(compliant(f"copied to {wanted}"), _at_least(lifecycle, ctx.config.backup.retention_days, "the copy's DeleteAfterDays"))


def _plan(plan, ctx, account):
    rules = plan.get("BackupPlan.BackupPlanRule")
    if isinstance(rules, Unresolved):
        return cannot_prove(f"BackupPlanRule: {rules.why}")
    if not rules:
        return non_compliant("the plan has no rule")
    verdicts = []
    for rule in rules:
        name = rule.get("RuleName", "?") if isinstance(rule, dict) else "?"
        if not isinstance(rule, dict):
            verdicts.append(cannot_prove(f"rule {rule!r} cannot be read"))
            continue
        copies = rule.get("CopyActions") or []
        verdicts.append(_at_least((rule.get("Lifecycle") or {}).get("DeleteAfterDays"), ctx.config.backup.retention_days,
                                  f"{name}: DeleteAfterDays"))
        verdicts.append(all_of(*(_copy(c, ctx, account) for c in copies)) if copies
                        else non_compliant(f"{name}: no copy to a second region"))
    return all_of(*verdicts)


def check(resource, ctx):
    if ctx.config is None:
        return cannot_prove("the retention and copy region come from the config, which was not given")
    account = ctx.config.account_by_id(resource.stack.account) if isinstance(resource.stack.account, str) else None
    place = _place(ctx, account)
    if place is None:
        return cannot_prove(f"account {resource.stack.account} keeps no back-ups in the config")
    return (_vault if resource.type == VAULT else _plan)(resource, ctx, place)


@dataclass(frozen=True)
class _Place:
    """Whose back-ups: the account, its jurisdiction and the region its copies must go to."""

    id: str
    role: str
    jurisdiction: str
    copy_region: str


def _place(ctx, account) -> _Place | None:
    config = ctx.config
    if account is None:
        return None
    if account.jurisdiction is not None:
        copy_region = config.backup.copy_regions.get(account.role)
        jurisdiction = account.jurisdiction
    elif account.id == config.log_archive.id:
        # The log archive lives in the home region; its copy stays in the home region's jurisdiction.
        copy_region = config.backup.log_archive_copy_region
        jurisdiction = ctx.region_jurisdiction.get(config.home_region)
    else:
        return None
    if copy_region is None or jurisdiction is None:
        return None
    return _Place(account.id, account.role, jurisdiction, copy_region)


CONTROL = Control(
    id="GXP-BAK-01",
    title="Back-ups locked and copied inside the jurisdiction",
    statement=(
        "In each regulated account and the log archive, the vaults back-ups are kept in are under Vault Lock in compliance mode with a "
        "minimum retention of at least the configured days, encrypted with a customer-managed key and inside the "
        "account's jurisdiction; every rule of the back-up plan keeps its recovery points that long and copies them "
        "to the vault of the second region the config names for the account."
    ),
    part11={
        "11.10(c)": "Records, the signature ledger and the audit trail can be restored from recovery points no one can delete before their retention ends.",
    },
    annex11={
        "7.1": "Data is secured against loss by back-ups that cannot be deleted or shortened, in a second region.",
        "7.2": "Regular back-ups of the records and the ledger are taken and kept; a restore needs them intact.",
    },
    jp_eres={"3.1.3": "Preservation: back-ups of the records are kept unalterable inside the jurisdiction."},
    resource_types=(VAULT, PLAN),
    check=check,
    deployed=DeployedCheck(read=records_backup, accounts=frozenset({REGULATED, LOG_ARCHIVE}), regions="workload"),
    boundary=REGULATED_ONLY,
)
