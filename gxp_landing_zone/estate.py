"""Build the whole estate from a config: one stack per component, account and region."""

from __future__ import annotations

from dataclasses import dataclass, field

from aws_cdk import App, Stack

from .cdk_app import FEATURE_FLAGS, new_app  # noqa: F401  (the estate's app settings)
from .config import EstateConfig
from .config.change_control import replication_destinations
from .stacks.access import AccessStack
from .stacks.audit import AuditStack
from .stacks.baseline import BaselineStack
from .stacks.compliance import ComplianceStack
from .stacks.compute import ComputeStack
from .stacks.genai import GenAiStack
from .stacks.continuity import BackupCopyStack, BackupStack
from .stacks.log_archive import LogArchiveStack
from .stacks.organization import OrganizationStack
from .stacks.organization_baseline import OrganizationBaselineStack
from .stacks.pipeline import PipelineStack
from .stacks.qualification import QualificationStack
from .stacks.records import RecordsStack
from .stacks.release_signatures import ReleaseSignaturesStack
from .stacks.signatures import SignatureServiceStack
from .topology import backup_copy_region, runs_genai


@dataclass
class Estate:
    config: EstateConfig
    audit: AuditStack
    log_archive: LogArchiveStack
    organization: OrganizationStack
    access: AccessStack
    member_baselines: OrganizationBaselineStack
    # The management account's own baseline, one stack per allowed region.
    baselines: list[BaselineStack] = field(default_factory=list)
    # Stacks in the regulated, validation, research and deployment accounts (records, signatures, compute, ...).
    workloads: list[Stack] = field(default_factory=list)
    pipeline: PipelineStack | None = None

    @property
    def stacks(self) -> list[Stack]:
        return [self.audit, self.log_archive, self.organization, self.access, self.member_baselines,
                *self.baselines, *self.workloads, *([self.pipeline] if self.pipeline else [])]


def build_estate(app: App, config: EstateConfig, *, prepare_template=None) -> Estate:
    """Every stack, each depending only on what its deployment really needs, so the deployment runs in
    at most three waves (tests/test_waves.py):

    1. the log archive, the audit account, identity assignments, records buckets that are replication
       destinations, the signature services and the compute stacks (they name other stacks' roles by
       condition, never as principals, and make their own event-forwarding roles);
    2. what delivers into the log archive or reports to the audit bus: the organization trail and
       guardrails, every account's baseline, and records buckets that replicate to a destination;
    3. the organization conformance packs, which need every account's recorder in their region.

    ``prepare_template`` is applied to the app that synthesizes the StackSet's template (the packs)."""
    home = config.home_region
    common = {"config": config}
    regions = [home] + [r for r in config.allowed_regions if r != home]
    audit = AuditStack(app, account=config.audit, region=home, **common)
    log_archive = LogArchiveStack(app, account=config.log_archive, region=home, **common)
    organization = OrganizationStack(app, account=config.management, region=home, **common)
    organization.add_stack_dependency(log_archive)  # the trail writes to the archive under its key
    access = AccessStack(app, account=config.management, region=home, **common)
    member_baselines = OrganizationBaselineStack(
        app, account=config.management, region=home, prepare_template=prepare_template, **common
    )
    estate = Estate(config, audit, log_archive, organization, access, member_baselines)
    for region in regions:
        baseline = BaselineStack(app, account=config.management, region=region, **common)
        estate.baselines.append(baseline)
    for delivering in (member_baselines, *estate.baselines):
        # Config delivers into the archive under its key and reports to the audit account's bus.
        delivering.add_stack_dependency(log_archive)
        delivering.add_stack_dependency(audit)
    for account in config.regulated_accounts:
        for region in config.workload_regions(account):
            estate.workloads.append(RecordsStack(app, account=account, region=region, **common))
            estate.workloads.append(SignatureServiceStack(app, account=account, region=region, **common))
        if account.is_validation:
            first = config.workload_regions(account)[0]
            estate.workloads.append(QualificationStack(app, account=account, region=first, **common))
    _add_backups(app, config, estate)
    _order_replication(config, [w for w in estate.workloads if isinstance(w, RecordsStack)])
    for region in regions:
        compliance = ComplianceStack(app, account=config.audit, region=region, **common)
        # The organization pack needs every account's recorder in this region: the members' come from
        # the StackSet (its stack completes when every instance has), the management account's here.
        compliance.add_stack_dependency(member_baselines)
        compliance.add_stack_dependency(next(b for b in estate.baselines if b.region == region))
        estate.workloads.append(compliance)
    _add_compute(app, config, estate)
    deployment = config.account("deployment")
    estate.workloads.append(ReleaseSignaturesStack(app, account=deployment, region=home, **common))
    estate.pipeline = _add_pipeline(app, config, estate)
    return estate


def waves(stacks: list[Stack]) -> dict[str, int]:
    """Each stack's wave: one more than the deepest of the stacks it depends on."""
    depth: dict[str, int] = {}

    def of(stack: Stack) -> int:
        if stack.stack_name not in depth:
            depth[stack.stack_name] = 1 + max((of(d) for d in stack.dependencies), default=0)
        return depth[stack.stack_name]

    for stack in stacks:
        of(stack)
    return depth


def _add_pipeline(app: App, config: EstateConfig, estate: Estate) -> PipelineStack:
    """The pipeline deploys the validation accounts' stacks in one step and production in the estate's own
    waves, each wave's stacks side by side; it updates itself before either (CDK Pipelines' self-mutation)."""
    validation_ids = {a.id for a in config.regulated_accounts if a.is_validation}
    stacks = estate.stacks
    depth = waves(stacks)
    validation = sorted(s.stack_name for s in stacks if s.account in validation_ids)
    production = [s for s in stacks if s.account not in validation_ids]
    production_waves = [
        sorted(s.stack_name for s in production if depth[s.stack_name] == wave)
        for wave in range(1, max(depth[s.stack_name] for s in production) + 1)
    ]
    return PipelineStack(
        app, config=config, account=config.account("deployment"), region=config.home_region,
        validation_stacks=validation, production_waves=production_waves,
    )


def _order_replication(config: EstateConfig, records: list[RecordsStack]) -> None:
    """S3 refuses a replication rule whose destination bucket does not exist yet: destinations deploy first."""
    by_place = {(s.account, s.region): s for s in records}
    for data_class in config.data_classes:
        for source in records:
            for account, region in replication_destinations(config, data_class, source.gxp_account):
                destination = by_place[(account.id, region)]
                if source is not destination:
                    source.add_stack_dependency(destination)


def _add_backups(app: App, config: EstateConfig, estate: Estate) -> None:
    """The copy vault deploys before the plans that copy into it."""
    common = {"config": config}
    for account in [*config.regulated_accounts, config.log_archive]:
        copy = BackupCopyStack(app, account=account, region=backup_copy_region(config, account), **common)
        estate.workloads.append(copy)
        for region in config.workload_regions(account):
            stack = BackupStack(app, account=account, region=region, **common)
            stack.add_stack_dependency(copy)
            estate.workloads.append(stack)


def _add_compute(app: App, config: EstateConfig, estate: Estate) -> None:
    for account in config.workload_accounts:
        if not config.compute_settings(account).enabled:
            continue
        for region in config.workload_regions(account):
            estate.workloads.append(ComputeStack(app, config=config, account=account, region=region))
            if runs_genai(config, account):
                estate.workloads.append(GenAiStack(app, config=config, account=account, region=region))
