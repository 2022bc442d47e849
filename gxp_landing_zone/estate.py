"""Build the whole estate from a config: one stack per component, account and region."""

from __future__ import annotations

from dataclasses import dataclass, field

from aws_cdk import App, Stack

from .config import AccountKind, EstateConfig
from .stacks.access import AccessStack
from .stacks.audit import AuditStack
from .stacks.baseline import BaselineStack
from .stacks.compliance import ComplianceStack
from .stacks.compute import ComputeStack
from .stacks.log_archive import LogArchiveStack
from .stacks.organization import OrganizationStack
from .stacks.records import RecordsStack
from .stacks.signatures import SignatureServiceStack


@dataclass
class Estate:
    config: EstateConfig
    audit: AuditStack
    log_archive: LogArchiveStack
    organization: OrganizationStack
    access: AccessStack
    baselines: list[BaselineStack] = field(default_factory=list)
    # Stacks in the regulated and research accounts (records, signatures, compute, ...).
    workloads: list[Stack] = field(default_factory=list)

    @property
    def stacks(self) -> list[Stack]:
        return [self.audit, self.log_archive, self.organization, self.access, *self.baselines, *self.workloads]


def build_estate(app: App, config: EstateConfig) -> Estate:
    home = config.home_region
    common = {"config": config}
    audit = AuditStack(app, account=config.audit, region=home, **common)
    log_archive = LogArchiveStack(app, account=config.log_archive, region=home, **common)
    # The log-archive key policy names the audit reader role, which must exist first.
    log_archive.add_stack_dependency(audit)
    organization = OrganizationStack(app, account=config.management, region=home, **common)
    organization.add_stack_dependency(log_archive)
    access = AccessStack(app, account=config.management, region=home, **common)
    estate = Estate(config, audit, log_archive, organization, access)
    for account in config.accounts:
        home_baseline = None
        for region in [home] + [r for r in config.allowed_regions if r != home]:
            baseline = BaselineStack(app, account=account, region=region, **common)
            baseline.add_stack_dependency(log_archive)
            baseline.add_stack_dependency(audit)
            if home_baseline is None:
                home_baseline = baseline
            else:
                # Regional stacks use the IAM roles the home-region stack creates.
                baseline.add_stack_dependency(home_baseline)
            estate.baselines.append(baseline)
            if account.role == config.management.role and region == home:
                # The trail-change forwarder uses the forwarder role this baseline creates.
                organization.add_stack_dependency(baseline)
            if account in config.regulated_accounts and region in config.workload_regions(account):
                records = RecordsStack(app, account=account, region=region, **common)
                # Config records the buckets from their first minute.
                records.add_stack_dependency(baseline)
                estate.workloads.append(records)
        for region in config.workload_regions(account) if account.kind is AccountKind.REGULATED else []:
            signatures = SignatureServiceStack(app, account=account, region=region, **common)
            # The forwarding rule uses the event-forwarder role of the account's home baseline.
            signatures.add_stack_dependency(home_baseline)
            estate.workloads.append(signatures)
    _order_replication(config, [w for w in estate.workloads if isinstance(w, RecordsStack)])
    for region in [home] + [r for r in config.allowed_regions if r != home]:
        compliance = ComplianceStack(app, account=config.audit, region=region, **common)
        # The pack needs every member's recorder; the audit account's own baseline orders that here.
        compliance.add_stack_dependency(audit)
        compliance.add_stack_dependency(
            next(b for b in estate.baselines if b.gxp_account.role == config.audit.role and b.region == region)
        )
        estate.workloads.append(compliance)
    _add_compute(app, config, estate)
    return estate


def _order_replication(config: EstateConfig, records: list[RecordsStack]) -> None:
    """S3 refuses a replication rule whose destination bucket does not exist yet: destinations deploy first."""
    by_place = {(s.account, s.region): s for s in records}
    for data_class in config.data_classes:
        for target in data_class.replicate_to:
            account = config.account(target.account)
            destination = by_place[(account.id, target.region or config.workload_regions(account)[0])]
            for source in records:
                if source is not destination:
                    source.add_stack_dependency(destination)


def _add_compute(app: App, config: EstateConfig, estate: Estate) -> None:
    baselines = {(s.gxp_account.role, s.region): s for s in estate.baselines}
    for account in config.workload_accounts:
        if not config.compute_settings(account).enabled:
            continue
        for region in config.workload_regions(account):
            compute = ComputeStack(app, config=config, account=account, region=region)
            # Recording and drift detection are in place before the workloads arrive.
            compute.add_stack_dependency(baselines[(account.role, region)])
            estate.workloads.append(compute)


# Feature flags pinned in code so the CLI and the tests synthesize identical templates.
FEATURE_FLAGS = {
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
    "@aws-cdk/aws-iam:minimizePolicies": True,
    "@aws-cdk/core:enablePartitionLiterals": True,
    "@aws-cdk/aws-kms:aliasNameRef": True,
    "@aws-cdk/aws-s3:createDefaultLoggingPolicy": True,
    "@aws-cdk/aws-sns:enforceSslDefault": True,
    "@aws-cdk/core:validateSnapshotRemovalPolicy": True,
    "@aws-cdk/aws-kms:reduceCrossAccountRegionPolicyScope": True,
}


def new_app(outdir: str | None = None, *, cloudformation_validation: bool = False, context: dict | None = None) -> App:
    return App(
        outdir=outdir,
        context={**FEATURE_FLAGS, **(context or {})},
        builtin_cloud_formation_validation=cloudformation_validation,
    )
