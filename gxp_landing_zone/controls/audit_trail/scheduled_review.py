"""GXP-REV-02: the audit-trail review report is produced on the configured schedule by the review function,
whose role may run only the review workgroup's queries and write only the reports bucket, which keeps every
report under Object Lock in COMPLIANCE mode."""

from __future__ import annotations

from ..buckets._statements import glob_within
from ..cfn import Ref, Unresolved
from ..deployed.scheduler import review_schedule
from ..model import AUDIT, Control, DeployedCheck, all_of, cannot_prove, cfn_bool, compliant, expect, non_compliant, \
    not_applicable, show
from ..signatures._service import function_statements, role_name, variable

# The schedule and the review function's role, as the Audit stack names them (naming_review.py); the
# check states them itself so a rename in the stack cannot rename what is required.
SCHEDULE = "gxp-audit-trail-review"
FUNCTION_ROLE = "gxp-audit-trail-review"
RUNS_QUERIES = ("athena:StartQueryExecution", "athena:GetQueryResults")
# What would let the role add to, alter or remove what a bucket keeps.
WRITES = ("s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention",
          "s3:PutObjectLegalHold", "s3:PutObjectAcl", "s3:PutBucketPolicy", "s3:PutLifecycleConfiguration")
REQUIRED_MODE = "COMPLIANCE"


def _function(schedule, arn):
    """The Lambda function of this template (or IQ reading) the target names, or None."""
    stack = schedule.stack
    if isinstance(arn, Ref):
        return stack.target(arn, "AWS::Lambda::Function")
    if isinstance(arn, str):
        name = arn.split(":")[6] if arn.count(":") >= 6 else arn
        return next((f for f in stack.of_type("AWS::Lambda::Function")
                     if arn == f.get("Arn") or name == f.get("FunctionName")), None)
    return None


def _within(resource, allowed: str, what: str, schedule):
    """Whether a policy Resource entry stays inside ``allowed`` (an ARN pattern), read as IAM reads it."""
    if isinstance(resource, str):
        return glob_within(resource, allowed)
    if isinstance(resource, Ref) and what == "workgroup":
        target = schedule.stack.target(resource, "AWS::Athena::WorkGroup")
        return target is not None and allowed.endswith(f"/{target.get('Name')}")
    return False


def _role_verdict(schedule, function, ctx):
    found = function_statements(function, "the review function")
    if not isinstance(found, list):
        return found
    names = ctx.names
    workgroup = f"arn:aws:athena:{schedule.region or ctx.home_region}:{schedule.stack.account}:workgroup/{names.TRAIL_REVIEW_WORKGROUP}"
    reports = f"arn:aws:s3:::{names.review_reports_bucket}/*"
    problems, runs_review = [], False
    for s in found:
        if not s.is_allow:
            continue
        if s.unresolved is not None:
            return cannot_prove(f"statement {s.sid or '(no Sid)'}: {s.unresolved.why}")
        for actions, allowed, what in ((RUNS_QUERIES, workgroup, "workgroup"), (WRITES, reports, "reports")):
            granted = s.grants_any(actions)
            if not granted:
                continue
            wide = ["NotResource"] if "NotResource" in s.raw else [
                r for r in s.resources() if not _within(r, allowed, what, schedule)]
            if wide:
                problems.append(f"{s.sid or '(no Sid)'} allows {', '.join(sorted(granted))} on {', '.join(map(show, wide))}")
            elif what == "workgroup" and "athena:StartQueryExecution" in granted:
                runs_review = True
    if problems:
        return non_compliant("the review function's role may " + "; ".join(problems))
    if not runs_review:
        return non_compliant("the review function's role may not start queries in the review workgroup")
    return compliant("its role runs only the review workgroup's queries and writes only the reports bucket")


def _bucket_verdict(schedule, function, ctx):
    name = ctx.names.review_reports_bucket
    named = variable(function, "REPORTS_BUCKET")
    if isinstance(named, Unresolved):
        return cannot_prove(f"REPORTS_BUCKET: {named.why}")
    target = schedule.stack.target(named, "AWS::S3::Bucket") if isinstance(named, Ref) else None
    if target is None and named != name:
        return non_compliant(f"the review function files its reports in {show(named)}, not {name}")
    bucket = target or next((b for b in schedule.stack.of_type("AWS::S3::Bucket") if b.get("BucketName") == name), None)
    if bucket is None:
        return cannot_prove(f"the reports bucket {name} is not in this template or reading")
    if bucket.get("BucketName") != name:
        return non_compliant(f"the review function files its reports in {show(bucket.get('BucketName'))}, not {name}")
    return all_of(
        expect(cfn_bool(bucket.get("ObjectLockEnabled")), True, "the reports bucket's ObjectLockEnabled"),
        expect(bucket.get("ObjectLockConfiguration.ObjectLockEnabled"), "Enabled", "the reports bucket's ObjectLockConfiguration"),
        expect(bucket.get("ObjectLockConfiguration.Rule.DefaultRetention.Mode"), REQUIRED_MODE,
               "the reports bucket's DefaultRetention.Mode"),
    )


def check(schedule, ctx):
    if ctx.config is None or ctx.names is None:
        return cannot_prove("the review period and names come from the config, which was not given")
    name = schedule.get("Name")
    if isinstance(name, Unresolved):
        return cannot_prove(f"Name: {name.why}")
    if name != SCHEDULE:
        return not_applicable(f"{show(name)} is not the audit-trail review schedule")
    settings = all_of(
        expect(schedule.get("State"), "ENABLED", "State"),
        expect(schedule.get("ScheduleExpression"), ctx.config.audit_review.rate_expression(), "ScheduleExpression"),
    )
    arn = schedule.get("Target.Arn")
    if isinstance(arn, Unresolved):
        return all_of(settings, cannot_prove(f"Target.Arn: {arn.why}"))
    function = _function(schedule, arn)
    if function is None:
        return all_of(settings, non_compliant(f"the target {show(arn)} is no function of this template or reading"))
    role = role_name(function)
    if isinstance(role, Unresolved) or role != FUNCTION_ROLE:
        targeted = (cannot_prove(f"the target's role: {role.why}") if isinstance(role, Unresolved)
                    else non_compliant(f"the target runs as {show(role)}, not the review function's role {FUNCTION_ROLE}"))
        return all_of(settings, targeted)
    return all_of(settings, compliant("targets the review function"), _role_verdict(schedule, function, ctx),
                  _bucket_verdict(schedule, function, ctx))


CONTROL = Control(
    id="GXP-REV-02",
    title="Scheduled audit-trail review report",
    statement=(
        "An enabled EventBridge Scheduler schedule runs the audit-trail review function at the configured period "
        "(audit_review.period_days). The function's role may run queries only in the review workgroup and write only "
        "to the reports bucket, which keeps every report under Object Lock in COMPLIANCE mode; each report states that "
        "it awaits a reviewer. The review itself, and its record, are the customer's."
    ),
    annex11={
        "9": "Shared: every period the trail of every data class is put before a reviewer, with a locked record of "
             "what was shown; the review itself and its record are the customer's.",
    },
    resource_types=("AWS::Scheduler::Schedule",),
    check=check,
    deployed=DeployedCheck(read=review_schedule, accounts=frozenset({AUDIT}), regions="home"),
)
