"""Regulated-records controls: what keeps raw lab data, results, submission archives and
de-identified analytics unaltered, readable, in their jurisdiction and traceable."""

from __future__ import annotations

from ..controls import Control
from ..rules import records

BUCKET = ("AWS::S3::Bucket",)

RECORDS_CONTROLS: tuple[Control, ...] = (
    Control(
        "GXP-REC-01",
        "Record retention matches the data class",
        "Each records bucket holds one data class and locks it in COMPLIANCE mode for exactly that class's retention.",
        ("11.10(c)", "11.10(e)"), ("7.1", "17"), ("3.1.3",),
        BUCKET, records.retention_matches_class, "S3_BUCKET_DEFAULT_LOCK_ENABLED",
        boundary="regulated",
    ),
    Control(
        "GXP-REC-02",
        "One key per data class",
        "Each data class is encrypted with its own customer-managed KMS key, so access to one class never grants another.",
        ("11.10(c)", "11.10(d)", "11.10(g)"), ("7.1", "12.1"), ("3.1.3",),
        BUCKET, records.own_key_per_class, "S3_DEFAULT_ENCRYPTION_KMS",
        boundary="regulated",
    ),
    Control(
        "GXP-REC-03",
        "Records stay in their jurisdiction",
        "Records buckets and their replicas sit in the account's jurisdiction; only a de-identified class the config lets leave may be copied elsewhere.",
        ("11.10(c)",), ("1", "7.1"), ("3.1.3",),
        BUCKET, records.records_stay_in_jurisdiction,
        boundary="regulated",
    ),
    Control(
        "GXP-REC-04",
        "Replication only for de-identified classes",
        "Only de-identified classes replicate, and only to the record buckets the config names for them.",
        ("11.10(c)", "11.10(d)"), ("1", "7.2"), ("3.1.3",),
        BUCKET, records.replication_only_de_identified,
        boundary="regulated",
    ),
    Control(
        "GXP-REC-05",
        "Record reads and writes reach the audit trail",
        "Every bucket holding a data class carries the records prefix the organization trail records S3 data events for.",
        ("11.10(e)",), ("9", "12.4"), ("3.1.1",),
        BUCKET, records.covered_by_data_events, "CLOUDTRAIL_S3_DATAEVENTS_ENABLED",
        boundary="regulated",
    ),
    Control(
        "GXP-REC-06",
        "Lifecycle keeps the lock",
        "Lifecycle rules only move versions to durable colder storage (Glacier Instant Retrieval, Deep Archive); none expires a version.",
        ("11.10(c)",), ("7.1", "17"), ("3.1.3",),
        BUCKET, records.lifecycle_keeps_the_lock, "S3_VERSION_LIFECYCLE_POLICY_CHECK",
        boundary="regulated",
    ),
)
