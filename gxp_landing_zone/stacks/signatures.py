from __future__ import annotations

from ..constructs.acknowledge import AWS_MANAGED_SERVICE_ROLE, acknowledge
from ..signatures.infrastructure import SignatureService, SignatureServiceSpec
from .base import GxpStack


class SignatureServiceStack(GxpStack):
    """Regulated account, one workload region: the electronic-signature service for the records
    kept there (21 CFR Part 11 Subpart C; Annex 11 14; MHLW ER/ES 4)."""

    component = "Signatures"

    def __init__(self, scope, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        self.service = SignatureService(self, "SignatureService", spec=self.spec())
        self._record_deviations()

    def spec(self) -> SignatureServiceSpec:
        names, config = self.names, self.config
        account, region = self.gxp_account.id, self.region
        settings = config.signatures
        return SignatureServiceSpec(
            records_buckets=tuple(names.records_bucket(c.name, account, region) for c in config.data_classes),
            records_key_aliases=tuple(names.records_key_alias(c.name) for c in config.data_classes),
            manifest_bucket_name=names.signature_manifest_bucket(account, region),
            access_log_bucket_name=names.signature_access_log_bucket(account, region),
            # A manifest must outlive every record it may sign.
            manifest_lock_days=max(c.days for c in config.data_classes),
            key_alias=names.signature_key_alias(),
            seal_key_alias=names.signature_seal_key_alias(),
            signing_policy=self.signing_policy(),
            signing_restrictions=self.signing_restrictions(),
            auth_window_seconds=settings.auth_window_seconds,
            signer_groups=tuple(settings.groups()),
            log_retention_days=config.audit_log.cloudwatch_retention_days,
            audit_bus_arn=names.audit_bus_arn(),
            event_source=names.signature_event_source(),
            role_names={p: names.signature_role_name(p, region) for p in ("sign", "list", "verify", "token")},
            ledger_reader_role_arns=(*names.release_reader_role_arns(account, region), names.record_export_role_arn(account, region)),
            ledger_parameter_name=names.signature_ledger_parameter(),
            unsealed_before=settings.unsealed_before.isoformat() if settings.unsealed_before else None,
            backup_role_arn=names.backup_role_arn(account, region),
        )

    def signing_policy(self) -> dict:
        """The runtime's SigningPolicy, for the records buckets of this account and region."""
        names, settings = self.names, self.config.signatures
        account, region = self.gxp_account.id, self.region
        return {
            "meanings": sorted(settings.meanings),
            "grants": {name: dict(rc.signers) for name, rc in settings.record_classes.items()},
            "sequences": {name: list(rc.sequence) for name, rc in settings.record_classes.items() if rc.sequence},
            "record_classes": {
                f"{names.records_bucket(rc.data_class, account, region)}/{rc.key_prefix}": name
                for name, rc in settings.record_classes.items()
            },
        }

    def signing_restrictions(self) -> dict:
        """Who alone may sign a reserved meaning, and where one person may sign with several meanings."""
        settings = self.config.signatures
        return {
            "restricted_meanings": {m: sorted(groups) for m, groups in settings.restricted_meanings.items()},
            "same_person_may_sign": sorted(n for n, rc in settings.record_classes.items() if rc.same_person_may_sign),
        }

    def _record_deviations(self) -> None:
        service = self.service
        acknowledge(
            service.access_logs.bucket,
            ["GXP-S3-08", "HIPAA.Security-S3DefaultEncryptionKMS", "NIST.800.53.R5-S3DefaultEncryptionKMS"],
            "S3 server access log delivery supports only SSE-S3 on the destination bucket; the bucket holds request "
            "metadata about manifest access, not signature content",
        )
        for bucket in (service.access_logs, service.manifests):
            acknowledge(
                bucket.bucket,
                ["HIPAA.Security-S3BucketReplicationEnabled", "NIST.800.53.R5-S3BucketReplicationEnabled"],
                "Signature manifests stay in the jurisdiction with the records they sign, and this estate has one "
                "regulated region per jurisdiction; protection rests on Object Lock COMPLIANCE, versioning and the "
                "deny-delete policy, and the DynamoDB ledger holds a second, independent copy of every entry",
            )

        for name, function in service.functions.items():
            acknowledge(
                function,
                ["HIPAA.Security-LambdaDLQ", "NIST.800.53.R5-LambdaDLQ"],
                "Invoked synchronously only (API Gateway and the Cognito trigger): the caller receives every failure "
                "at once and nothing was written; a dead-letter queue applies to asynchronous invocations alone",
            )
            acknowledge(
                function,
                ["HIPAA.Security-LambdaInsideVPC", "NIST.800.53.R5-LambdaInsideVPC"],
                "The function reaches only regional AWS APIs (DynamoDB, S3, EventBridge, Cognito) over TLS with SigV4 "
                "under a least-privilege role, and no VPC resource; a VPC with endpoints is planned with the compute stack",
            )
        for name in ("sign", "list", "verify", "token"):
            acknowledge(
                service.node.find_child(f"{_ids[name]}Policy"),
                ["AwsSolutions-IAM5[Resource::*]"],
                "xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions; the "
                "statement holds only those two actions",
            )
        for name in ("sign", "verify"):
            policy = service.node.find_child(f"{_ids[name]}Policy")
            spec = service.spec
            acknowledge(
                policy,
                [f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{b}/*]" for b in spec.records_buckets],
                "Any record version in the configured records buckets may be signed or verified; the function reads "
                "(never writes) the object it was asked about, and authority is checked per record class in code",
            )
            acknowledge(
                policy,
                [f"AwsSolutions-IAM5[Resource::arn:aws:kms:{self.region}:{spec.records_key_account or self.account}:key/*]"],
                "IAM cannot name a KMS key by alias for Decrypt; kms:ResourceAliases limits the statement to the records "
                "keys of this estate and kms:ViaService to reads through S3",
            )
            acknowledge(
                policy,
                [f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{spec.manifest_bucket_name}/manifests/*]"],
                "Manifest copies are written once per signature under manifests/<bucket>/<key>/<version>/<seq>.json; "
                "Object Lock COMPLIANCE makes every written copy immutable",
            )
        acknowledge(
            service.api.node.find_child("CloudWatchRole"),
            ["AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]"],
            AWS_MANAGED_SERVICE_ROLE,
        )
        stage = service.api.deployment_stage
        acknowledge(
            stage,
            ["HIPAA.Security-APIGWCacheEnabledAndEncrypted", "NIST.800.53.R5-APIGWCacheEnabledAndEncrypted"],
            "Caching is off on purpose: a cached list or verify response could hide a signature applied or a ledger "
            "change made since; without a cache no response data is stored at rest",
        )
        acknowledge(
            stage,
            ["HIPAA.Security-APIGWSSLEnabled", "NIST.800.53.R5-APIGWSSLEnabled"],
            "A client certificate authenticates API Gateway to HTTP back ends; every integration here is a Lambda "
            "invocation signed with SigV4 inside AWS, and clients reach the API over HTTPS only",
        )
        acknowledge(
            service.ledger,
            ["HIPAA.Security-DynamoDBInBackupPlan", "NIST.800.53.R5-DynamoDBInBackupPlan"],
            "The Backup stack's daily AWS Backup plan selects every table of this account and region by ARN, from "
            "another stack where this rule cannot see it, into a vault under Vault Lock copied to the account's "
            "second region (GXP-BAK-01); point-in-time recovery keeps 35 days, and every entry also has a manifest "
            "copy under Object Lock COMPLIANCE for the full record retention",
        )


_ids = {"sign": "Sign", "list": "List", "verify": "Verify", "token": "PreTokenGeneration"}
