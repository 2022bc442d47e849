"""GXP-REC-05: every bucket holding a data class is named where the trail records its data events."""

from __future__ import annotations

from ..buckets._bucket import retention_class
from ..cfn import Unresolved
from ..model import REGULATED_ONLY, Control, all_of, cannot_prove, compliant, non_compliant, show
from ._records import RECORDS_AND_STRAYS, records_bucket


def _prefix(bucket, ctx):
    name = bucket.get("BucketName")
    if isinstance(name, Unresolved):
        return cannot_prove(f"BucketName: {name.why}")
    if not ctx.records_bucket_prefix:
        return cannot_prove("no config: the records prefix is not known")
    if isinstance(name, str) and name.startswith(ctx.records_bucket_prefix):
        return compliant(f"{name} starts with {ctx.records_bucket_prefix}")
    return non_compliant(f"{show(name)} does not start with {ctx.records_bucket_prefix}, the prefix the trail logs data events for")


def _tag(bucket, data_class: str):
    # Other controls find a bucket's retention requirement by this tag: it must name the class held.
    tag = retention_class(bucket)
    if isinstance(tag, Unresolved):
        return cannot_prove(f"gxp:retention-class: {tag.why}")
    if tag != data_class:
        return non_compliant(f"gxp:retention-class is {show(tag)}; the bucket holds {data_class}")
    return compliant(f"gxp:retention-class {tag}")


def check(bucket, ctx):
    data_class, verdict = records_bucket(bucket, ctx)
    if verdict is not None:
        return verdict
    return all_of(_prefix(bucket, ctx), _tag(bucket, data_class))


CONTROL = Control(
    id="GXP-REC-05",
    title="Record reads and writes reach the audit trail",
    statement=(
        "Every bucket holding a data class is named with the records prefix for which the organization trail "
        "records S3 data events, and carries its data class's retention-class tag: no record is read or written "
        "outside the audit trail."
    ),
    part11={"11.10(e)": "Every creation, change and deletion of a record object is captured by the computer-generated audit trail."},
    annex11={
        "9": "Changes and deletions of GMP records are recorded in the audit trail.",
        "12.4": "Who read, wrote or deleted a record, and when, is recorded for every records bucket.",
    },
    jp_eres={"3.1.1": "Authenticity: who created or changed a record is traceable."},
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=RECORDS_AND_STRAYS,
    boundary=REGULATED_ONLY,
    config_rule="CLOUDTRAIL_S3_DATAEVENTS_ENABLED",
)
