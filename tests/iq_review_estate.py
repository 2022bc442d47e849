"""The audit account's scheduled audit-trail review as the Audit stack deploys it (audit_review/deployment.py),
built in moto with boto3 calls: the locked reports bucket, the review function under its role and managed policy,
and the EventBridge Scheduler schedule that targets it. Called by tests/test_iq_governance.py's audit estate."""

from __future__ import annotations

import io
import json
import zipfile

from gxp_landing_zone.naming import REVIEW_FUNCTION_ROLE, REVIEW_REPORT_PREFIX, REVIEW_SCHEDULE, REVIEW_SCHEDULER_ROLE

REGION = "us-east-1"
LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def review_policy(names, config) -> dict:
    """The review function's managed policy, as the construct writes it (the statements GXP-REV-02 reads)."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "RunTheReviewWorkgroupsQueries", "Effect": "Allow", "Resource": names.review_workgroup_arn(),
         "Action": ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults",
                    "athena:StopQueryExecution", "athena:ListNamedQueries", "athena:GetNamedQuery", "athena:GetWorkGroup"]},
        {"Sid": "ReadTheTrail", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
         "Resource": [f"arn:aws:s3:::{names.trail_bucket}", f"arn:aws:s3:::{names.trail_bucket}/*"]},
        {"Sid": "FileReports", "Effect": "Allow", "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{names.review_reports_bucket}/{REVIEW_REPORT_PREFIX}*"},
        {"Sid": "TellTheAuditBus", "Effect": "Allow", "Action": "events:PutEvents", "Resource": names.audit_bus_arn()},
    ]}


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("gxp_landing_zone/__init__.py", "")
    return buffer.getvalue()


def build_reports_bucket(session, config, names) -> None:
    """Before the estate's other buckets are made: Object Lock is chosen when a bucket is created."""
    s3 = session.client("s3")
    s3.create_bucket(Bucket=names.review_reports_bucket, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=names.review_reports_bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": config.audit_log.days}}})


def build_scheduled_review(session, config, names) -> None:
    iam, account = session.client("iam"), config.audit.id
    role = iam.create_role(RoleName=REVIEW_FUNCTION_ROLE, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]
    policy = iam.create_policy(PolicyName="ScheduledTrailReviewFunctionPolicy",
                               PolicyDocument=json.dumps(review_policy(names, config)))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=REVIEW_FUNCTION_ROLE, PolicyArn=policy)
    function = session.client("lambda").create_function(
        FunctionName="Audit-audit-ScheduledTrailReviewFunction-A1B2C3", Runtime="python3.12", Role=role,
        Handler="gxp_landing_zone.audit_review.runtime.review.handler", Code={"ZipFile": _zip()},
        Environment={"Variables": {"REPORTS_BUCKET": names.review_reports_bucket,
                                   "WORKGROUP": names.TRAIL_REVIEW_WORKGROUP}})["FunctionArn"]
    session.client("scheduler").create_schedule(
        Name=REVIEW_SCHEDULE, ScheduleExpression=config.audit_review.rate_expression(), ScheduleExpressionTimezone="UTC",
        State="ENABLED", FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": function, "RoleArn": f"arn:aws:iam::{account}:role/{REVIEW_SCHEDULER_ROLE}", "Input": "{}"})


def disable_schedule(session) -> None:
    scheduler = session.client("scheduler")
    current = scheduler.get_schedule(Name=REVIEW_SCHEDULE)
    scheduler.update_schedule(Name=REVIEW_SCHEDULE, ScheduleExpression=current["ScheduleExpression"], State="DISABLED",
                              FlexibleTimeWindow=current["FlexibleTimeWindow"], Target=current["Target"])


def let_the_review_query_anywhere(session) -> None:
    iam = session.client("iam")
    arn = iam.create_policy(PolicyName="AnyWorkgroup", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "athena:StartQueryExecution", "Resource": "*"}]}))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=REVIEW_FUNCTION_ROLE, PolicyArn=arn)
