"""Deployment account, home region: the signature service QA approvers sign change records with."""

from __future__ import annotations

from aws_cdk import aws_iam as iam

from ..config.change_control import RELEASE_MEANING
from ..naming import CHANGE_RECORD_PREFIX
from ..signatures.infrastructure import SignatureServiceSpec
from .signatures import SignatureServiceStack

# The one record class this service signs: the change records the pipeline writes to the log archive.
RECORD_CLASS = "change-record"


class ReleaseSignaturesStack(SignatureServiceStack):
    """The project's own signature service (21 CFR Part 11 Subpart C), deployed for one record class: a
    QA approver's "approved-for-release" on a pipeline execution's change record is what releases it to
    production (Annex 11 10; 11.10(k))."""

    def __init__(self, scope, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        # The release gate verifies signatures as the service does: it reads the ledger and the manifest
        # copies, both under the service's key. Named by condition: the gate's role is another stack's.
        gate = {"ArnEquals": {"aws:PrincipalArn": self.names.pipeline_role_arn("release")}}
        # ... and checks each ledger entry's seal, as the service's verify function does.
        self.service.seal_key.allow(
            "ReleaseGateChecksSeals", iam.AccountPrincipal(self.account), ["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"],
            gate,
        )
        for service in ("dynamodb", "s3"):
            self.service.key.allow(
                f"ReleaseGateReadsThrough{service.capitalize()}",
                iam.AccountPrincipal(self.account),
                ["kms:Decrypt", "kms:DescribeKey"],
                {**gate, "StringEquals": {"kms:ViaService": f"{service}.{self.region}.amazonaws.com"}},
            )

    def spec(self) -> SignatureServiceSpec:
        names, config = self.names, self.config
        account, region = self.gxp_account.id, self.region
        return SignatureServiceSpec(
            records_buckets=(names.evidence_bucket,),
            records_key_aliases=(names.log_archive_key_alias,),
            records_key_account=config.log_archive.id,
            manifest_bucket_name=names.signature_manifest_bucket(account, region),
            access_log_bucket_name=names.signature_access_log_bucket(account, region),
            # A release signature is kept as long as the change record it signs.
            manifest_lock_days=config.audit_log.days,
            key_alias=names.signature_key_alias(),
            seal_key_alias=names.signature_seal_key_alias(),
            signing_policy=self.signing_policy(),
            # The estate's restrictions, as every signature service carries them (GXP-ESIG-12); the release
            # meaning itself is granted to the approver groups alone by the policy below.
            signing_restrictions=self.signing_restrictions(),
            auth_window_seconds=config.signatures.auth_window_seconds,
            signer_groups=tuple(config.change_control.release.approver_groups),
            log_retention_days=config.audit_log.cloudwatch_retention_days,
            audit_bus_arn=names.audit_bus_arn(),
            event_source=names.signature_event_source(),
            role_names={p: names.signature_role_name(p, region) for p in ("sign", "list", "verify", "token")},
        )

    def signing_policy(self) -> dict:
        groups = self.config.change_control.release.approver_groups
        return {
            "meanings": [RELEASE_MEANING],
            "grants": {RECORD_CLASS: {group: [RELEASE_MEANING] for group in groups}},
            "sequences": {},
            "record_classes": {f"{self.names.evidence_bucket}/{CHANGE_RECORD_PREFIX}": RECORD_CLASS},
        }
