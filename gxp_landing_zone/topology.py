"""Which stacks the estate puts in each account and region, named ``<Component>-<role>-<region>``.

The app builds these stacks; the IQ reads back what it deployed by the same names. Both ask here, so
neither has to import the other (the IQ never imports the stacks it qualifies).
"""

from __future__ import annotations

from .config import Account, AccountKind, EstateConfig


def stack_id(component: str, account: Account, region: str) -> str:
    """Stable, readable stack names: renaming one would replace every resource in it."""
    return f"{component}-{account.role}-{region}"


def runs_compute(config: EstateConfig, account: Account) -> bool:
    return account.kind in (AccountKind.REGULATED, AccountKind.RESEARCH) and config.compute_settings(account).enabled


def runs_genai(config: EstateConfig, account: Account) -> bool:
    return config.genai is not None and account.role in config.genai.accounts
def backup_copy_region(config: EstateConfig, account: Account) -> str | None:
    """The region ``account``'s back-ups are copied to, or None if it keeps nothing backed up."""
    if account.kind is AccountKind.REGULATED:
        return config.backup.copy_regions.get(account.role)
    if account.kind is AccountKind.LOG_ARCHIVE:
        return config.backup.log_archive_copy_region
    return None


def components(config: EstateConfig, account: Account, region: str) -> list[str]:
    """The components deployed to ``account`` in ``region``."""
    # Member accounts receive the baseline from the gxp-baseline StackSet (OrganizationBaseline), whose
    # instances CloudFormation names itself; the management account runs it as ordinary stacks.
    found = ["Baseline"] if account.kind is AccountKind.MANAGEMENT else []
    if region == config.home_region:
        found += {
            AccountKind.AUDIT: ["Audit"],
            AccountKind.LOG_ARCHIVE: ["LogArchive"],
            AccountKind.MANAGEMENT: ["Organization", "Access", "OrganizationBaseline"],
        }.get(account.kind, [])
    if account.kind is AccountKind.AUDIT:
        found.append("Compliance")
    if account.kind is AccountKind.DEPLOYMENT and region == config.home_region:
        # The promotion pipeline, and the signature service QA signs change records with.
        found += ["Pipeline", "Signatures"]
    in_workload_region = region in config.workload_regions(account)
    if account.kind is AccountKind.REGULATED and in_workload_region:
        found += ["Records", "Signatures"]
    # Back-ups (Annex 11 7.2): a locked vault where records or the log archive are kept, and a locked copy
    # vault in the second region the config names for the account.
    if (account.kind is AccountKind.REGULATED and in_workload_region) or (
        account.kind is AccountKind.LOG_ARCHIVE and region == config.home_region
    ):
        found.append("Backup")
    if region == backup_copy_region(config, account):
        found.append("BackupCopy")
    if runs_compute(config, account) and in_workload_region:
        found.append("Compute")
    if runs_genai(config, account) and in_workload_region:
        found.append("GenAI")
    if account.is_validation and region == config.workload_regions(account)[0]:
        # The role the pipeline's OQ runs under; IAM is global, so once per account.
        found.append("Qualification")
    return found


def stack_names(config: EstateConfig, account: Account, region: str) -> list[str]:
    return sorted(stack_id(c, account, region) for c in components(config, account, region))
