"""Device checks for instrument data (21 CFR 11.10(h); Annex 11 5): a bucket of an instrument-data class
accepts a write only from a registered instrument, only through a VPC endpoint of its own account, and
only with a payload whose SHA-256 S3 checks on receipt.

What S3 can refuse by policy, it refuses here:
- the writer: ``aws:PrincipalArn`` (and, for a certificate through IAM Roles Anywhere, the principal tag
  ``x509Subject/CN`` the session carries: rolesanywhere/latest/userguide/trust-model.html);
- the network path: ``aws:VpceAccount``, the account that owns the VPC endpoint a request came through
  (gateway or interface endpoint); absent for a request that used no endpoint
  (aws.amazon.com/about-aws/whats-new/2025/08/aws-iam-new-vpc-endpoint-condition-keys/);
- the payload: ``s3:x-amz-content-sha256``. With Signature Version 4 the writer signs the payload's
  SHA-256 and S3 rejects a body that does not match it; the unsigned forms (``UNSIGNED-PAYLOAD``, and
  ``STREAMING-UNSIGNED-PAYLOAD-TRAILER`` for trailing checksums) are refused
  (AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html).
What S3 cannot refuse by policy: that the SHA-256 is also *stored* with the object (x-amz-checksum-sha256).
Amazon S3's condition keys have no checksum key (service-authorization/latest/reference/list_amazons3.html),
so the intake check (records/runtime/intake.py) reads every new version's stored checksum after the write,
tags the version with the result and reports a version without a SHA-256 to the audit account.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

WRITE = ["s3:PutObject"]  # S3 authorizes PutObject, every part upload and the multipart completion with it
UNSIGNED_PAYLOADS = ["UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"]


@dataclass(frozen=True)
class InstrumentWriters:
    """Who may write an instrument-data class in one account and region."""

    account_id: str
    role_arns: tuple[str, ...] = ()
    # (the role IAM Roles Anywhere assumes, the subject CNs of the registered instruments' certificates)
    certificates: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def principals(self) -> list[str]:
        return sorted({*self.role_arns, *(role for role, _ in self.certificates)})


def admit_instruments_only(bucket: s3.Bucket, writers: InstrumentWriters) -> None:
    """Deny every write that is not a registered instrument's, through this account's endpoint, signed."""
    objects = [bucket.arn_for_objects("*")]

    def deny(sid: str, conditions: dict | None) -> None:
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid=sid, effect=iam.Effect.DENY, principals=[iam.AnyPrincipal()], actions=WRITE, resources=objects,
                conditions=conditions,
            )
        )

    principals = writers.principals
    # With no instrument registered here, nobody writes instrument data into this bucket.
    deny("DenyWritesFromUnregisteredSources", {"ArnNotEquals": {"aws:PrincipalArn": principals}} if principals else None)
    for index, (role, names) in enumerate(writers.certificates):
        deny(
            f"DenyUnregisteredCertificates{index}",
            {"ArnEquals": {"aws:PrincipalArn": role}, "StringNotEquals": {"aws:PrincipalTag/x509Subject/CN": sorted(names)}},
        )
    deny("DenyWritesOutsideTheAccountsEndpoints", {"StringNotEqualsIfExists": {"aws:VpceAccount": writers.account_id}})
    deny("DenyUnsignedPayloads", {"StringEquals": {"s3:x-amz-content-sha256": UNSIGNED_PAYLOADS}})


def send_events_to_eventbridge(bucket: s3.Bucket) -> None:
    """Object-created events on the account's default bus, for the intake check. Set on the L1: the L2's
    ``event_bridge_enabled`` adds a custom resource to apply what CloudFormation can state directly."""
    cfn: s3.CfnBucket = bucket.node.default_child
    cfn.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
        event_bridge_configuration=s3.CfnBucket.EventBridgeConfigurationProperty(event_bridge_enabled=True)
    )
