"""What the controls know about the estate, derived from the config alone (never from constructs).

The config is the specification the estate is validated against: it says which data classes exist,
how long each is kept, which accounts are regulated and where. Controls read those requirements here;
the constructs that implement them are never consulted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..config.change_control import replication_destinations
from ..config.regions import REGION_JURISDICTION
from ..naming import EVIDENCE_RETENTION_CLASS, REVIEW_RETENTION_CLASS, Names

if TYPE_CHECKING:
    from ..config import EstateConfig

# Tag by which an Object Lock bucket names the retention requirement it serves (a data class,
# "audit-log", or the signature-manifest class). A bucket without it, named as a records bucket,
# is a defect: its retention cannot be proven.
RETENTION_CLASS_TAG = "gxp:retention-class"
MANIFEST_RETENTION_CLASS = "esignature-manifest"
AUDIT_LOG_CLASS = "audit-log"
ACCESS_LOG_CLASS = "access-log"
# Record exports (GXP-REC-07): a copy handed to an inspector stays unaltered for at least this many days while
# it is relied on; the record itself keeps its own lock.
RECORD_EXPORT_CLASS = "record-export"
RECORD_EXPORT_LOCK_DAYS = 30


@dataclass(frozen=True)
class ControlContext:
    has_config: bool = True
    home_region: str | None = None
    allowed_regions: frozenset[str] = frozenset()
    # account ID -> kind (management, log-archive, audit, regulated, research)
    account_kinds: dict[str, str] = field(default_factory=dict)
    jurisdiction_by_account: dict[str, str] = field(default_factory=dict)
    # account ID -> regimes that apply there (gxp, hipaa, gdpr, appi)
    account_regimes: dict[str, frozenset[str]] = field(default_factory=dict)
    # Object Lock retention each bucket must carry: by exact bucket name, and by retention-class tag.
    lock_days_by_bucket: dict[str, int] = field(default_factory=dict)
    lock_days_by_class: dict[str, int] = field(default_factory=dict)
    records_bucket_prefix: str | None = None
    config_bucket: str | None = None
    audit_bus_arn: str | None = None
    root_id: str | None = None
    min_log_retention_days: int | None = None
    max_session_hours: int = 12
    data_classes: frozenset[str] = frozenset()
    de_identified_classes: frozenset[str] = frozenset()
    classes_leaving_jurisdiction: frozenset[str] = frozenset()
    # Per class, the record buckets the config allows it to replicate to.
    replication_targets: dict[str, frozenset[str]] = field(default_factory=dict)
    # Every records bucket the config defines, with its region.
    records_bucket_region: dict[str, str] = field(default_factory=dict)
    signature_event_source: str = "gxp.esignature"
    # Subscribers the audit account's alert topic must have, as (protocol, endpoint) (11.300(d)).
    alert_subscribers: frozenset[tuple[str, str]] = frozenset()
    # Signing authority (record class -> group -> meanings) and order (record class -> meanings).
    signature_grants: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    signature_sequences: dict[str, list[str]] = field(default_factory=dict)
    region_jurisdiction: dict[str, str] = field(default_factory=lambda: dict(REGION_JURISDICTION))
    # Change control: regulated accounts that hold test data only, the account the pipeline runs in, and
    # which account each records bucket belongs to (production records never replicate into validation).
    validation_accounts: frozenset[str] = frozenset()
    deployment_account: str | None = None
    records_bucket_account: dict[str, str] = field(default_factory=dict)
    # For the IQ readers: the config and the physical names it implies.
    config: "EstateConfig | None" = field(default=None, compare=False, repr=False)

    # -- where a stack sits ---------------------------------------------------------------------

    def account_kind(self, account_id: str | None) -> str | None:
        return self.account_kinds.get(account_id or "")

    def inside_boundary(self, account_id: str | None) -> bool:
        """Research accounts are outside the validation boundary; an account the config does not know
        (a customer's own template checked without an account) is treated as inside."""
        return self.account_kind(account_id) != "research"

    def regimes(self, account_id: str | None) -> frozenset[str]:
        return self.account_regimes.get(account_id or "", frozenset({"gxp"}))

    @property
    def names(self) -> Names | None:
        return Names(self.config) if self.config is not None else None

    # -- built from the config ------------------------------------------------------------------

    @classmethod
    def without_config(cls) -> "ControlContext":
        """For templates checked on their own: config-dependent requirements cannot be proven."""
        return cls(has_config=False)

    @classmethod
    def from_config(cls, config: "EstateConfig") -> "ControlContext":
        names = Names(config)
        classes = {c.name: c.days for c in config.data_classes}
        buckets = {
            names.records_bucket(c.name, a.id, r): r
            for c in config.data_classes
            for a in config.regulated_accounts
            for r in config.workload_regions(a)
        }
        targets = {
            c.name: frozenset(
                names.records_bucket(c.name, account.id, region)
                for source in config.regulated_accounts
                for account, region in replication_destinations(config, c, source)
            )
            for c in config.data_classes
        }
        deployment = config.account("deployment")
        longest = max(classes.values())
        # Signature manifests are kept as long as the longest-kept records they may sign (11.70).
        manifests = {
            names.signature_manifest_bucket(a.id, r): longest
            for a in config.regulated_accounts
            for r in config.workload_regions(a)
        }
        # Release signatures are kept as long as the change records they sign.
        manifests[names.signature_manifest_bucket(deployment.id, config.home_region)] = config.audit_log.days
        return cls(
            home_region=config.home_region,
            allowed_regions=frozenset(config.allowed_regions),
            account_kinds={a.id: a.kind.value for a in config.accounts},
            jurisdiction_by_account={a.id: a.jurisdiction for a in config.regulated_accounts},
            account_regimes={a.id: frozenset(getattr(a, "regimes", None) or ("gxp",)) for a in config.accounts},
            lock_days_by_bucket={names.trail_bucket: config.audit_log.days, names.evidence_bucket: config.audit_log.days,
                                 names.review_reports_bucket: config.audit_log.days, **manifests},
            lock_days_by_class={
                AUDIT_LOG_CLASS: config.audit_log.days, MANIFEST_RETENTION_CLASS: longest,
                EVIDENCE_RETENTION_CLASS: config.audit_log.days, REVIEW_RETENTION_CLASS: config.audit_log.days,
                RECORD_EXPORT_CLASS: RECORD_EXPORT_LOCK_DAYS, **classes,
            },
            records_bucket_prefix=names.records_bucket_prefix(),
            config_bucket=names.config_bucket,
            audit_bus_arn=names.audit_bus_arn(),
            root_id=config.organization.root_id,
            min_log_retention_days=config.audit_log.cloudwatch_retention_days,
            data_classes=frozenset(classes),
            de_identified_classes=frozenset(c.name for c in config.data_classes if c.de_identified),
            classes_leaving_jurisdiction=frozenset(c.name for c in config.data_classes if c.may_leave_jurisdiction),
            replication_targets=targets,
            records_bucket_region=buckets,
            signature_event_source=names.signature_event_source(),
            alert_subscribers=frozenset(
                (s.protocol, s.endpoint) for s in getattr(getattr(config, "alerts", None), "subscriptions", ())
            ),
            signature_grants={
                name: {group: sorted(meanings) for group, meanings in rc.signers.items()}
                for name, rc in config.signatures.record_classes.items()
            },
            signature_sequences={
                name: list(rc.sequence) for name, rc in config.signatures.record_classes.items() if rc.sequence
            },
            validation_accounts=frozenset(a.id for a in config.regulated_accounts if a.is_validation),
            deployment_account=deployment.id,
            records_bucket_account={
                names.records_bucket(c.name, a.id, r): a.id
                for c in config.data_classes for a in config.regulated_accounts for r in config.workload_regions(a)
            },
            config=config,
        )
