"""Regulated records of one data class in one account and region: its own key, its own
Object Lock bucket, colder storage for older versions, and replication only where allowed.

Takes typed arguments only; the RecordsStack translates the config into them.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .acknowledge import acknowledge
from .gxp_bucket import GxpBucket
from .instrument_writes import InstrumentWriters, admit_instruments_only, send_events_to_eventbridge
from .managed_key import ManagedKey, aliased_key_statement

# Storage classes a records bucket may move versions to. All keep S3's eleven-nines durability
# across at least three zones; ONEZONE_IA would not (11.10(c)), and none of them touches the lock.
ARCHIVE_STORAGE_CLASSES = ("GLACIER_IR", "GLACIER", "DEEP_ARCHIVE", "STANDARD_IA", "INTELLIGENT_TIERING")


@dataclass(frozen=True)
class ArchiveSchedule:
    """Days after which versions move to colder storage. Moving a version never changes its
    Object Lock retain-until date; lifecycle expiration is never configured on a records bucket."""

    current_to_instant_retrieval: int = 90
    current_to_deep_archive: int | None = 730
    noncurrent_to_instant_retrieval: int = 30
    noncurrent_to_deep_archive: int | None = 180

    @classmethod
    def instant_retrieval(cls) -> "ArchiveSchedule":
        """Nothing ever goes colder than Glacier Instant Retrieval: every version readable in milliseconds."""
        return cls(current_to_deep_archive=None, noncurrent_to_deep_archive=None)


@dataclass(frozen=True)
class ReplicaDestination:
    bucket_name: str
    account_id: str
    region: str
    # The destination key by alias: S3's ReplicaKmsKeyID takes a key or alias ARN, and the key's ID is
    # unknown here. The replication role's IAM grant names the key as key/* narrowed by this alias.
    key_alias: str

    @property
    def key_alias_arn(self) -> str:
        return f"arn:aws:kms:{self.region}:{self.account_id}:{self.key_alias}"


@dataclass(frozen=True)
class ReplicaSource:
    """A records bucket elsewhere in the estate allowed to replicate into this one."""

    account_id: str
    role_arn: str


@dataclass(frozen=True)
class RecordClassSpec:
    name: str
    description: str
    lock_days: int
    bucket_name: str
    key_alias: str
    operator_role_pattern: str
    replication_role_name: str | None = None
    # Roles that read records without changing them (the e-signature service hashes the signed version).
    reader_role_arns: tuple[str, ...] = ()
    # Roles that add new records (the AI evaluation functions write go/no-go records).
    writer_role_arns: tuple[str, ...] = ()
    destinations: tuple[ReplicaDestination, ...] = ()
    sources: tuple[ReplicaSource, ...] = ()
    # An instrument-data class: written only by these registered instruments (11.10(h)).
    instrument_writers: InstrumentWriters | None = None
    # Roles that back the bucket up (AWS Backup) and so read every version through S3.
    backup_role_arns: tuple[str, ...] = ()


class RecordsVault(Construct):
    """One data class: ManagedKey + Object Lock COMPLIANCE bucket (+ replication role)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        spec: RecordClassSpec,
        access_log_bucket: s3.IBucket,
        estate_accounts: list[str],
        schedule: ArchiveSchedule = ArchiveSchedule(),
    ) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        via_s3 = {"StringEquals": {"kms:ViaService": f"s3.{stack.region}.amazonaws.com"}}
        self.spec = spec
        self.key = ManagedKey(self, "Key", alias=spec.key_alias, description=f"Encrypts {spec.name} records")
        # Who may use the key is named in the key policy itself (11.10(d), 11.10(g)): the
        # regulated-data operators of this account, and only through S3.
        self.key.allow(
            "RecordOperatorsEncryptAndDecryptThroughS3",
            iam.AccountRootPrincipal(),
            ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            {**via_s3, "ArnLike": {"aws:PrincipalArn": spec.operator_role_pattern}},
        )
        if spec.reader_role_arns or spec.backup_role_arns:
            self.key.allow(
                "RecordReadersDecryptThroughS3",
                iam.AccountRootPrincipal(),
                ["kms:Decrypt", "kms:DescribeKey"],
                {**via_s3, "ArnLike": {"aws:PrincipalArn": [*spec.reader_role_arns, *spec.backup_role_arns]}},
            )
        writers = spec.instrument_writers
        if writers is not None and writers.principals:
            self.key.allow(
                "InstrumentsEncryptThroughS3",
                iam.AccountRootPrincipal(),
                ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"],
                {**via_s3, "ArnLike": {"aws:PrincipalArn": writers.principals}},
            )
        if spec.writer_role_arns:
            self.key.allow(
                "RecordWritersEncryptThroughS3",
                iam.AccountRootPrincipal(),
                ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"],
                {**via_s3, "ArnLike": {"aws:PrincipalArn": list(spec.writer_role_arns)}},
            )

        self.bucket = GxpBucket(
            self,
            "Bucket",
            bucket_name=spec.bucket_name,
            encryption_key=self.key.key,
            retention_class=spec.name,
            lock_days=spec.lock_days,
            access_log_bucket=access_log_bucket,
            access_log_prefix=f"{spec.bucket_name}/",
            estate_accounts=estate_accounts,
        )
        # Set on the L1, not through Bucket(lifecycle_rules=...): the L2 renders lifecycle lazily,
        # and the GXP rules (which read typed L1 properties) must see exactly what is deployed.
        self.bucket.bucket.node.default_child.lifecycle_configuration = s3.CfnBucket.LifecycleConfigurationProperty(
            rules=[_archive_rule(schedule)]
        )
        if writers is not None:
            admit_instruments_only(self.bucket.bucket, writers)
            send_events_to_eventbridge(self.bucket.bucket)
        self.replication_role: iam.Role | None = None
        if spec.destinations:
            self._replicate(spec, via_s3)
        for index, source in enumerate(spec.sources):
            self._accept_replicas(index, source)

    def _replicate(self, spec: RecordClassSpec, via_s3: dict) -> None:
        bucket = self.bucket.bucket
        self.replication_role = iam.Role(
            self,
            "ReplicationRole",
            role_name=spec.replication_role_name,
            assumed_by=iam.ServicePrincipal("s3.amazonaws.com"),
            description=f"Copies de-identified {spec.name} records to the allowed destinations",
        )
        destinations = [f"arn:aws:s3:::{d.bucket_name}/*" for d in spec.destinations]
        self.replication_policy = iam.ManagedPolicy(
            self,
            "ReplicationPolicy",
            roles=[self.replication_role],
            statements=[
                iam.PolicyStatement(
                    actions=["s3:GetReplicationConfiguration", "s3:ListBucket"], resources=[bucket.bucket_arn]
                ),
                iam.PolicyStatement(
                    actions=[
                        "s3:GetObjectVersionForReplication",
                        "s3:GetObjectVersionAcl",
                        "s3:GetObjectVersionTagging",
                        "s3:GetObjectRetention",
                        "s3:GetObjectLegalHold",
                    ],
                    resources=[bucket.arn_for_objects("*")],
                ),
                iam.PolicyStatement(
                    actions=["s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"],
                    resources=destinations,
                ),
                iam.PolicyStatement(actions=["kms:Decrypt"], resources=[self.key.key.key_arn]),
                *[
                    aliased_key_statement(
                        ["kms:Encrypt", "kms:GenerateDataKey"], account=d.account_id, region=d.region, alias=d.key_alias
                    )
                    for d in spec.destinations
                ],
            ],
        )
        acknowledge(
            self.replication_policy,
            [f"AwsSolutions-IAM5[Resource::<{Stack.of(self).get_logical_id(bucket.node.default_child)}.Arn>/*]"]
            + [f"AwsSolutions-IAM5[Resource::{arn}]" for arn in destinations]
            + [f"AwsSolutions-IAM5[Resource::arn:aws:kms:{d.region}:{d.account_id}:key/*]" for d in spec.destinations],
            "Replication copies every object version of this one de-identified class bucket to the named "
            "destination bucket of the same class; S3 replication has no narrower resource than the bucket's objects. "
            "The destination key is named as key/* of its account and region because IAM cannot name a key by alias, "
            "and narrowed to the class's key by its kms:ResourceAliases",
        )
        self.key.allow(
            "ReplicationReadsThroughS3",
            iam.AccountRootPrincipal(),
            ["kms:Decrypt", "kms:DescribeKey"],
            {**via_s3, "ArnLike": {"aws:PrincipalArn": self.replication_role.role_arn}},
        )
        cfn: s3.CfnBucket = bucket.node.default_child
        cfn.replication_configuration = s3.CfnBucket.ReplicationConfigurationProperty(
            role=self.replication_role.role_arn,
            rules=[
                s3.CfnBucket.ReplicationRuleProperty(
                    id=f"ReplicateTo-{d.account_id}-{d.region}",
                    status="Enabled",
                    priority=index,
                    filter=s3.CfnBucket.ReplicationRuleFilterProperty(prefix=""),
                    # A delete marker is never copied: a replica is not a way to obscure a record.
                    delete_marker_replication=s3.CfnBucket.DeleteMarkerReplicationProperty(status="Disabled"),
                    source_selection_criteria=s3.CfnBucket.SourceSelectionCriteriaProperty(
                        sse_kms_encrypted_objects=s3.CfnBucket.SseKmsEncryptedObjectsProperty(status="Enabled")
                    ),
                    destination=s3.CfnBucket.ReplicationDestinationProperty(
                        bucket=f"arn:aws:s3:::{d.bucket_name}",
                        account=d.account_id,
                        access_control_translation=s3.CfnBucket.AccessControlTranslationProperty(owner="Destination"),
                        encryption_configuration=s3.CfnBucket.EncryptionConfigurationProperty(
                            replica_kms_key_id=d.key_alias_arn
                        ),
                    ),
                )
                for index, d in enumerate(spec.destinations)
            ],
        )

    def _accept_replicas(self, index: int, source: ReplicaSource) -> None:
        # The source role is named by condition, not as principal: S3 and KMS reject a policy
        # naming a role that does not exist yet, and the stacks deploy independently.
        from_source = {"ArnEquals": {"aws:PrincipalArn": source.role_arn}}
        bucket = self.bucket.bucket
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid=f"ReplicasFromSource{index}",
                principals=[iam.AccountPrincipal(source.account_id)],
                actions=["s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"],
                resources=[bucket.arn_for_objects("*")],
                conditions=from_source,
            )
        )
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid=f"ReplicationChecksFromSource{index}",
                principals=[iam.AccountPrincipal(source.account_id)],
                actions=["s3:GetBucketVersioning", "s3:GetBucketObjectLockConfiguration"],
                resources=[bucket.bucket_arn],
                conditions=from_source,
            )
        )
        self.key.allow(
            f"ReplicasEncryptedFromSource{index}",
            iam.AccountPrincipal(source.account_id),
            ["kms:Encrypt", "kms:GenerateDataKey"],
            from_source,
        )


