"""GXP-S3-02: a locked bucket's default retention is at least what the config requires of it."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import Control, cannot_prove, compliant, non_compliant, not_applicable
from ._bucket import LOG_ARCHIVE_BUCKETS, default_retention_days, record_class, required_lock_days


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
        return not_applicable("a records bucket: GXP-REC-01 requires exactly its data class's retention")
    days = default_retention_days(bucket)
    if isinstance(days, Unresolved):
        return cannot_prove(f"DefaultRetention: {days.why}")
    if days is None:
        return non_compliant(f"no Object Lock default retention; required at least {required} days")
    if days < required:
        return non_compliant(f"default retention {days} days; required at least {required} days")
    return compliant(f"default retention {days} days (required at least {required})")


CONTROL = Control(
    id="GXP-S3-02",
    title="Retention meets the configured period",
    statement=(
        "The Object Lock default retention of every bucket the config gives a retention is at least that "
        "retention: the audit trail's as long as the audit log setting, the e-signature manifests' as long as "
        "the longest-kept records they sign. Records buckets are judged by GXP-REC-01."
    ),
    part11={
        "11.10(c)": "Nothing written to the bucket can be deleted before the period the records must be retrievable for.",
        "11.10(e)": "Audit-trail files are kept at least as long as the records they describe, as 11.10(e) requires.",
    },
    annex11={
        "7.1": "The lock lasts the whole retention period the organization set, not a shorter one.",
    },
    jp_eres={"3.1.3": "Preservation: records are protected for the full retention period."},
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=LOG_ARCHIVE_BUCKETS,
)
