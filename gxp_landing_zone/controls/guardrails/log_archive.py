"""GXP-SCP-02: no one in a member account can delete or loosen the log-archive buckets."""

from __future__ import annotations

from ..model import Control, cannot_prove
from ._judges import both, covering, exempting_at_most
from ._scp import EVERY_UNIT, UNIT, reaching, require

# Deleting the buckets or their object versions, or loosening what keeps them: policy, Object Lock,
# lifecycle, versioning, encryption.
LOG_ARCHIVE_TAMPERING = (
    "s3:DeleteBucket",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketPolicy",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketVersioning",
    "s3:PutEncryptionConfiguration",
    "s3:DeleteObjectVersion",
)
# Only CloudFormation's execution role from the CDK bootstrap, which deploys the buckets, may be
# exempt; "role/*" would let any role of the log-archive account loosen them.
DEPLOYMENT_ROLE_EXEMPTION = "arn:aws:iam::*:role/cdk-*-cfn-exec-role-*"


def log_buckets(ctx) -> list[str] | None:
    names = ctx.names
    if names is None:
        return None
    # The change records (Annex 11 10) are kept beside the audit trail, under the same protection.
    return [names.trail_bucket, names.config_bucket, names.access_log_bucket, names.evidence_bucket]


def check(unit, ctx):
    buckets = log_buckets(ctx)
    if buckets is None:
        return cannot_prove("the log-archive bucket names are known only from the config")
    exemption = exempting_at_most(DEPLOYMENT_ROLE_EXEMPTION)
    scopes = {
        arn: both(covering([arn]), exemption)
        for bucket in buckets
        for arn in (f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*")
    }
    return require(reaching(unit), LOG_ARCHIVE_TAMPERING, scopes, f"tampering with {', '.join(buckets)}")

CONTROL = Control(
    id="GXP-SCP-02",
    title="Log archive cannot be weakened",
    statement=(
        "The SCPs that bind each organizational unit deny deleting the audit-trail, Config-history, access-log and "
        "change-record buckets or their object versions, and changing their policy, Object Lock, lifecycle, versioning or "
        f"encryption, exempting no principal beyond the deployment role ({DEPLOYMENT_ROLE_EXEMPTION})."
    ),
    part11={
        "11.10(c)": "The archived audit records stay retrievable: no one can delete them or loosen what keeps them.",
        "11.10(e)": "The audit trail, once delivered, cannot be erased or have its protection removed.",
    },
    annex11={
        "7.1": "The archive is secured against deletion and weakening through its retention period.",
    },
    jp_eres={"3.1.3": "Preservation: the audit records are kept intact for their retention period."},
    resource_types=(UNIT,),
    check=check,
    deployed=EVERY_UNIT,
)
