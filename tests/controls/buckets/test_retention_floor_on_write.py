"""GXP-S3-09: a write cannot ask for less than the bucket's retention, or for GOVERNANCE mode."""

from __future__ import annotations

import pytest

from controls.support import Channels, assert_channel_caught, channel_cases, fired, the, variant
from gxp_landing_zone.constructs import gxp_bucket
from gxp_landing_zone.controls.engine import evaluate
from gxp_landing_zone.controls.registry import by_id
from gxp_landing_zone.stacks.log_archive import LogArchiveStack

CONTROL = "GXP-S3-09"
STACK = "LogArchive-log-archive-us-east-1"
REMAINING = "s3:object-lock-remaining-retention-days"


def statement(template: dict, sid: str) -> dict:
    policy = the(template, "AWS::S3::BucketPolicy", "AuditTrail")
    return next(s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s.get("Sid") == sid)


def floor(template: dict) -> dict:
    return statement(template, "DenyShorterRetentionOnWrite")


def governance(template: dict) -> dict:
    return statement(template, "DenyGovernanceModeOnWrite")


def drop(sid: str):
    def edit(template):
        document = the(template, "AWS::S3::BucketPolicy", "AuditTrail")["Properties"]["PolicyDocument"]
        document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != sid]

    return edit


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: floor(t).update(Condition={"NumericLessThan": {REMAINING: "1"}}), id="floor-one-day"),
        pytest.param(lambda t: floor(t).update(Condition={"NumericLessThan": {REMAINING: "9489"}}), id="floor-a-day-short"),
        pytest.param(drop("DenyShorterRetentionOnWrite"), id="no-floor"),
        pytest.param(drop("DenyGovernanceModeOnWrite"), id="governance-allowed"),
        pytest.param(lambda t: governance(t).update(Condition={"StringEquals": {"s3:object-lock-mode": "governance"}}), id="wrong-case"),
        pytest.param(lambda t: floor(t).update(Action="s3:PutObject"), id="retention-changeable-later"),
        pytest.param(lambda t: floor(t)["Condition"].update(StringEquals={"aws:PrincipalAccount": "111111111111"}), id="floor-narrowed"),
        pytest.param(lambda t: governance(t).update(Principal={"AWS": "arn:aws:iam::222222222222:root"}), id="governance-one-principal"),
        pytest.param(lambda t: floor(t).update(Condition={"NumericLessThan": {REMAINING: {"Ref": "FloorDays"}}}), id="unprovable-floor"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: floor(t).update(Condition={"NumericLessThan": {REMAINING: 9490}}), id="number-not-string"),
        pytest.param(lambda t: floor(t).update(Condition={"NumericLessThanEquals": {REMAINING: "9489"}}), id="less-than-or-equal"),
        pytest.param(lambda t: floor(t).update(Action="s3:Put*") or governance(t).update(Action="S3:PUTOBJECT*"), id="wildcards"),
        pytest.param(
            lambda t: governance(t).update(Condition={"StringEqualsIgnoreCase": {"s3:object-lock-mode": "governance"}}),
            id="ignore-case",
        ),
    ],
)
def test_read_as_iam_reads_it_is_compliant(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def test_only_buckets_with_a_retention_requirement_are_judged(reference, ctx):
    # The access-log and config-history buckets hold no lock (S3 log delivery and AWS Config refuse one);
    # the audit trail and the change records do.
    judged = {e.logical_id for e in evaluate([reference[STACK]], [by_id()[CONTROL]], ctx).evaluations}
    assert sorted(j.rstrip("0123456789ABCDEF") for j in judged) == ["AuditTrailBucket", "EvidenceBucket"]


def _trail_policy(stack):
    return stack.trail_bucket.bucket.policy.node.default_child


def _floor_of_a_day(stack):
    policy = _trail_policy(stack)
    document = stack.resolve(policy.policy_document)
    for statement in document["Statement"]:
        if statement.get("Sid") == "DenyShorterRetentionOnWrite":
            statement["Condition"] = {"NumericLessThan": {REMAINING: "1"}}
    policy.policy_document = document


def build(app, config):
    return LogArchiveStack(app, config=config, account=config.log_archive, region=config.home_region)


CHANNELS = Channels(
    build=build,
    # gxp_bucket.py edited to guard uploads only: a writer could then shorten a retention afterwards.
    construct=lambda mp: mp.setattr(gxp_bucket, "RETENTION_SETTING_ACTIONS", ["s3:PutObject"]),
    l1=_floor_of_a_day,
    overrides=(
        lambda stack: _trail_policy(stack).add_property_override(
            f"PolicyDocument.Statement.4.Condition.NumericLessThan.{REMAINING}", "1"
        ),
        lambda stack: _trail_policy(stack).add_override(
            "Properties.PolicyDocument.Statement.5.Condition.StringEquals.s3:object-lock-mode", "COMPLIANCE"
        ),
        lambda stack: _trail_policy(stack).add_deletion_override("Properties.PolicyDocument.Statement.5.Principal"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
