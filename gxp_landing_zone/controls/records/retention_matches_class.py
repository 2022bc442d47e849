"""GXP-REC-01: each records bucket locks its data class in COMPLIANCE mode for exactly that class's retention."""

from __future__ import annotations

from ..buckets._bucket import default_retention_days
from ..cfn import Unresolved
from ..model import REGULATED_ONLY, Control, all_of, cannot_prove, compliant, expect, non_compliant
from ._records import RECORDS_BUCKETS, records_bucket

# COMPLIANCE binds every principal, the root user included; GOVERNANCE can be bypassed.
REQUIRED_MODE = "COMPLIANCE"


def _retention(bucket, required: int):
    days = default_retention_days(bucket)
    if isinstance(days, Unresolved):
        return cannot_prove(f"DefaultRetention: {days.why}")
    if days is None:
        return non_compliant(f"no Object Lock default retention; required exactly {required} days")
    if days != required:
        # Shorter lets records be destroyed early; longer can never be undone under COMPLIANCE and
        # keeps records past the date the organization must dispose of them.
        return non_compliant(f"default retention {days} days; the data class requires exactly {required}")
    return compliant(f"default retention {days} days, the data class's retention")


def check(bucket, ctx):
    data_class, verdict = records_bucket(bucket, ctx)
    if verdict is not None:
        return verdict
    return all_of(
        expect(bucket.get("ObjectLockConfiguration.ObjectLockEnabled"), "Enabled", "ObjectLockConfiguration.ObjectLockEnabled"),
        expect(bucket.get("ObjectLockConfiguration.Rule.DefaultRetention.Mode"), REQUIRED_MODE, "DefaultRetention.Mode"),
        _retention(bucket, ctx.lock_days_by_class[data_class]),
    )


CONTROL = Control(
    id="GXP-REC-01",
    title="Record retention matches the data class",
    statement=(
        "Each records bucket holds one data class and locks every version in COMPLIANCE mode for exactly the "
        "retention the config sets for that class: not shorter, so no record can be destroyed early, and not "
        "longer, because a COMPLIANCE lock can never be shortened again."
    ),
    part11={
        "11.10(c)": "Every record of the class stays retrievable, unaltered, for exactly the retention period set for it.",
        "11.10(e)": "A record version, once written, cannot be deleted or overwritten during its retention, so no later change obscures it.",
    },
    annex11={
        "7.1": "Records are secured against deletion and alteration for the retention period defined for their class.",
    },
    jp_eres={"3.1.3": "Preservation: each class of records is kept for its retention period, by a lock no one can lift."},
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=RECORDS_BUCKETS,
    boundary=REGULATED_ONLY,
    config_rule="S3_BUCKET_DEFAULT_LOCK_ENABLED",
)
