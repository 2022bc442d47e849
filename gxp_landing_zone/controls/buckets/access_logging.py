"""GXP-S3-07: requests to the bucket are logged to a separate access-log bucket."""

from __future__ import annotations

from ..cfn import Ref, Unresolved
from ..model import Control, cannot_prove, compliant, non_compliant, not_applicable, show
from ._bucket import ESTATE_BUCKETS, is_access_log_bucket, retention_class


def _destination(bucket, target):
    """The bucket of the template that ``target`` (a Ref or a literal name) names, or None."""
    if isinstance(target, Ref):
        return bucket.stack.target(target, "AWS::S3::Bucket")
    return next((b for b in bucket.stack.of_type("AWS::S3::Bucket") if b.get("BucketName") == target), None)


def _logged(bucket):
    target = bucket.get("LoggingConfiguration.DestinationBucketName")
    if isinstance(target, Unresolved):
        return cannot_prove(f"LoggingConfiguration.DestinationBucketName: {target.why}")
    if target in (None, ""):
        return non_compliant("server access logging is off (no LoggingConfiguration.DestinationBucketName)")
    destination = _destination(bucket, target)
    if destination is None:
        return cannot_prove(f"logs to {show(target)}, which this template does not define as a bucket")
    if destination.logical_id == bucket.logical_id:
        return non_compliant("the bucket logs its access to itself")
    if isinstance(retention_class(destination), Unresolved):
        return cannot_prove(retention_class(destination))
    if not is_access_log_bucket(destination):
        return non_compliant(f"logs to {destination.logical_id}, which is not an access-log bucket")
    return compliant(f"access logged to {destination.logical_id}")


def check(bucket, ctx):
    logged = _logged(bucket)
    if logged.passed:
        return logged
    held = retention_class(bucket)
    if isinstance(held, Unresolved):
        return cannot_prove(f"{logged.observed}; whether this is the access-log bucket: {held.why}")
    if is_access_log_bucket(bucket):
        # The destination of access logs cannot log to itself: each delivery would log another.
        return not_applicable("the access-log bucket itself")
    return logged


CONTROL = Control(
    id="GXP-S3-07",
    title="Server access logging",
    statement=(
        "Every request to the bucket is logged to the separate access-log bucket of its stack (the access-log "
        "bucket itself excepted)."
    ),
    part11={"11.10(e)": "Who read, wrote or deleted which object, and when, is recorded by S3 itself, independent of the operator."},
    annex11={
        "12.4": "The identity of whoever accessed or changed stored data is recorded with date and time.",
    },
    jp_eres={"3.1.1": "Authenticity: every access to a record is attributable to a requester."},
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=ESTATE_BUCKETS,
    config_rule="S3_BUCKET_LOGGING_ENABLED",
)
