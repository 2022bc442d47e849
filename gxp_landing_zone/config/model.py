"""The estate configuration: one YAML file, validated before anything is built.

Every model forbids unknown keys, so a misspelt setting is an error rather than
a silently ignored default. Stacks read this model; constructs never do.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from ..naming import RESERVED_BUCKET_PREFIXES
from .base import Strict
from .access import Access
from .alerts import Alerts
from .qualification import Qualification
from .records import DataClass, ReplicationTarget, Retention, check_bucket_names, check_data_classes
from .regimes import REGIMES_FIELD_DOC, Regime, check_regimes
from .compute import CloudWatchDays, Compute, ComputeSettings
from .genai import GenAi, check_genai
from .ml import Ml, check_ml
from .continuity import Backup, check_continuity
from .audit_review import AuditReview
from .instruments import Instrument, check_instruments
from .regions import REGION_JURISDICTION, REGULATED_JURISDICTIONS, regions_in
from .signatures import Signatures, check_signatures
from .change_control import ChangeControl, check_change_control

# [0-9], not \d: \d also matches other scripts' digits (Arabic-Indic, Devanagari, ...), which
# pass a \d{12} check and then break synthesis.
ACCOUNT_ID = Annotated[str, Field(pattern=r"^[0-9]{12}$", description="12-digit AWS account ID")]
# Used with fullmatch: with match, a Python `$` also matches before a trailing newline.
ROLE_PATTERN = re.compile(
    r"(management|log-archive|audit|deployment|(regulated|validation)-[a-z0-9]+|research(-[a-z0-9]+)?)"
)


class AccountKind(str, Enum):
    MANAGEMENT = "management"
    LOG_ARCHIVE = "log-archive"
    AUDIT = "audit"
    DEPLOYMENT = "deployment"
    REGULATED = "regulated"
    RESEARCH = "research"


def _check_regions(value: list[str]) -> list[str]:
    for region in value:
        _check_region(region)
    if len(set(value)) != len(value):
        raise ValueError("a region is listed twice")
    return value


def _check_region(region: str) -> str:
    if region not in REGION_JURISDICTION:
        known = ", ".join(sorted(REGION_JURISDICTION))
        raise ValueError(f"'{region}' is not an AWS commercial region this product knows; use one of: {known}")
    return region


class AuditLog(Retention):
    """Retention of the organization trail in the log-archive account (11.10(e))."""

    cloudwatch_retention_days: CloudWatchDays = 365  # type: ignore[valid-type]


class Account(Strict):
    role: str = Field(description="management, log-archive, audit, deployment, (regulated|validation)-<name>, research[-<name>]")
    id: ACCOUNT_ID
    jurisdiction: str | None = Field(default=None, description="US, EU or JP; regulated accounts only")
    regions: list[str] | None = Field(default=None, description="regions that hold this account's workloads")
    description: str = ""
    regimes: list[Regime] | None = Field(default=None, description=REGIMES_FIELD_DOC)

    @field_validator("role")
    @classmethod
    def _role(cls, value: str) -> str:
        if not ROLE_PATTERN.fullmatch(value):
            raise ValueError(
                f"'{value}' is not a known role; use management, log-archive, audit, deployment, "
                "regulated-<name> (e.g. regulated-eu), validation-<name> or research[-<name>]"
            )
        return value

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            if not value:
                raise ValueError("give at least one region, or leave regions out to use the home region")
            _check_regions(value)
        return value

    @model_validator(mode="after")
    def _jurisdiction(self):
        check_regimes(self.role, self.regimes)
        if self.kind is AccountKind.REGULATED:
            if self.jurisdiction not in REGULATED_JURISDICTIONS:
                allowed = ", ".join(REGULATED_JURISDICTIONS)
                raise ValueError(
                    f"{'validation' if self.is_validation else 'regulated'} account '{self.role}' needs jurisdiction set to one of {allowed} "
                    f"(got {self.jurisdiction!r})"
                )
            for region in self.regions or []:
                if REGION_JURISDICTION[region] != self.jurisdiction:
                    inside = ", ".join(regions_in(self.jurisdiction))
                    raise ValueError(
                        f"region {region} is in {REGION_JURISDICTION[region]}, outside the account's "
                        f"jurisdiction {self.jurisdiction}; use one of: {inside}"
                    )
        elif self.jurisdiction is not None:
            raise ValueError(f"jurisdiction applies to regulated accounts only; remove it from '{self.role}'")
        return self

    @property
    def kind(self) -> AccountKind:
        # A validation account is regulated, with test data only: every regulated control applies to it.
        if self.role.startswith(("regulated-", "validation-")):
            return AccountKind.REGULATED
        if self.role.startswith("research"):
            return AccountKind.RESEARCH
        return AccountKind(self.role)

    @property
    def is_validation(self) -> bool:
        return self.role.startswith("validation-")


class Organization(Strict):
    name: str = Field(min_length=1)
    id: str = Field(
        pattern=r"^o-[a-z0-9]{10,32}$",
        description="the organization ID, e.g. o-a1b2c3d4e5 (aws organizations describe-organization); policies "
        "admit every account of the organization by it, so a new account needs no change to the config",
    )
    root_id: str = Field(pattern=r"^r-[0-9a-z]{4,32}$", description="the organization root, e.g. r-ab12")
    naming_prefix: str = Field(
        pattern=r"^[a-z][a-z0-9]{1,11}$",
        description="2-12 lower-case letters or digits; starts every bucket name",
    )

    @field_validator("naming_prefix")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        # Every bucket name is "<prefix>-...", so the prefix must not lead into one S3 reserves.
        reserved = next((r for r in RESERVED_BUCKET_PREFIXES if f"{value}-".startswith(r)), None)
        if reserved:
            raise ValueError(
                f"'{value}' would start every bucket name with '{reserved}', a prefix S3 reserves "
                "(bucket names may not begin xn--, sthree- or amzn-s3-demo-); choose another prefix"
            )
        return value


class EstateConfig(Strict):
    organization: Organization
    home_region: str
    allowed_regions: list[str] = Field(min_length=1)
    accounts: list[Account] = Field(min_length=3)
    access: Access
    audit_log: AuditLog
    data_classes: list[DataClass] = Field(min_length=1)
    compute: Compute = Field(default_factory=Compute, description="Batch, SageMaker and HealthOmics per workload account")
    signatures: Signatures = Field(default_factory=Signatures)
    alerts: Alerts = Field(description="subscribers of the compliance alert topic; at least one (11.300(d))")
    qualification: Qualification = Field(default_factory=Qualification, description="who may sign IQ/OQ records")
    genai: GenAi | None = Field(default=None, description="Bedrock models, guardrail, logging and release criteria")
    ml: Ml = Field(default_factory=Ml, description="SageMaker training data, model card, thresholds and endpoints")
    instruments: list[Instrument] = Field(default_factory=list, description="instruments that write instrument-data classes")
    backup: Backup = Field(default_factory=Backup, description="AWS Backup of records, signature ledgers and the log archive")
    audit_review: AuditReview = Field(
        default_factory=AuditReview, description="the scheduled audit-trail review report: period and rows per query"
    )
    change_control: ChangeControl = Field(description="the promotion pipeline: source, validation stage, release, break-glass")

    @model_validator(mode="after")
    def _signature_record_classes(self):
        check_signatures(self)
        check_change_control(self)
        return self

    @field_validator("home_region")
    @classmethod
    def _home(cls, value: str) -> str:
        return _check_region(value)

    @field_validator("allowed_regions")
    @classmethod
    def _allowed(cls, value: list[str]) -> list[str]:
        return _check_regions(value)

    @model_validator(mode="after")
    def _estate(self):
        if self.home_region not in self.allowed_regions:
            raise ValueError(f"home_region: {self.home_region} must also be in allowed_regions")
        roles = [a.role for a in self.accounts]
        ids = [a.id for a in self.accounts]
        for label, values in (("role", roles), ("id", ids)):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"accounts: {label} {', '.join(dupes)} appears more than once; each must be unique")
        for required in ("management", "log-archive", "audit"):
            if required not in roles:
                raise ValueError(f"accounts: an account with role '{required}' is required")
        for account in self.accounts:
            for region in account.regions or []:
                if region not in self.allowed_regions:
                    raise ValueError(
                        f"accounts: {account.role} uses region {region}, which is not in allowed_regions "
                        f"({', '.join(self.allowed_regions)})"
                    )
            if account.kind is AccountKind.REGULATED and account.regions is None:
                if REGION_JURISDICTION[self.home_region] != account.jurisdiction:
                    raise ValueError(
                        f"accounts: {account.role} has no regions and the home region {self.home_region} "
                        f"is outside {account.jurisdiction}; list its regions explicitly"
                    )
        names = [c.name for c in self.data_classes]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"data_classes: name {', '.join(dupes)} appears more than once")
        longest = max(self.data_classes, key=lambda c: c.days)
        if self.audit_log.days < longest.days:
            raise ValueError(
                f"audit_log: retention ({self.audit_log.days} days) is shorter than data class "
                f"'{longest.name}' ({longest.days} days); 21 CFR 11.10(e) requires audit trails to be "
                "kept at least as long as the records they describe"
            )
        self._check_assignments(roles)
        check_data_classes(self)
        check_bucket_names(self)
        check_instruments(self)
        check_continuity(self)
        self._check_compute()
        check_genai(self)
        check_ml(self)
        return self

    def _check_assignments(self, roles: list[str]) -> None:
        spellings: dict[str, str] = {}
        granted: dict[tuple[str, str, str], int] = {}
        for index, assignment in enumerate(self.access.assignments):
            where = f"access.assignments[{index}]"
            group = assignment.group_id
            if spellings.setdefault(group.lower(), group) != group:
                raise ValueError(
                    f"{where}.group_id: {group} and {spellings[group.lower()]} differ only in letter case; "
                    "write each group ID exactly as Identity Center shows it"
                )
            for role in assignment.accounts:
                if role != "*" and role not in roles:
                    raise ValueError(f"{where}.accounts: account role '{role}' is not in accounts")
            # The same group, permission set and account twice is one assignment in Identity Center;
            # a second entry adds nothing, so it is a mistake in the file (and would be built twice).
            for role in roles if assignment.accounts == ["*"] else assignment.accounts:
                first = granted.setdefault((group, assignment.permission_set, role), index)
                if first != index:
                    raise ValueError(
                        f"{where}: group {group} already has {assignment.permission_set} in {role} through "
                        f"access.assignments[{first}]; remove the repetition from one of the two"
                    )

    def _check_compute(self) -> None:
        workload_roles = [a.role for a in self.workload_accounts]
        for role in self.compute.accounts:
            if role not in workload_roles:
                raise ValueError(
                    f"compute.accounts: '{role}' is not a regulated or research account in accounts "
                    f"(workload accounts: {', '.join(workload_roles) or 'none'})"
                )
        for account in self.workload_accounts:
            settings = self.compute.settings_for(account.role)
            where = f"compute.accounts.{account.role}" if account.role in self.compute.accounts else "compute.defaults"
            if settings.nat_allowed and account.kind is AccountKind.REGULATED:
                raise ValueError(
                    f"{where}: nat_allowed is true for regulated account {account.role}; a regulated VPC has no "
                    "internet path (11.10(d), Annex 11 12.1) - reach AWS services through the VPC endpoints, "
                    "or set nat_allowed only under compute.accounts.<research account>"
                )
            if settings.flow_log_retention_days < self.audit_log.cloudwatch_retention_days:
                raise ValueError(
                    f"{where}: flow_log_retention_days {settings.flow_log_retention_days} is shorter than "
                    f"audit_log.cloudwatch_retention_days {self.audit_log.cloudwatch_retention_days}; "
                    "flow logs are audit evidence and are kept at least as long"
                )

    # -- derived views used by the stacks -------------------------------------------------

    def account(self, role: str) -> Account:
        for account in self.accounts:
            if account.role == role:
                return account
        raise KeyError(role)

    def account_by_id(self, account_id: str) -> Account | None:
        return next((a for a in self.accounts if a.id == account_id), None)

    def workload_regions(self, account: Account) -> list[str]:
        return account.regions or [self.home_region]

    @property
    def management(self) -> Account:
        return self.account("management")

    @property
    def log_archive(self) -> Account:
        return self.account("log-archive")

    @property
    def audit(self) -> Account:
        return self.account("audit")

    @property
    def regulated_accounts(self) -> list[Account]:
        return [a for a in self.accounts if a.kind is AccountKind.REGULATED]

    @property
    def research_accounts(self) -> list[Account]:
        return [a for a in self.accounts if a.kind is AccountKind.RESEARCH]

    @property
    def workload_accounts(self) -> list[Account]:
        """Accounts that run discovery compute: the regulated ones, then research."""
        return self.regulated_accounts + self.research_accounts

    def compute_settings(self, account: Account) -> ComputeSettings:
        return self.compute.settings_for(account.role)
