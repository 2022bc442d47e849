"""Back-ups and archiving (Annex 11 7.2, 17; 21 CFR 11.10(c)): AWS Backup of every records bucket and
signature ledger into a vault under Vault Lock in compliance mode, copied to a second region of the same
jurisdiction, and of the log archive to a second region; and, per data class, how cold its oldest
records may get.

The checks that need the accounts run from ``check_continuity``, called by EstateConfig.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from .base import Strict
from .regions import REGION_JURISDICTION

if TYPE_CHECKING:  # pragma: no cover
    from .model import EstateConfig

# AWS Backup enforces a 72-hour cooling-off period before a compliance-mode lock becomes immutable, so
# ChangeableForDays is at least 3 (AWS::Backup::BackupVault LockConfigurationType).
MIN_LOCK_GRACE_DAYS = 3
MAX_LOCK_GRACE_DAYS = 30
MIN_BACKUP_RETENTION_DAYS = 35
MAX_BACKUP_RETENTION_DAYS = 36500
ARCHIVE_TIERS = ("deep-archive", "instant-retrieval")
# What each tier means for "readily retrievable" (11.10(c)): S3's documented first-byte times.
ARCHIVE_TIER_RETRIEVAL = {
    "deep-archive": "current versions older than 2 years and superseded versions older than 180 days are in S3 "
    "Glacier Deep Archive: a read or a copy waits for a restore of up to 12 hours (standard retrieval; 48 hours bulk)",
    "instant-retrieval": "every version stays in S3 Glacier Instant Retrieval or warmer: read in milliseconds",
}


class RecordKeeping(Strict):
    """Per data class: who may write it, and how cold its oldest current versions may get."""

    instrument_data: bool = Field(
        default=False,
        description="true for raw instrument output: only the instruments registered under instruments may write "
        "it, only through the account's VPC endpoint, only with a signed SHA-256 payload (11.10(h))",
    )
    archive_tier: Literal["deep-archive", "instant-retrieval"] = Field(
        default="deep-archive",
        description="where current versions older than 2 years go: deep-archive (cheapest; up to 12 hours to "
        "restore before reading) or instant-retrieval (milliseconds; about 4x the storage price)",
    )


class Backup(Strict):
    """AWS Backup of the records, the signature ledgers and the log archive."""

    copy_regions: dict[str, str] = Field(
        default_factory=dict,
        description="regulated account role -> the region its back-ups are copied to, inside its jurisdiction and in "
        "allowed_regions, e.g. regulated-eu: eu-west-1",
    )
    log_archive_copy_region: str | None = Field(
        default=None, description="the region the log archive's back-ups are copied to, e.g. us-west-2"
    )
    schedule: str = Field(
        default="cron(0 3 * * ? *)", description="when back-ups run, as an AWS Backup schedule expression (UTC)"
    )
    retention_days: int = Field(
        default=365,
        description=f"how long each recovery point is kept ({MIN_BACKUP_RETENTION_DAYS}..{MAX_BACKUP_RETENTION_DAYS} "
        "days); Vault Lock refuses anyone a shorter life for it",
    )
    lock_grace_days: int = Field(
        default=MIN_LOCK_GRACE_DAYS,
        description="days after deployment during which the vault lock can still be removed; then it is immutable",
    )

    @field_validator("retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        if not MIN_BACKUP_RETENTION_DAYS <= value <= MAX_BACKUP_RETENTION_DAYS:
            raise ValueError(
                f"{value} days is outside {MIN_BACKUP_RETENTION_DAYS}..{MAX_BACKUP_RETENTION_DAYS}; a recovery point "
                "must outlive the time it takes to notice a loss"
            )
        return value

    @field_validator("lock_grace_days")
    @classmethod
    def _grace(cls, value: int) -> int:
        if not MIN_LOCK_GRACE_DAYS <= value <= MAX_LOCK_GRACE_DAYS:
            raise ValueError(
                f"{value} days is outside {MIN_LOCK_GRACE_DAYS}..{MAX_LOCK_GRACE_DAYS}: AWS Backup needs at least 3 "
                "days before a compliance-mode lock takes effect"
            )
        return value

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        if not (value.startswith("cron(") or value.startswith("rate(")) or not value.endswith(")"):
            raise ValueError(f"'{value}' is not a schedule expression; write cron(0 3 * * ? *) or rate(12 hours)")
        return value


def check_continuity(config: "EstateConfig") -> None:
    """Raise ValueError naming the field for a back-up copy that would leave its jurisdiction or the estate."""
    backup = config.backup
    regulated = {a.role: a for a in config.regulated_accounts}
    for role in backup.copy_regions:
        if role not in regulated:
            raise ValueError(f"backup.copy_regions.{role}: '{role}' is not a regulated account in accounts")
    for role, account in regulated.items():
        field = f"backup.copy_regions.{role}"
        region = backup.copy_regions.get(role)
        if region is None:
            raise ValueError(
                f"{field}: required; name a second region in {account.jurisdiction} for {role}'s back-ups "
                "(Annex 11 7.2)"
            )
        _allowed(config, field, region)
        if REGION_JURISDICTION.get(region) != account.jurisdiction:
            raise ValueError(
                f"{field}: {region} is in {REGION_JURISDICTION.get(region, 'no known jurisdiction')}, outside "
                f"{role}'s jurisdiction {account.jurisdiction}; back-ups of its records stay in {account.jurisdiction}"
            )
        if region in config.workload_regions(account):
            raise ValueError(f"{field}: {region} already holds {role}'s records; a copy needs a second region")
    field = "backup.log_archive_copy_region"
    region = backup.log_archive_copy_region
    if region is None:
        raise ValueError(f"{field}: required; name a second region for the log archive's back-ups (Annex 11 7.2)")
    _allowed(config, field, region)
    if region == config.home_region:
        raise ValueError(f"{field}: {region} is the home region, where the log archive already is")
    home = REGION_JURISDICTION[config.home_region]
    if REGION_JURISDICTION.get(region) != home:
        raise ValueError(f"{field}: {region} is outside {home}, where the log archive is kept; choose a region in {home}")


def _allowed(config: "EstateConfig", field: str, region: str) -> None:
    if region not in REGION_JURISDICTION:
        raise ValueError(f"{field}: '{region}' is not an AWS commercial region this product knows")
    if region not in config.allowed_regions:
        raise ValueError(
            f"{field}: {region} is not in allowed_regions, so the region guardrail would refuse the copy; add it to "
            "allowed_regions (its baseline and conformance pack follow)"
        )
