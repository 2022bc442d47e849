"""GXP-REV-02: the audit-trail review report runs on the configured schedule, by the review function, whose role
runs only the review workgroup's queries and writes only the reports bucket, which is locked in COMPLIANCE mode."""

from __future__ import annotations

import pytest

from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, resources_of, variant
from gxp_landing_zone.audit_review.deployment import ScheduledTrailReview
from gxp_landing_zone.stacks.audit import AuditStack

CONTROL = "GXP-REV-02"
AUDIT = "Audit-audit-us-east-1"
OTHER_FUNCTION = "arn:aws:lambda:us-east-1:333333333333:function:someone-elses-report"


def schedule(template: dict) -> dict:
    return properties(template, "AWS::Scheduler::Schedule")


def review_function(template: dict) -> dict:
    return next(r["Properties"] for r in resources_of(template, "AWS::Lambda::Function")
                if "REPORTS_BUCKET" in r["Properties"].get("Environment", {}).get("Variables", {}))


def statement(template: dict, sid: str) -> dict:
    for policy in resources_of(template, "AWS::IAM::ManagedPolicy"):
        for s in policy["Properties"]["PolicyDocument"]["Statement"]:
            if s.get("Sid") == sid:
                return s
    raise AssertionError(sid)


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[AUDIT], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: schedule(t).update(State="DISABLED"), id="schedule-disabled"),
        pytest.param(lambda t: schedule(t).update(ScheduleExpression="rate(30 days)"), id="monthly-not-the-configured-week"),
        pytest.param(lambda t: schedule(t)["Target"].update(Arn=OTHER_FUNCTION), id="targets-another-function"),
        pytest.param(lambda t: statement(t, "RunTheReviewWorkgroupsQueries").update(Resource="*"),
                     id="role-runs-queries-in-any-workgroup"),
        pytest.param(lambda t: statement(t, "FileReports").update(
            Resource="arn:aws:s3:::exbio-audit-trail-222222222222-us-east-1/*"), id="role-writes-the-trail-bucket"),
        pytest.param(lambda t: review_function(t)["Environment"]["Variables"].update(
            REPORTS_BUCKET="exbio-access-logs-222222222222-us-east-1"), id="reports-filed-in-an-unlocked-bucket"),
        pytest.param(lambda t: schedule(t).update(ScheduleExpression={"Fn::ImportValue": "ReviewRate"}),
                     id="unprovable-rate"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[AUDIT], edit), ctx) == {CONTROL}


def build(app, config):
    return AuditStack(app, config=config, account=config.audit, region=config.home_region)


original = ScheduledTrailReview._statements


def _any_workgroup(spec, stack, key):
    # deployment.py edited so the review role may run queries in every workgroup.
    found = original(spec, stack, key)
    found[0] = type(found[0])(sid=found[0].sid, actions=found[0].actions, resources=["*"])
    return found


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(ScheduledTrailReview, "_statements", staticmethod(_any_workgroup)),
    l1=lambda stack: setattr(stack.scheduled_review.schedule, "state", "DISABLED"),
    overrides=(
        lambda stack: stack.scheduled_review.schedule.add_property_override("ScheduleExpression", "rate(30 days)"),
        lambda stack: stack.scheduled_review.schedule.add_override("Properties.Target.Arn", OTHER_FUNCTION),
        lambda stack: stack.scheduled_review.schedule.add_deletion_override("Properties.State"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
