"""GXP-S3-01: a bucket that must keep what it holds does so under Object Lock in COMPLIANCE mode."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import Control, all_of, cannot_prove, cfn_bool, expect, not_applicable
from ._bucket import LOG_ARCHIVE_BUCKETS, record_class, required_lock_days

# GOVERNANCE mode lets anyone with s3:BypassGovernanceRetention shorten or remove a lock; only
# COMPLIANCE binds every principal, the root user included.
REQUIRED_MODE = "COMPLIANCE"


def check(bucket, ctx):
    required = required_lock_days(bucket, ctx)
    if isinstance(required, Unresolved):
        return cannot_prove(required)
    if required is None:
        return not_applicable("the config sets no retention for this bucket")
    held = record_class(bucket, ctx)
    if isinstance(held, Unresolved):
        return cannot_prove(held)
    if held is not None:
        return not_applicable("a records bucket: GXP-REC-01 judges its lock against its data class")
    return all_of(
        expect(cfn_bool(bucket.get("ObjectLockEnabled")), True, "ObjectLockEnabled"),
        expect(bucket.get("ObjectLockConfiguration.ObjectLockEnabled"), "Enabled", "ObjectLockConfiguration.ObjectLockEnabled"),
        expect(bucket.get("ObjectLockConfiguration.Rule.DefaultRetention.Mode"), REQUIRED_MODE, "DefaultRetention.Mode"),
    )


CONTROL = Control(
    id="GXP-S3-01",
    title="Object Lock in compliance mode",
    statement=(
        "Every bucket the config gives a retention (the audit trail, the e-signature manifests) has Object Lock "
        "enabled with a COMPLIANCE-mode default retention: no one, the root user included, can delete or "
        "overwrite a locked version before its retention ends. Records buckets are judged by GXP-REC-01."
    ),
    part11={
        "11.10(c)": "Locked versions cannot be deleted or overwritten, so they stay retrievable for the whole retention period.",
        "11.10(e)": "Audit-trail files cannot be removed or replaced, so the trail is kept as long as required and prior entries are never obscured.",
    },
    annex11={
        "7.1": "Stored data is secured electronically against deletion and alteration for its retention period.",
    },
    jp_eres={
        "3.1.1": "Authenticity: a stored version cannot be rewritten, so what was recorded is what is read.",
        "3.1.3": "Preservation: no one can destroy a record before its retention period ends.",
    },
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=LOG_ARCHIVE_BUCKETS,
    config_rule="S3_BUCKET_DEFAULT_LOCK_ENABLED",
)
