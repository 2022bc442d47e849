from __future__ import annotations


from aws_cdk import aws_iam as iam

from ..config import DataClass
from ..config.change_control import replication_destinations
from ..config.instruments import instruments_at
from ..constructs.acknowledge import acknowledge
from ..constructs.compliance_events import ChangeForwarder, ForwardedChange, audit_bus_sender
from ..constructs.gxp_bucket import GxpBucket
from ..constructs.instrument_writes import InstrumentWriters
from ..constructs.managed_key import ManagedKey
from ..constructs.records_vault import (
    ArchiveSchedule, RecordClassSpec, RecordsVault, ReplicaDestination, ReplicaSource,
)
from ..constructs.permission_sets import specs as permission_set_specs
from ..records.deployment.export import RecordExportFunction, RecordExportSpec
from ..records.deployment.intake import EVENT_SOURCE as INTAKE_SOURCE
from ..records.deployment.intake import InstrumentIntake
from ..validation.conformance import record_change_patterns
from ..topology import stack_id
from .base import GxpStack

# Object Lock on an export: a copy handed to an inspector stays unaltered while an inspection or a request
# relies on it (regulators' requests are answered within days or weeks). The record itself stays under its own
# lock for its whole retention, and an export can be made again at any time, so a longer lock would only keep
# more copies of regulated (often personal) data.
EXPORT_LOCK_DAYS = 30


