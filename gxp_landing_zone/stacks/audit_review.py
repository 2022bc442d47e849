"""The Audit stack's scheduled audit-trail review (Annex 11 9): the schedule, the review function, the locked
reports bucket, the audit key's grants for them, and the alert that a report awaits review."""

from __future__ import annotations

from aws_cdk import aws_iam as iam

from ..audit_review.deployment import ReviewSpec, ScheduledTrailReview
from ..constructs.acknowledge import acknowledge
from ..constructs.compliance_events import AlertRoute
from ..naming import (
    REVIEW_EVENT_SOURCE, REVIEW_FAILED, REVIEW_FUNCTION_ROLE, REVIEW_READY, REVIEW_REPORT_PREFIX, REVIEW_RETENTION_CLASS,
    REVIEW_SCHEDULE, REVIEW_SCHEDULER_ROLE,
)


def scheduled_review(stack, reader_policy: iam.ManagedPolicy) -> ScheduledTrailReview:
    names, config = stack.names, stack.config
    key = stack.key
    review = ScheduledTrailReview(stack, "ScheduledTrailReview", key=key.key, spec=ReviewSpec(
        workgroup=names.TRAIL_REVIEW_WORKGROUP, workgroup_arn=names.review_workgroup_arn(),
        database=names.TRAIL_REVIEW_DATABASE, table=names.TRAIL_REVIEW_TABLE, trail_bucket=names.trail_bucket,
        log_archive_account=config.log_archive.id, log_archive_key_alias=names.log_archive_key_alias,
        reports_bucket=names.review_reports_bucket, access_log_bucket=names.review_access_log_bucket,
        report_prefix=REVIEW_REPORT_PREFIX, retention_class=REVIEW_RETENTION_CLASS, lock_days=config.audit_log.days,
        event_bus_name=names.audit_bus_name, event_bus_arn=names.audit_bus_arn(), schedule_name=REVIEW_SCHEDULE,
        rate_expression=config.audit_review.rate_expression(), period_days=config.audit_review.period_days,
        rows_per_query=config.audit_review.rows_per_query, function_role=REVIEW_FUNCTION_ROLE,
        scheduler_role=REVIEW_SCHEDULER_ROLE, log_retention_days=config.audit_log.cloudwatch_retention_days,
    ))
    region, account = stack.region, stack.account
    key.allow(
        "CloudWatchLogsEncryptReviewLogs",
        iam.ServicePrincipal(f"logs.{region}.amazonaws.com"),
        ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:*"}},
    )
    key.allow(
        "ReviewFunctionThroughAthenaAndS3",
        iam.AccountRootPrincipal(),
        ["kms:Decrypt", "kms:GenerateDataKey"],
        {
            "StringEquals": {"kms:ViaService": [f"athena.{region}.amazonaws.com", f"s3.{region}.amazonaws.com"]},
            "ArnEquals": {"aws:PrincipalArn": names.review_function_role_arn()},
        },
    )
    # Reviewers read the reports as the audit log reader, which already runs the saved queries.
    key.allow(
        "ReviewersReadReportsThroughS3",
        iam.AccountRootPrincipal(),
        ["kms:Decrypt"],
        {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
         "ArnEquals": {"aws:PrincipalArn": names.audit_reader_role_arn()}},
    )
    bucket = review.reports.bucket
    reader_policy.add_statements(
        iam.PolicyStatement(sid="ReadReviewReports", actions=["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket",
                                                             "s3:ListBucketVersions"],
                            resources=[bucket.bucket_arn, bucket.arn_for_objects(f"{REVIEW_REPORT_PREFIX}*")]),
        iam.PolicyStatement(sid="ReadReviewReportsKey", actions=["kms:Decrypt"], resources=[key.key.key_arn],
                            conditions={"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}}),
    )
    acknowledge(
        reader_policy,
        [f"AwsSolutions-IAM5[Resource::<{stack.get_logical_id(bucket.node.default_child)}.Arn>/{REVIEW_REPORT_PREFIX}*]"],
        "Reviewers read every filed report: one pair of objects per period under the reports prefix",
    )
    _acknowledge(review, names, config)
    return review


def review_alert_routes() -> list[AlertRoute]:
    """A filed report awaits its reviewer; a review that was due and produced nothing is a failure QA must see."""
    return [AlertRoute(
        id="AuditTrailReviewAlert",
        description="An audit-trail review report awaits review, or a scheduled review produced none",
        controls="GXP-REV-02", clauses="Annex 11 9", source=(REVIEW_EVENT_SOURCE,),
        detail_type=(REVIEW_READY, REVIEW_FAILED), detail={"period": {"end": [{"exists": True}]}},
    )]


def _acknowledge(review: ScheduledTrailReview, names, config) -> None:
    acknowledge(
        review.function.policy,
        [f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{names.trail_bucket}/*]",
         f"AwsSolutions-IAM5[Resource::arn:aws:kms:{config.home_region}:{config.log_archive.id}:key/*]",
         f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{names.review_reports_bucket}/{REVIEW_REPORT_PREFIX}*]"],
        "Athena reads the trail files of the period with the caller's permissions (one object per account, region "
        "and five minutes); the log-archive key's ID is unknown at synthesis and kms:ResourceAliases pins it to "
        f"{names.log_archive_key_alias}; each report is a new object under the reports prefix",
    )
    acknowledge(
        review.access_logs.bucket,
        ["GXP-S3-08", "HIPAA.Security-S3DefaultEncryptionKMS", "NIST.800.53.R5-S3DefaultEncryptionKMS"],
        "S3 server access log delivery supports only SSE-S3 on the destination bucket; the bucket holds request "
        "metadata about review reports, not their content",
    )
    for bucket in (review.access_logs, review.reports):
        acknowledge(
            bucket.bucket,
            ["HIPAA.Security-S3BucketReplicationEnabled", "NIST.800.53.R5-S3BucketReplicationEnabled"],
            "A review report is derived from the organization trail, which is kept under Object Lock and backed up to "
            "a second region in the log archive; any period's report can be produced again from it",
        )
    function = review.function.function
    acknowledge(
        function,
        ["HIPAA.Security-LambdaDLQ", "NIST.800.53.R5-LambdaDLQ"],
        "A run that fails tells the audit bus itself (Audit Trail Review Report Failed), which alerts QA; the next "
        "period's run is independent of it",
    )
