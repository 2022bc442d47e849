from __future__ import annotations

from dataclasses import dataclass, field

from ...config import EstateConfig
from ...config.regions import REGION_JURISDICTION
from ...constructs.tags import MANIFEST_RETENTION_CLASS
from ...naming import Names


@dataclass(frozen=True)
class RuleContext:
    """What the rules need to know about the estate, derived from the config alone."""

    home_region: str
    allowed_regions: frozenset[str]
    jurisdiction_by_account: dict[str, str]
    # Accounts outside the validation boundary: regulated-only controls do not apply there.
    research_accounts: frozenset[str]
    # Object Lock retention each bucket must carry: by exact bucket name, and by retention-class tag.
    lock_days_by_bucket: dict[str, int]
    lock_days_by_class: dict[str, int]
    records_bucket_prefix: str
    config_bucket: str
    audit_bus_arn: str
    root_id: str
    min_log_retention_days: int
    max_session_hours: int = 12
    # Regulated records (control_sets/records.py).
    data_classes: frozenset[str] = frozenset()
    de_identified_classes: frozenset[str] = frozenset()
    classes_leaving_jurisdiction: frozenset[str] = frozenset()
    # Per class, the record buckets the config allows it to replicate to.
    replication_targets: dict[str, frozenset[str]] = field(default_factory=dict)
    # Every records bucket the config defines, with its region.
    records_bucket_region: dict[str, str] = field(default_factory=dict)
    signature_event_source: str = "gxp.esignature"
    # Signing authority (record class -> group -> meanings) and order (record class -> meanings)
    # the config sets; the deployed signing function must carry exactly these (11.10(f), 11.10(g)).
    signature_grants: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    signature_sequences: dict[str, list[str]] = field(default_factory=dict)
    region_jurisdiction: dict[str, str] = field(default_factory=lambda: dict(REGION_JURISDICTION))

    @classmethod
    def from_config(cls, config: EstateConfig) -> "RuleContext":
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
                names.records_bucket(
                    c.name, config.account(t.account).id, t.region or config.workload_regions(config.account(t.account))[0]
                )
                for t in c.replicate_to
            )
            for c in config.data_classes
        }
        longest = max(classes.values())
        # Signature manifests are kept as long as the longest-kept records they may sign (11.70).
        manifests = {
            names.signature_manifest_bucket(a.id, r): longest
            for a in config.regulated_accounts
            for r in config.workload_regions(a)
        }
        return cls(
            home_region=config.home_region,
            allowed_regions=frozenset(config.allowed_regions),
            jurisdiction_by_account={a.id: a.jurisdiction for a in config.regulated_accounts},
            research_accounts=frozenset(a.id for a in config.research_accounts),
            lock_days_by_bucket={names.trail_bucket: config.audit_log.days, **manifests},
            lock_days_by_class={"audit-log": config.audit_log.days, MANIFEST_RETENTION_CLASS: longest, **classes},
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
            signature_grants={
                name: {group: sorted(meanings) for group, meanings in rc.signers.items()}
                for name, rc in config.signatures.record_classes.items()
            },
            signature_sequences={
                name: list(rc.sequence) for name, rc in config.signatures.record_classes.items() if rc.sequence
            },
        )
