"""GXP-S3-08: objects are encrypted at rest with a customer-managed KMS key."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import Control, cannot_prove, compliant, non_compliant, show
from ._bucket import LOG_ARCHIVE_KMS_BUCKETS, is_aws_managed_alias, key_of, kms_default


def check(bucket, ctx):
    default = kms_default(bucket)
    if isinstance(default, Unresolved):
        return cannot_prove(f"BucketEncryption: {default.why}")
    if not default:
        return non_compliant("no default encryption rule uses SSE-KMS")
    key_id = default.get("KMSMasterKeyID")
    if isinstance(key_id, Unresolved):
        return cannot_prove(f"KMSMasterKeyID: {key_id.why}")
    if key_id in (None, ""):
        return non_compliant("SSE-KMS without KMSMasterKeyID uses the AWS managed key aws/s3")
    if is_aws_managed_alias(key_id):
        return non_compliant(f"KMSMasterKeyID {key_id} is an AWS managed key")
    key = key_of(bucket, key_id)
    if key is not None:
        return compliant(f"{default.get('SSEAlgorithm')} with customer-managed key {key.logical_id}")
    if isinstance(key_id, str) and "alias/" in key_id:
        # Only customer managed keys can carry an alias outside alias/aws/.
        return compliant(f"{default.get('SSEAlgorithm')} with customer key alias {key_id}")
    return cannot_prove(f"KMSMasterKeyID {show(key_id)} does not show whether the key is customer-managed")


CONTROL = Control(
    id="GXP-S3-08",
    title="Encryption with a customer-managed key",
    statement=(
        "Objects are encrypted at rest with a customer-managed KMS key, whose key policy (not the account's IAM "
        "alone) decides who can read them."
    ),
    part11={
        "11.10(c)": "Stored records are protected by encryption under a key the organization controls and can audit.",
        "11.10(d)": "Reading a record needs use of the key, which its key policy limits to named roles.",
    },
    annex11={
        "7.1": "Data is secured electronically at rest.",
        "12.1": "Access to the data is restricted by the key policy as well as by IAM.",
    },
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=LOG_ARCHIVE_KMS_BUCKETS,
    config_rule="S3_DEFAULT_ENCRYPTION_KMS",
)
