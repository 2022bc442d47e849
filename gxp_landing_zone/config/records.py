"""Regulated records: where a data class may be copied to, and the checks that keep every
class's records in their jurisdiction (Annex 11 7.1; MHLW ER/ES 3.1.3) unless the class is
de-identified and the config says it may leave.

The checks here need the whole estate (accounts, regions, naming prefix), so EstateConfig
calls ``check_data_classes`` from its model validator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from ..naming import MAX_BUCKET_NAME, Names, bucket_name_problem, records_bucket_name
from .base import Strict
from .continuity import RecordKeeping
from .regions import REGION_JURISDICTION

if TYPE_CHECKING:  # pragma: no cover
    from .model import EstateConfig

DAYS_PER_YEAR = 365
MAX_RETENTION_YEARS = 100  # S3 Object Lock's own ceiling for default retention
# The lawful bases of GDPR Art. 6(1)(a)-(f), as the config spells them.
LegalBasis = Literal["consent", "contract", "legal-obligation", "vital-interests", "public-task", "legitimate-interest"]


class ReplicationTarget(Strict):
    """A records bucket of the same class in another regulated account (or region) to copy to."""

    account: str = Field(description="role of a regulated account, e.g. regulated-us")
    region: str | None = Field(default=None, description="one of that account's regions; default its first")

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        # Only an absent region means "the account's first"; an empty or unknown one is a mistake.
        if value is not None and value not in REGION_JURISDICTION:
            raise ValueError(
                f"'{value}' is not an AWS commercial region this product knows; give one of the destination "
                "account's regions, or leave region out to use its first"
            )
        return value


class Retention(Strict):
    """A retention period given in whole years or whole days, never both."""

    retention_years: int | None = Field(default=None, gt=0, le=MAX_RETENTION_YEARS)
    retention_days: int | None = Field(default=None, gt=0, le=MAX_RETENTION_YEARS * DAYS_PER_YEAR)

    @model_validator(mode="after")
    def _exactly_one(self):
        if (self.retention_years is None) == (self.retention_days is None):
            raise ValueError("give exactly one of retention_years or retention_days")
        return self

    @property
    def days(self) -> int:
        return self.retention_days if self.retention_days is not None else self.retention_years * DAYS_PER_YEAR


class DataClass(Retention, RecordKeeping):
    name: str = Field(pattern=r"^[a-z][a-z0-9-]{1,30}$", description="lower-case name used in bucket names")
    description: str = ""
    de_identified: bool = False
    # Residency (Annex 11 7.1): identified records never leave the account's jurisdiction.
    may_leave_jurisdiction: bool = False
    replicate_to: list[ReplicationTarget] = Field(default_factory=list)
    personal_data: bool = Field(
        default=False,
        description="the records relate to identifiable people (GDPR Art. 4(1)), e.g. true for samples linked to donors",
    )
    legal_basis: LegalBasis | None = Field(
        default=None,
        description="GDPR Art. 6(1) basis for processing personal data, e.g. consent; a training pipeline may read "
        "a personal-data class only when it is declared (ml.accounts.<role>.training_data_classes)",
    )

    @field_validator("name")
    @classmethod
    def _bucket_safe(cls, value: str) -> str:
        if value.endswith("-") or "--" in value:
            raise ValueError(f"'{value}' becomes part of an S3 bucket name: no trailing or doubled hyphen")
        return value

    @model_validator(mode="after")
    def _basis_for_personal_data(self):
        if self.legal_basis is not None and not self.personal_data:
            raise ValueError(
                "legal_basis is declared for personal data only; set personal_data: true or remove legal_basis"
            )
        return self


def check_data_classes(config: "EstateConfig") -> None:
    """Raise ValueError naming the field for a class that cannot be built as configured."""

    prefix = config.organization.naming_prefix
    for index, data_class in enumerate(config.data_classes):
        where = f"data_classes[{index}] ({data_class.name})"
        if data_class.may_leave_jurisdiction and not data_class.de_identified:
            raise ValueError(
                f"{where}.may_leave_jurisdiction: only a de-identified class may leave its jurisdiction; "
                "set de_identified: true (after de-identification is confirmed) or remove may_leave_jurisdiction"
            )
        if data_class.replicate_to and not data_class.de_identified:
            raise ValueError(
                f"{where}.replicate_to: '{data_class.name}' is not de-identified, and identified records "
                "are never replicated; remove replicate_to or mark the class de_identified: true"
            )
        buckets = [
            records_bucket_name(prefix, data_class.name, account.id, region)
            for account in config.regulated_accounts
            for region in config.workload_regions(account)
        ]
        name = max(buckets, key=len, default="")
        if len(name) > MAX_BUCKET_NAME:
            raise ValueError(
                f"{where}.name: the records bucket name '{name}' has {len(name)} characters, "
                f"over S3's limit of {MAX_BUCKET_NAME}; shorten the class name by "
                f"{len(name) - MAX_BUCKET_NAME} or the organization.naming_prefix"
            )
        targets = []
        for t_index, target in enumerate(data_class.replicate_to):
            field = f"{where}.replicate_to[{t_index}]"
            try:
                destination = config.account(target.account)
            except KeyError:
                destination = None
            if destination is None or destination.jurisdiction is None:
                raise ValueError(f"{field}.account: '{target.account}' is not a regulated account in accounts")
            regions = config.workload_regions(destination)
            region = regions[0] if target.region is None else target.region
            if region not in regions:
                raise ValueError(
                    f"{field}.region: {target.account} holds no workloads in {region}; use one of {', '.join(regions)}"
                )
            if (destination.role, region) in targets:
                raise ValueError(f"{field}: {target.account} {region} is listed twice")
            targets.append((destination.role, region))
            if not data_class.may_leave_jurisdiction:
                for source in config.regulated_accounts:
                    if source.role == destination.role:
                        continue
                    if REGION_JURISDICTION[region] != source.jurisdiction:
                        raise ValueError(
                            f"{field}: {source.role} ({source.jurisdiction}) data would be copied to {region} "
                            f"({REGION_JURISDICTION[region]}), outside its jurisdiction; set "
                            "may_leave_jurisdiction: true only if the de-identified data may lawfully leave"
                        )


def check_bucket_names(config: "EstateConfig") -> None:
    """Raise ValueError, naming the field that shapes it, for any bucket name S3 would refuse."""
    classes = {c.name: i for i, c in enumerate(config.data_classes)}
    for name, data_class in Names(config).bucket_names():
        problem = bucket_name_problem(name)
        if problem:
            field = (
                f"data_classes[{classes[data_class]}] ({data_class}).name" if data_class is not None
                else "organization.naming_prefix"
            )
            fix = "another class name or organization.naming_prefix" if data_class is not None else "another prefix"
            raise ValueError(f"{field}: the bucket name '{name}' {problem}; choose {fix}")
