"""Where signatures are kept: the service's key, the seal key, the ledger table and the manifest archive
(11.10(c), 11.70)."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from ...constructs.gxp_bucket import GxpBucket, deployment_role_arn_pattern
from ...constructs.managed_key import ManagedKey
from ...constructs.tags import MANIFEST_RETENTION_CLASS
from .spec import SignatureServiceSpec
from ...constructs.keep import KEEP


def add_key(scope: Construct, spec: SignatureServiceSpec) -> ManagedKey:
    stack = Stack.of(scope)
    region, account = stack.region, stack.account
    key = ManagedKey(
        scope, "SignatureKey", alias=spec.key_alias, description="Encrypts the signature ledger, manifests and logs"
    )
    key.allow(
        "CloudWatchLogsEncrypt",
        iam.ServicePrincipal(f"logs.{region}.amazonaws.com"),
        ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:*"}},
    )
    if spec.backup_role_arn:
        # A DynamoDB back-up is encrypted with the table's own key; AWS Backup's role uses it through DynamoDB only.
        key.allow(
            "BackupUsesTheLedgerKeyThroughDynamoDB",
            iam.AccountRootPrincipal(),
            ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey", "kms:CreateGrant"],
            {
                "StringEquals": {"kms:ViaService": f"dynamodb.{region}.amazonaws.com"},
                "ArnEquals": {"aws:PrincipalArn": spec.backup_role_arn},
            },
        )
    return key


def add_seal_key(scope: Construct, spec: SignatureServiceSpec) -> ManagedKey:
    """The asymmetric key that seals every ledger entry. Its use is granted per role by
    ``grant_sealing`` once the roles exist; nothing here lets anyone sign."""
    return ManagedKey(
        scope,
        "SealKey",
        alias=spec.seal_key_alias,
        description="Seals every signature ledger entry; only the signing function may sign with it",
        signing=True,
    )


def grant_sealing(key: ManagedKey, *, sealer_arn: str, checker_arns: list[str]) -> None:
    """Only the signing function may seal; the service's readers may check seals. The denies hold whatever
    IAM grants: nobody else signs, nobody grants themselves a use of the key, and its policy changes only
    through a deployment (a key policy statement denying a principal overrides any allow, as IAM does:
    https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html)."""
    key.allow("SigningFunctionSeals", iam.ArnPrincipal(sealer_arn), ["kms:Sign"])
    for index, arn in enumerate([sealer_arn, *checker_arns]):
        key.allow(f"ServiceChecksSeals{index}", iam.ArnPrincipal(arn), ["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"])
    key.deny("OnlySigningFunctionSeals", ["kms:Sign"], {"ArnNotEquals": {"aws:PrincipalArn": sealer_arn}})
    key.deny("NoGrantsOnSealKey", ["kms:CreateGrant"], {"Bool": {"aws:PrincipalIsAWSService": "false"}})
    key.deny(
        "SealKeyPolicyOnlyByDeployment",
        ["kms:PutKeyPolicy"],
        {"ArnNotLike": {"aws:PrincipalArn": deployment_role_arn_pattern()}},
    )


def add_ledger(scope: Construct, key: ManagedKey) -> dynamodb.Table:
    return dynamodb.Table(
        scope,
        "Ledger",
        partition_key=dynamodb.Attribute(name="record_id", type=dynamodb.AttributeType.STRING),
        sort_key=dynamodb.Attribute(name="seq", type=dynamodb.AttributeType.NUMBER),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryption_key=key.key,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True, recovery_period_in_days=35
        ),
        deletion_protection=True,
        removal_policy=KEEP,
    )


def add_manifest_archive(scope: Construct, spec: SignatureServiceSpec, key: ManagedKey) -> tuple[GxpBucket, GxpBucket]:
    """The access-log bucket and the manifest bucket it logs, in that order."""
    access_logs = GxpBucket(
        scope,
        "AccessLogBucket",
        bucket_name=spec.access_log_bucket_name,
        # S3 server access logging can only deliver to SSE-S3 buckets without Object Lock.
        encryption_key=None,
        retention_class="access-log",
    )
    # 11.50(b), 11.70: a copy of every manifest nobody, root included, can alter or remove
    # for as long as the longest-kept records it signs.
    manifests = GxpBucket(
        scope,
        "ManifestBucket",
        bucket_name=spec.manifest_bucket_name,
        encryption_key=key.key,
        retention_class=MANIFEST_RETENTION_CLASS,
        lock_days=spec.manifest_lock_days,
        access_log_bucket=access_logs.bucket,
        access_log_prefix="manifests/",
    )
    return access_logs, manifests
