"""The record export, deployed (21 CFR 11.10(b); Annex 11 8.1): a function QA invokes with one record version,
which writes the bundle (records/runtime/export_handler.py) to the record exports bucket and signs its manifest
with a key only the function may sign with.

- The exports bucket is a GxP bucket (KMS, versioned, TLS only, access-logged, kept) under Object Lock
  COMPLIANCE for ``lock_days``: a copy handed to an inspector cannot be altered or removed while it is relied on.
  The record itself stays under its own, far longer lock; an export can be made again at any time.
- The bucket's key lets the function encrypt and QA decrypt, both through S3 only (QA's permission set holds the
  matching IAM grant, constructs/permission_sets.py).
- The signing key (ECC_NIST_P256, SIGN_VERIFY) allows kms:Sign to the function's role alone and denies it to
  everyone else, denies grants and denies policy changes outside a deployment, as the ledger's seal key does
  (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html). Anyone in the organization
  may verify a bundle with it."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ...constructs.gxp_bucket import GxpBucket, deployment_role_arn_pattern
from ...constructs.managed_key import ManagedKey, aliased_key_statement
from .functions import RecordsFunction

EXPORT_RETENTION_CLASS = "record-export"


@dataclass(frozen=True)
class RecordExportSpec:
    function_name: str
    role_name: str
    bucket_name: str
    key_alias: str
    signing_key_alias: str
    lock_days: int
    records_buckets: tuple[str, ...]
    records_key_aliases: tuple[str, ...]
    # Roles that may read the exports (QA's permission-set roles, by ARN pattern).
    reader_role_patterns: tuple[str, ...]
    organization_id: str
    # The signature service's ledger, for the signatures on the exported version.
    ledger_parameter: str
    ledger_stack: str
    signature_key_alias: str
    seal_key_alias: str
    manifest_bucket: str


class RecordExportFunction(Construct):
    def __init__(self, scope: Construct, id: str, *, spec: RecordExportSpec, access_log_bucket: s3.IBucket,
                 estate_accounts: list[str], log_key, log_retention_days: int) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        region, account = stack.region, stack.account
        self.spec = spec
        role_arn = f"arn:aws:iam::{account}:role/{spec.role_name}"
        via_s3 = {"kms:ViaService": f"s3.{region}.amazonaws.com"}
        self.key = ManagedKey(self, "Key", alias=spec.key_alias, description="Encrypts record exports")
        self.key.allow("ExportFunctionEncryptsThroughS3", iam.AccountRootPrincipal(),
                       ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"],
                       {"StringEquals": via_s3, "ArnEquals": {"aws:PrincipalArn": role_arn}})
        self.key.allow("QualityAssuranceReadsExportsThroughS3", iam.AccountRootPrincipal(), ["kms:Decrypt", "kms:DescribeKey"],
                       {"StringEquals": via_s3, "ArnLike": {"aws:PrincipalArn": list(spec.reader_role_patterns)}})
        self.bucket = GxpBucket(self, "Bucket", bucket_name=spec.bucket_name, encryption_key=self.key.key,
                                retention_class=EXPORT_RETENTION_CLASS, lock_days=spec.lock_days,
                                access_log_bucket=access_log_bucket, access_log_prefix="record-exports/",
                                estate_accounts=estate_accounts)
        self.signing_key = ManagedKey(self, "SigningKey", alias=spec.signing_key_alias, signing=True,
                                      description="Signs the manifest of every record export; only the export function may sign")
        self.export = RecordsFunction(
            self, "Function", module="export_handler", function_name=spec.function_name, role_name=spec.role_name,
            description="Exports one record version with its signatures as a signed bundle for an inspector (11.10(b))",
            log_key=log_key, log_retention_days=log_retention_days, timeout=Duration.minutes(15), memory_size=3008,
            environment={
                "EXPORT_BUCKET": spec.bucket_name,
                "SIGNING_KEY": self.signing_key.key.key_arn,
                "RECORDS_BUCKETS": ",".join(spec.records_buckets),
                "LEDGER_PARAMETER": spec.ledger_parameter,
                "MANIFEST_BUCKET": spec.manifest_bucket,
                "LEDGER_SEAL_KEY": spec.seal_key_alias,
            },
            statements=self._statements(spec, region, account),
        )
        self._grant_signing(self.export.role.role_arn, spec.organization_id)

    def _grant_signing(self, role_arn: str, organization_id: str) -> None:
        """Only the export function signs; anyone in the organization may check a bundle's signature."""
        key = self.signing_key
        key.allow("ExportFunctionSigns", iam.ArnPrincipal(role_arn), ["kms:Sign"])
        key.allow("OrganizationVerifiesExports", iam.AnyPrincipal(), ["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"],
                  {"StringEquals": {"aws:PrincipalOrgID": organization_id}})
        key.deny("OnlyExportFunctionSigns", ["kms:Sign"], {"ArnNotEquals": {"aws:PrincipalArn": role_arn}})
        key.deny("NoGrantsOnExportSigningKey", ["kms:CreateGrant"], {"Bool": {"aws:PrincipalIsAWSService": "false"}})
        key.deny("ExportSigningKeyPolicyOnlyByDeployment", ["kms:PutKeyPolicy"],
                 {"ArnNotLike": {"aws:PrincipalArn": deployment_role_arn_pattern()}})

    @staticmethod
    def wildcard_resources(spec: RecordExportSpec, region: str, account: str) -> list[str]:
        """The resources its policy names with a wildcard, each for a stated reason (the stack acknowledges them)."""
        return [
            "*",  # X-Ray accepts no resource-level permissions
            *(f"arn:aws:s3:::{b}/*" for b in spec.records_buckets),  # any version of any record may be asked for
            f"arn:aws:kms:{region}:{account}:key/*",  # keys named by alias (kms:ResourceAliases), IDs unknown at synthesis
            f"arn:aws:dynamodb:{region}:{account}:table/{spec.ledger_stack}-*",  # the ledger's generated name
            f"arn:aws:s3:::{spec.manifest_bucket}/manifests/*",  # every manifest copy of the exported record
            f"arn:aws:s3:::{spec.bucket_name}/exports/*",  # one new prefix per export
        ]

    def _statements(self, spec: RecordExportSpec, region: str, account: str) -> list[iam.PolicyStatement]:
        records = [f"arn:aws:s3:::{b}" for b in spec.records_buckets]
        manifests = f"arn:aws:s3:::{spec.manifest_bucket}"
        records_keys = aliased_key_statement(["kms:Decrypt"], account=account, region=region, alias=list(spec.records_key_aliases))
        records_keys.add_condition("StringEquals", {"kms:ViaService": f"s3.{region}.amazonaws.com"})
        ledger_key = aliased_key_statement(["kms:Decrypt", "kms:DescribeKey"], account=account, region=region,
                                           alias=spec.signature_key_alias)
        ledger_key.add_condition("StringEquals", {"kms:ViaService": [f"dynamodb.{region}.amazonaws.com", f"s3.{region}.amazonaws.com"]})
        seals = aliased_key_statement(["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"], account=account, region=region,
                                      alias=spec.seal_key_alias)
        return [
            # ListBucket lets S3 answer 404 for a missing version, which the function reports as such.
            iam.PolicyStatement(sid="FindRecordVersions", actions=["s3:ListBucket"], resources=records),
            iam.PolicyStatement(sid="ReadRecordVersions", actions=[
                "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes",
                "s3:GetBucketTagging"], resources=[*records, *(f"{r}/*" for r in records)]),
            # A version in an archive tier is restored before it can be read (a temporary copy; the version is unchanged).
            iam.PolicyStatement(sid="RestoreArchivedVersions", actions=["s3:RestoreObject"], resources=[f"{r}/*" for r in records]),
            records_keys.copy(sid="DecryptRecordsThroughS3"),
            iam.PolicyStatement(sid="WriteExports", actions=["s3:PutObject"], resources=[f"arn:aws:s3:::{spec.bucket_name}/exports/*"]),
            iam.PolicyStatement(sid="EncryptExportsThroughS3", actions=["kms:GenerateDataKey", "kms:Decrypt"],
                                resources=[self.key.key.key_arn],
                                conditions={"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}}),
            iam.PolicyStatement(sid="SignExportManifests", actions=["kms:Sign"], resources=[self.signing_key.key.key_arn]),
            iam.PolicyStatement(sid="FindTheLedger", actions=["ssm:GetParameter"],
                                resources=[f"arn:aws:ssm:{region}:{account}:parameter{spec.ledger_parameter}"]),
            iam.PolicyStatement(sid="ReadTheLedger", actions=["dynamodb:Query"],
                                resources=[f"arn:aws:dynamodb:{region}:{account}:table/{spec.ledger_stack}-*"]),
            iam.PolicyStatement(sid="ListManifestCopies", actions=["s3:ListBucket", "s3:ListBucketVersions"], resources=[manifests]),
            iam.PolicyStatement(sid="ReadManifestCopies", actions=["s3:GetObject", "s3:GetObjectVersion"],
                                resources=[f"{manifests}/manifests/*"]),
            ledger_key.copy(sid="DecryptLedgerAndManifests"),
            seals.copy(sid="CheckLedgerSeals"),
        ]
