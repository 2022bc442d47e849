from __future__ import annotations

from aws_cdk import Duration, Tags
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .tags import RETENTION_CLASS_TAG
from .keep import KEEP

# Destroying evidence is denied to every principal, whatever IAM says.
DENIED_TO_ALL = ["s3:DeleteBucket", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"]
# Loosening the bucket's protection is left to the CloudFormation execution role alone,
# so a change reaches the bucket only through a reviewed deployment.
DENIED_OUTSIDE_DEPLOYMENT = [
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketVersioning",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutLifecycleConfiguration",
    "s3:PutEncryptionConfiguration",
    "s3:PutReplicationConfiguration",
]
# A writer with s3:PutObjectRetention may name its own retain-until date on upload, and S3 takes
# it over the bucket default. These actions are refused when a request asks for less than the
# bucket's retention or for GOVERNANCE mode, so the default is a floor, not a suggestion.
RETENTION_SETTING_ACTIONS = ["s3:PutObject", "s3:PutObjectRetention"]


def deployment_role_arn_pattern() -> str:
    return "arn:aws:iam::*:role/cdk-*-cfn-exec-role-*"


class GxpBucket(Construct):
    """A versioned, TLS-only, private bucket that keeps everything written to it.

    With ``lock_days`` the bucket holds records under S3 Object Lock in COMPLIANCE mode:
    no one, the root user included, can shorten the retention or delete a locked version
    (11.10(c), 11.10(e); Annex 11 7.1, 17).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket_name: str,
        encryption_key: kms.IKey | None,
        retention_class: str,
        lock_days: int | None = None,
        access_log_bucket: s3.IBucket | None = None,
        access_log_prefix: str | None = None,
        estate_accounts: list[str] | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=bucket_name,
            versioned=True,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            # Built explicitly: the BLOCK_ALL constant comes back from jsii as an untyped proxy
            # the second time an app in the same process reads it.
            block_public_access=s3.BlockPublicAccess(
                block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True
            ),
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            encryption=s3.BucketEncryption.KMS if encryption_key else s3.BucketEncryption.S3_MANAGED,
            encryption_key=encryption_key,
            bucket_key_enabled=bool(encryption_key),
            object_lock_enabled=lock_days is not None,
            object_lock_default_retention=(
                s3.ObjectLockRetention.compliance(Duration.days(lock_days)) if lock_days else None
            ),
            server_access_logs_bucket=access_log_bucket,
            server_access_logs_prefix=access_log_prefix,
            removal_policy=KEEP,
        )
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DenyDestroyingEvidence",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=DENIED_TO_ALL,
                resources=[self.bucket.bucket_arn, self.bucket.arn_for_objects("*")],
            )
        )
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DenyWeakeningOutsideDeployment",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=DENIED_OUTSIDE_DEPLOYMENT,
                resources=[self.bucket.bucket_arn],
                conditions={"ArnNotLike": {"aws:PrincipalArn": deployment_role_arn_pattern()}},
            )
        )
        if lock_days:
            self.bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="DenyShorterRetentionOnWrite",
                    effect=iam.Effect.DENY,
                    principals=[iam.AnyPrincipal()],
                    actions=RETENTION_SETTING_ACTIONS,
                    resources=[self.bucket.arn_for_objects("*")],
                    conditions={"NumericLessThan": {"s3:object-lock-remaining-retention-days": str(lock_days)}},
                )
            )
            self.bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="DenyGovernanceModeOnWrite",
                    effect=iam.Effect.DENY,
                    principals=[iam.AnyPrincipal()],
                    actions=RETENTION_SETTING_ACTIONS,
                    resources=[self.bucket.arn_for_objects("*")],
                    conditions={"StringEquals": {"s3:object-lock-mode": "GOVERNANCE"}},
                )
            )
        if estate_accounts:
            # Records stay inside the organization's accounts (11.10(d)); AWS services acting for
            # the bucket (replication, logging, inventory) carry aws:PrincipalIsAWSService.
            self.bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="DenyPrincipalsOutsideTheEstate",
                    effect=iam.Effect.DENY,
                    principals=[iam.AnyPrincipal()],
                    actions=["s3:*"],
                    resources=[self.bucket.bucket_arn, self.bucket.arn_for_objects("*")],
                    conditions={
                        "StringNotEquals": {"aws:PrincipalAccount": sorted(estate_accounts)},
                        "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
                    },
                )
            )
        Tags.of(self.bucket).add(RETENTION_CLASS_TAG, retention_class)
        policy = self.bucket.policy
        if policy is not None:
            policy.apply_removal_policy(KEEP)
