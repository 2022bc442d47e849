from __future__ import annotations

from aws_cdk import aws_iam as iam

from ..constructs.acknowledge import acknowledge
from ..constructs.gxp_bucket import GxpBucket
from ..constructs.managed_key import ManagedKey
from ..naming import CHANGE_RECORD_PREFIX, EVIDENCE_RETENTION_CLASS
from .base import GxpStack
from .baseline import CONFIG_RECORDER_ROLE_PREFIX

# Every estate account's recorder role, one per region (stacks/baseline.py).
RECORDER_ROLES = f"arn:aws:iam::*:role/{CONFIG_RECORDER_ROLE_PREFIX}*"


class LogArchiveStack(GxpStack):
    """Log-archive account, home region: where the audit trail is kept unaltered (11.10(e))."""

    component = "LogArchive"

    def __init__(self, scope, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        names, config = self.names, self.config

        self.key = ManagedKey(
            self,
            "LogArchiveKey",
            alias=names.log_archive_key_alias,
            description="Encrypts the organization trail and AWS Config history",
        )
        # CloudTrail's documented key policy for a trail: encrypt with the trail ARN as encryption context,
        # describe the key (DescribeKey requests carry no encryption context, so it must not be conditioned
        # on one), and decrypt, which creating or updating a trail needs when its bucket uses an S3 Bucket
        # Key. aws:SourceArn keeps all three to the organization trail.
        # https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
        trail_source = {"StringEquals": {"aws:SourceArn": names.trail_arn()}}
        cloudtrail = iam.ServicePrincipal("cloudtrail.amazonaws.com")
        self.key.allow(
            "CloudTrailEncryptsLogs",
            cloudtrail,
            ["kms:GenerateDataKey*"],
            {
                "StringLike": {
                    "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{config.management.id}:trail/*"
                },
                **trail_source,
            },
        )
        self.key.allow("CloudTrailDescribesKey", cloudtrail, ["kms:DescribeKey"], trail_source)
        self.key.allow("CloudTrailDecryptsWithBucketKey", cloudtrail, ["kms:Decrypt"], trail_source)
        # Config writes through each account's recorder role (one per region); the organization condition
        # keeps that to this estate and admits an account that joins later.
        self.key.allow(
            "EstateConfigRecordersEncrypt",
            iam.AnyPrincipal(),
            ["kms:GenerateDataKey*", "kms:DescribeKey"],
            {
                "StringEquals": {"aws:PrincipalOrgID": config.organization.id},
                "ArnLike": {"aws:PrincipalArn": RECORDER_ROLES},
            },
        )
        # AWS Config delivers through the recorder role and, when that is refused, again as its service
        # principal; its documented key policy for either path grants GenerateDataKey and Decrypt (Decrypt for
        # multipart uploads). The service path is the one allowed to decrypt: a wildcard principal never may
        # (GXP-KEY-02). https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html
        self.key.allow(
            "ConfigServiceDelivers",
            iam.ServicePrincipal("config.amazonaws.com"),
            ["kms:GenerateDataKey", "kms:Decrypt"],
            {"StringEquals": {"aws:SourceOrgID": config.organization.id}},
        )
        # Named by condition on its account, not as principal: KMS and S3 reject a policy naming a role that
        # does not exist yet, and this stack must not wait for the audit account's to deploy.
        self.key.allow(
            "OnlyAuditReaderDecrypts",
            iam.AccountPrincipal(config.audit.id),
            ["kms:Decrypt", "kms:DescribeKey"],
            {"ArnEquals": {"aws:PrincipalArn": names.audit_reader_role_arn()}},
        )
        # AWS Backup's role in this account reads the trail and configuration history to back them up
        # (stacks/continuity.py), through S3 only.
        self.key.allow(
            "BackupDecryptsThroughS3",
            iam.AccountRootPrincipal(),
            ["kms:Decrypt", "kms:DescribeKey"],
            {
                "StringEquals": {"kms:ViaService": f"s3.{self.region}.amazonaws.com"},
                "ArnEquals": {"aws:PrincipalArn": names.backup_role_arn(self.account, self.region)},
            },
        )

        self.access_logs = GxpBucket(
            self,
            "AccessLogBucket",
            bucket_name=names.access_log_bucket,
            # S3 server access logging can only deliver to SSE-S3 buckets without Object Lock.
            encryption_key=None,
            retention_class="access-log",
        )
        self.trail_bucket = GxpBucket(
            self,
            "AuditTrailBucket",
            bucket_name=names.trail_bucket,
            encryption_key=self.key.key,
            retention_class="audit-log",
            lock_days=config.audit_log.days,
            access_log_bucket=self.access_logs.bucket,
            access_log_prefix="audit-trail/",
        )
        self.config_bucket = GxpBucket(
            self,
            "ConfigHistoryBucket",
            bucket_name=names.config_bucket,
            encryption_key=self.key.key,
            # AWS Config cannot deliver to a bucket with an Object Lock default retention.
            retention_class="config-history",
            access_log_bucket=self.access_logs.bucket,
            access_log_prefix="config-history/",
        )
        # Annex 11 10, 4.2: the change record of every pipeline execution, kept unaltered as long as the
        # audit trail of the system it changed.
        self.evidence_bucket = GxpBucket(
            self,
            "EvidenceBucket",
            bucket_name=names.evidence_bucket,
            encryption_key=self.key.key,
            retention_class=EVIDENCE_RETENTION_CLASS,
            lock_days=config.audit_log.days,
            access_log_bucket=self.access_logs.bucket,
            access_log_prefix="evidence/",
        )
        self._record_deviations()
        self._allow_cloudtrail()
        self._allow_config()
        self._allow_audit_reader()
        self._allow_pipeline()

    def _record_deviations(self) -> None:
        acknowledge(
            self.access_logs.bucket,
            ["GXP-S3-08", "HIPAA.Security-S3DefaultEncryptionKMS", "NIST.800.53.R5-S3DefaultEncryptionKMS"],
            "S3 server access log delivery supports only SSE-S3 on the destination bucket; the bucket holds request "
            "metadata, not record content",
        )
        for bucket in (self.access_logs, self.trail_bucket, self.config_bucket, self.evidence_bucket):
            acknowledge(
                bucket.bucket,
                ["HIPAA.Security-S3BucketReplicationEnabled", "NIST.800.53.R5-S3BucketReplicationEnabled"],
                "No S3 replication of the log archive: its second-region copy is the daily AWS Backup of the trail "
                "and Config-history buckets into a locked vault in backup.log_archive_copy_region (GXP-BAK-01); the "
                "access-log bucket is not backed up",
            )

    def _allow_cloudtrail(self) -> None:
        bucket = self.trail_bucket.bucket
        trail = {"StringEquals": {"aws:SourceArn": self.names.trail_arn()}}
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudTrailAclCheck",
                principals=[iam.ServicePrincipal("cloudtrail.amazonaws.com")],
                actions=["s3:GetBucketAcl"],
                resources=[bucket.bucket_arn],
                conditions=trail,
            )
        )
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudTrailWrite",
                principals=[iam.ServicePrincipal("cloudtrail.amazonaws.com")],
                actions=["s3:PutObject"],
                resources=[bucket.arn_for_objects("AWSLogs/*")],
                conditions={**trail, "StringEquals": {**trail["StringEquals"], "s3:x-amz-acl": "bucket-owner-full-control"}},
            )
        )

    def _allow_config(self) -> None:
        """AWS Config delivers as each account's recorder role and, when that is refused, again as its
        service principal; both paths are allowed, each only inside the organization (an account that
        joins later delivers through its StackSet baseline).
        https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html"""
        org_id = self.config.organization.id
        recorders = {"StringEquals": {"aws:PrincipalOrgID": org_id}, "ArnLike": {"aws:PrincipalArn": RECORDER_ROLES}}
        self._allow_config_path("Config", iam.AnyPrincipal(), recorders, recorders)
        self._allow_config_path(
            "ConfigService",
            iam.ServicePrincipal("config.amazonaws.com"),
            {"StringEquals": {"aws:SourceOrgID": org_id}},
            {"StringEquals": {"aws:SourceOrgID": org_id, "s3:x-amz-acl": "bucket-owner-full-control"}},
        )

    def _allow_config_path(self, sid: str, principal: iam.IPrincipal, check: dict, write: dict) -> None:
        bucket = self.config_bucket.bucket
        for suffix, actions, resource, conditions in (
            ("Check", ["s3:GetBucketAcl", "s3:ListBucket"], bucket.bucket_arn, check),
            ("Write", ["s3:PutObject"], bucket.arn_for_objects("AWSLogs/*"), write),
        ):
            bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=sid + suffix, principals=[principal], actions=actions, resources=[resource], conditions=conditions
                )
            )

    def _allow_audit_reader(self) -> None:
        reader = iam.AccountPrincipal(self.config.audit.id)
        for bucket in (self.trail_bucket.bucket, self.config_bucket.bucket):
            bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="AuditReaderReads",
                    principals=[reader],
                    actions=["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"],
                    resources=[bucket.bucket_arn, bucket.arn_for_objects("*")],
                    conditions={"ArnEquals": {"aws:PrincipalArn": self.names.audit_reader_role_arn()}},
                )
            )
        # The scheduled audit-trail review (Annex 11 9) runs the saved queries as its own role, and Athena reads
        # the trail with the caller's permissions: that role reads the trail bucket, not the Config history.
        review = {"ArnEquals": {"aws:PrincipalArn": self.names.review_function_role_arn()}}
        bucket = self.trail_bucket.bucket
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AuditTrailReviewReads",
                principals=[reader],
                actions=["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
                resources=[bucket.bucket_arn, bucket.arn_for_objects("*")],
                conditions=review,
            )
        )
        self.key.allow(
            "AuditTrailReviewDecryptsThroughS3",
            reader,
            ["kms:Decrypt"],
            {**review, "StringEquals": {"kms:ViaService": f"s3.{self.region}.amazonaws.com"}},
        )

    def _allow_pipeline(self) -> None:
        """Only the pipeline's steps write change records, and only they and the release signature service
        (which hashes the record version it signs or verifies, 11.70) read them."""
        names, config = self.names, self.config
        deployment = config.account("deployment")
        bucket = self.evidence_bucket.bucket
        records = bucket.arn_for_objects(f"{CHANGE_RECORD_PREFIX}*")
        pipeline = {"ArnLike": {"aws:PrincipalArn": names.pipeline_role_pattern()}}
        signers = [
            f"arn:aws:iam::{deployment.id}:role/{names.signature_role_name(purpose, config.home_region)}"
            for purpose in ("sign", "verify")
        ]
        readers = {"ArnLike": {"aws:PrincipalArn": [names.pipeline_role_pattern(), *signers]}}
        principal = iam.AccountPrincipal(deployment.id)
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DenyChangeRecordsOutsideThePipeline",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["s3:PutObject", "s3:PutObjectRetention", "s3:PutObjectLegalHold"],
                resources=[bucket.arn_for_objects("*")],
                conditions={"ArnNotLike": {"aws:PrincipalArn": names.pipeline_role_pattern()}},
            )
        )
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="PipelineWritesChangeRecords", principals=[principal], actions=["s3:PutObject"],
                resources=[records], conditions=pipeline,
            )
        )
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="PipelineAndSignaturesReadChangeRecords",
                principals=[principal],
                actions=["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"],
                resources=[bucket.bucket_arn, records],
                conditions=readers,
            )
        )
        self.key.allow(
            "PipelineEncryptsChangeRecords",
            principal,
            ["kms:GenerateDataKey", "kms:Decrypt"],
            {**pipeline, "StringEquals": {"kms:ViaService": f"s3.{config.home_region}.amazonaws.com"}},
        )
        self.key.allow(
            "ReleaseSignaturesReadChangeRecords",
            principal,
            ["kms:Decrypt"],
            {"ArnEquals": {"aws:PrincipalArn": signers}, "StringEquals": {"kms:ViaService": f"s3.{config.home_region}.amazonaws.com"}},
        )