class RecordsStack(GxpStack):
    """Regulated account, one workload region: the records of every data class, each kept
    unaltered for its retention period under its own key (11.10(c), 11.10(e); Annex 11 7.1, 17;
    MHLW ER/ES 3.1.3)."""

    component = "Records"

    def __init__(self, scope, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        names, config = self.names, self.config
        estate_accounts = [a.id for a in config.accounts]
        self.access_logs = GxpBucket(
            self,
            "RecordsAccessLogBucket",
            bucket_name=names.records_access_log_bucket(self.account, self.region),
            # S3 server access logging can only deliver to SSE-S3 buckets without Object Lock.
            encryption_key=None,
            retention_class="access-log",
            estate_accounts=estate_accounts,
        )
        acknowledge(
            self.access_logs.bucket,
            ["GXP-S3-08", "HIPAA.Security-S3DefaultEncryptionKMS", "NIST.800.53.R5-S3DefaultEncryptionKMS"],
            "S3 server access log delivery supports only SSE-S3 on the destination bucket; the bucket holds request "
            "metadata about record access, not record content",
        )
        self.vaults: dict[str, RecordsVault] = {}
        for data_class in config.data_classes:
            vault = RecordsVault(
                self,
                _pascal(data_class.name),
                spec=self.spec_for(data_class),
                access_log_bucket=self.access_logs.bucket,
                estate_accounts=estate_accounts,
                # 11.10(c): the configured tier decides how long the oldest records take to read.
                schedule=ArchiveSchedule.instant_retrieval() if data_class.archive_tier == "instant-retrieval"
                else ArchiveSchedule(),
            )
            self.vaults[data_class.name] = vault
        self.function_log_key = self._function_log_key()
        self.intake = self._intake_check()
        self.export = self._record_export()
        patterns = record_change_patterns(names.records_bucket_prefix())
        # Changes to the buckets' and keys' protection reach the audit account as they happen
        # (Annex 11 10, 11.10(e)).
        ChangeForwarder(
            self,
            "RecordChangeForwarder",
            audit_bus_arn=names.audit_bus_arn(),
            role=audit_bus_sender(self, "RecordChangeSender", audit_bus_arn=names.audit_bus_arn()),
            changes=[
                ForwardedChange(
                    "ForwardRecordBucketChanges",
                    "Forward changes to regulated record buckets to the audit account",
                    patterns["buckets"],
                ),
                ForwardedChange(
                    "ForwardRecordKeyChanges",
                    "Forward changes to the regulated account's KMS keys to the audit account",
                    patterns["keys"],
                ),
                *(
                    [ForwardedChange(
                        "ForwardIntakeReports",
                        "Forward instrument writes without a stored SHA-256 to the audit account (11.10(h))",
                        {"source": [INTAKE_SOURCE]},
                    )]
                    if self.intake is not None else []
                ),
            ],
        )
        self._record_deviations()

    def spec_for(self, data_class: DataClass) -> RecordClassSpec:
        names, config, me = self.names, self.config, self.gxp_account
        destinations, sources = [], []
        for account, region in replication_destinations(config, data_class, me):
            if (account.id, region) != (self.account, self.region):
                destinations.append(
                    ReplicaDestination(
                        bucket_name=names.records_bucket(data_class.name, account.id, region),
                        account_id=account.id,
                        region=region,
                        key_alias=names.records_key_alias(data_class.name),
                    )
                )
        # This bucket is a destination of every other copy of the class that replicates here (validation
        # accounts replicate among themselves only).
        for source in config.regulated_accounts:
            for source_region in config.workload_regions(source):
                if (source.id, source_region) == (self.account, self.region):
                    continue
                if any((a.id, r) == (me.id, self.region) for a, r in replication_destinations(config, data_class, source)):
                    sources.append(
                        ReplicaSource(
                            account_id=source.id,
                            role_arn=names.records_replication_role_arn(data_class.name, source.id, source_region),
                        )
                    )
        writers = None
        if data_class.instrument_data:
            registered = instruments_at(config, me.role, self.region, data_class.name)
            certificates: dict[str, set[str]] = {}
            for i in registered:
                if i.certificate is not None:
                    certificates.setdefault(f"arn:aws:iam::{me.id}:role/{i.certificate.role}", set()).add(i.certificate.subject_cn)
            writers = InstrumentWriters(
                account_id=me.id,
                role_arns=tuple(sorted(f"arn:aws:iam::{me.id}:role/{i.role}" for i in registered if i.role)),
                certificates=tuple((role, tuple(sorted(cns))) for role, cns in sorted(certificates.items())),
            )
        return RecordClassSpec(
            name=data_class.name,
            description=data_class.description,
            lock_days=data_class.days,
            bucket_name=names.records_bucket(data_class.name, me.id, self.region),
            key_alias=names.records_key_alias(data_class.name),
            operator_role_pattern=names.records_operator_role_pattern(me.id),
            replication_role_name=names.records_replication_role_name(data_class.name, self.region) if destinations else None,
            # The signature service hashes the exact version it signs or verifies (11.70); the export copies any
            # version on QA's request (11.10(b)); the release gates read evaluation records, training and Macie read
            # the classes the config lets models train on.
            reader_role_arns=tuple(
                f"arn:aws:iam::{me.id}:role/{names.signature_role_name(purpose, self.region)}"
                for purpose in ("sign", "verify")
            ) + (names.record_export_role_arn(me.id, self.region),) + self._ai_readers(data_class),
            writer_role_arns=names.evaluation_writer_role_arns(me.id, self.region) if self._holds_evaluations(data_class) else (),
            destinations=tuple(destinations),
            sources=tuple(sources),
            instrument_writers=writers,
            backup_role_arns=(names.backup_role_arn(me.id, self.region),),
        )

    def _holds_evaluations(self, data_class: DataClass) -> bool:
        config = self.config
        record_classes = {config.ml.record_class, config.genai.evaluation.record_class if config.genai else None}
        return any(config.signatures.record_classes[r].data_class == data_class.name for r in record_classes if r)

    def _ai_readers(self, data_class: DataClass) -> tuple[str, ...]:
        names, me = self.names, self.gxp_account
        readers = names.release_reader_role_arns(me.id, self.region) if self._holds_evaluations(data_class) else ()
        if data_class.name in self.config.ml.settings(me.role).training_data_classes:
            readers += (f"arn:aws:iam::{me.id}:role/{names.ml_training_role_name(self.region)}", names.macie_role_arn(me.id))
        return readers

    def _intake_check(self) -> InstrumentIntake | None:
        """The intake check of every instrument-data bucket here (none without an instrument-data class)."""
        names, config = self.names, self.config
        classes = [c.name for c in config.data_classes if c.instrument_data]
        if not classes:
            return None
        intake = InstrumentIntake(
            self,
            "InstrumentIntake",
            bucket_names=[names.records_bucket(c, self.gxp_account.id, self.region) for c in classes],
            role_name=names.records_function_role_name("intake", self.region),
            log_key=self.function_log_key.key,
            log_retention_days=config.audit_log.cloudwatch_retention_days,
        )
        function = intake.check.function
        acknowledge(
            function,
            ["HIPAA.Security-LambdaDLQ", "NIST.800.53.R5-LambdaDLQ"],
            "EventBridge retries each delivery eight times over the following hours; a version the check never "
            "reached carries no gxp:intake-check tag, which make export-record shows for that version",
        )
        acknowledge(
            function,
            ["HIPAA.Security-LambdaInsideVPC", "NIST.800.53.R5-LambdaInsideVPC"],
            "The check reaches only the regional S3 and EventBridge APIs over TLS with SigV4 under a least-privilege "
            "role, and no VPC resource",
        )
        acknowledge(
            intake.check.policy,
            ["AwsSolutions-IAM5[Resource::*]"]
            + [f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{names.records_bucket(c, self.gxp_account.id, self.region)}/*]"
               for c in classes],
            "X-Ray accepts no resource-level permissions; the check reads and tags any new version of the "
            "instrument-data buckets it is told about by S3, and nothing else",
        )
        return intake

    def _function_log_key(self) -> ManagedKey:
        key = ManagedKey(self, "FunctionLogKey", alias=self.names.records_function_key_alias,
                         description="Encrypts the records functions' logs")
        key.allow(
            "CloudWatchLogsEncrypt",
            iam.ServicePrincipal(f"logs.{self.region}.amazonaws.com"),
            ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{self.region}:{self.account}:log-group:*"}},
        )
        return key

    def _record_export(self) -> RecordExportFunction:
        """Accurate and complete copies on request (11.10(b), Annex 11 8.1): QA's roles (the auditor permission
        set, which the config assigns to QA) invoke it and read what it writes."""
        names, config, me = self.names, self.config, self.gxp_account
        auditor = {s.key: s.name for s in permission_set_specs(names.records_bucket_prefix())}["auditor"]
        export = RecordExportFunction(
            self,
            "RecordExport",
            spec=RecordExportSpec(
                function_name=names.RECORD_EXPORT_FUNCTION,
                role_name=names.records_function_role_name("export", self.region),
                bucket_name=names.record_export_bucket(me.id, self.region),
                key_alias=names.RECORD_EXPORT_KEY_ALIAS,
                signing_key_alias=names.RECORD_EXPORT_SIGNING_KEY_ALIAS,
                lock_days=EXPORT_LOCK_DAYS,
                records_buckets=tuple(names.records_bucket(c.name, me.id, self.region) for c in config.data_classes),
                records_key_aliases=tuple(names.records_key_alias(c.name) for c in config.data_classes),
                reader_role_patterns=(f"arn:aws:iam::{me.id}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_{auditor}_*",),
                organization_id=config.organization.id,
                ledger_parameter=names.signature_ledger_parameter(),
                ledger_stack=stack_id("Signatures", me, self.region),
                signature_key_alias=names.signature_key_alias(),
                seal_key_alias=names.signature_seal_key_alias(),
                manifest_bucket=names.signature_manifest_bucket(me.id, self.region),
            ),
            access_log_bucket=self.access_logs.bucket,
            estate_accounts=[a.id for a in config.accounts],
            log_key=self.function_log_key.key,
            log_retention_days=config.audit_log.cloudwatch_retention_days,
        )
        function = export.export.function
        acknowledge(
            export.export.policy,
            [f"AwsSolutions-IAM5[Resource::{r}]" for r in export.wildcard_resources(export.spec, self.region, self.account)],
            "X-Ray accepts no resource-level permissions; the export reads any version of this account's records "
            "buckets and their signatures (the ledger's name is generated, keys are named by alias), and writes only "
            "new objects under exports/ of its own bucket",
        )
        acknowledge(
            function,
            ["HIPAA.Security-LambdaDLQ", "NIST.800.53.R5-LambdaDLQ"],
            "QA invokes the export synchronously and reads its answer; a failed export is reported to the caller, "
            "who runs it again",
        )
        acknowledge(
            function,
            ["HIPAA.Security-LambdaInsideVPC", "NIST.800.53.R5-LambdaInsideVPC"],
            "The export reaches only the regional S3, KMS, DynamoDB and SSM APIs over TLS with SigV4 under a "
            "least-privilege role, and no VPC resource",
        )
        acknowledge(
            export.bucket.bucket,
            ["HIPAA.Security-S3BucketReplicationEnabled", "NIST.800.53.R5-S3BucketReplicationEnabled"],
            "Exports are copies of records that stay in their jurisdiction; the records themselves are kept, backed "
            "up and (where the config allows) replicated, and an export can be made again at any time",
        )
        return export

    def _record_deviations(self) -> None:
        for vault in self.vaults.values():
            if not vault.spec.destinations:
                acknowledge(
                    vault.bucket.bucket,
                    ["HIPAA.Security-S3BucketReplicationEnabled", "NIST.800.53.R5-S3BucketReplicationEnabled"],
                    "Identified records must stay in their jurisdiction and this estate has one regulated region per "
                    "jurisdiction; durability rests on S3's multi-zone storage, protection on Object Lock COMPLIANCE, "
                    "versioning and the deny-delete policy (Annex 11 7.2 back-up is met in-region)",
                )
        acknowledge(
            self.access_logs.bucket,
            ["HIPAA.Security-S3BucketReplicationEnabled", "NIST.800.53.R5-S3BucketReplicationEnabled"],
            "Access-log objects describe requests to the record buckets of this region; they stay in the "
            "jurisdiction with the records and are protected by versioning and the deny-delete policy",
        )


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-")) + "Records"
