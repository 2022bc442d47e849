from __future__ import annotations


from ..config import DataClass
from ..constructs.acknowledge import acknowledge
from ..constructs.compliance_events import ChangeForwarder, ForwardedChange, audit_bus_sender
from ..constructs.gxp_bucket import GxpBucket
from ..constructs.records_vault import RecordClassSpec, RecordsVault, ReplicaDestination, ReplicaSource
from ..validation.conformance import record_change_patterns
from .base import GxpStack


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
            )
            self.vaults[data_class.name] = vault
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
            ],
        )
        self._record_deviations()

    def spec_for(self, data_class: DataClass) -> RecordClassSpec:
        names, config, me = self.names, self.config, self.gxp_account
        destinations, sources = [], []
        for target in data_class.replicate_to:
            account = config.account(target.account)
            region = target.region or config.workload_regions(account)[0]
            if (account.id, region) != (self.account, self.region):
                destinations.append(
                    ReplicaDestination(
                        bucket_name=names.records_bucket(data_class.name, account.id, region),
                        account_id=account.id,
                        region=region,
                        key_alias=names.records_key_alias(data_class.name),
                    )
                )
            else:
                # This bucket is a destination: every other copy of the class replicates in.
                for source in config.regulated_accounts:
                    for source_region in config.workload_regions(source):
                        if (source.id, source_region) != (self.account, self.region):
                            sources.append(
                                ReplicaSource(
                                    account_id=source.id,
                                    role_arn=names.records_replication_role_arn(data_class.name, source.id, source_region),
                                )
                            )
        return RecordClassSpec(
            name=data_class.name,
            description=data_class.description,
            lock_days=data_class.days,
            bucket_name=names.records_bucket(data_class.name, me.id, self.region),
            key_alias=names.records_key_alias(data_class.name),
            operator_role_pattern=names.records_operator_role_pattern(me.id),
            replication_role_name=names.records_replication_role_name(data_class.name, self.region) if destinations else None,
            # The signature service hashes the exact version it signs or verifies (11.70); the release gates
            # read evaluation records, training and Macie read the classes the config lets models train on.
            reader_role_arns=tuple(
                f"arn:aws:iam::{me.id}:role/{names.signature_role_name(purpose, self.region)}"
                for purpose in ("sign", "verify")
            ) + self._ai_readers(data_class),
            writer_role_arns=names.evaluation_writer_role_arns(me.id, self.region) if self._holds_evaluations(data_class) else (),
            destinations=tuple(destinations),
            sources=tuple(sources),
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