def _archive_rule(schedule: ArchiveSchedule) -> s3.CfnBucket.RuleProperty:
    transitions = [s3.CfnBucket.TransitionProperty(storage_class="GLACIER_IR", transition_in_days=schedule.current_to_instant_retrieval)]
    if schedule.current_to_deep_archive is not None:
        transitions.append(
            s3.CfnBucket.TransitionProperty(storage_class="DEEP_ARCHIVE", transition_in_days=schedule.current_to_deep_archive)
        )
    return s3.CfnBucket.RuleProperty(
        id="MoveOlderVersionsToColderStorage",
        status="Enabled",
        transitions=transitions,
        noncurrent_version_transitions=[
            s3.CfnBucket.NoncurrentVersionTransitionProperty(
                storage_class="GLACIER_IR", transition_in_days=schedule.noncurrent_to_instant_retrieval
            ),
            *(
                [s3.CfnBucket.NoncurrentVersionTransitionProperty(
                    storage_class="DEEP_ARCHIVE", transition_in_days=schedule.noncurrent_to_deep_archive
                )]
                if schedule.noncurrent_to_deep_archive is not None else []
            ),
        ],
        # Only unfinished uploads are ever removed: they are not records, and no version exists yet.
        abort_incomplete_multipart_upload=s3.CfnBucket.AbortIncompleteMultipartUploadProperty(days_after_initiation=7),
    )
