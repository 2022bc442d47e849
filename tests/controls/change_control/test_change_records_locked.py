"""GXP-CHG-04: change records are written only by the pipeline, into the locked evidence bucket."""

from __future__ import annotations

import pytest

from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.controls.engine import evaluate
from gxp_landing_zone.controls.registry import by_id
from gxp_landing_zone.stacks.log_archive import LogArchiveStack

CONTROL = "GXP-CHG-04"
STACK = "LogArchive-log-archive-us-east-1"
SID = "DenyChangeRecordsOutsideThePipeline"


def build(app, config):
    return LogArchiveStack(app, config=config, account=config.log_archive, region=config.home_region)


def policy(template: dict) -> dict:
    return properties(template, "AWS::S3::BucketPolicy", "EvidenceBucket")["PolicyDocument"]


def deny(template: dict) -> dict:
    return next(s for s in policy(template)["Statement"] if s.get("Sid") == SID)


def _drop(template):
    document = policy(template)
    document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != SID]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(_drop, id="anyone-may-write"),
        pytest.param(lambda t: deny(t)["Condition"]["ArnNotLike"].update({"aws:PrincipalArn": "arn:aws:iam::888888888888:role/*"}),
                     id="exemption-widened-to-every-deployment-role"),
        pytest.param(lambda t: deny(t).update(Action=["s3:PutObject", "s3:PutObjectRetention"]), id="legal-hold-settable"),
        pytest.param(lambda t: deny(t)["Resource"]["Fn::Join"][1].__setitem__(1, "/change-records/other/*"),
                     id="only-a-prefix-protected"),
        pytest.param(lambda t: deny(t)["Condition"]["ArnNotLike"].update({"aws:PrincipalArn": {"Ref": "WriterRole"}}),
                     id="unprovable-exemption"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_only_the_evidence_bucket_is_judged(reference, ctx):
    judged = evaluate([reference[STACK]], [by_id()[CONTROL]], ctx).evaluations
    assert [(e.logical_id.startswith("EvidenceBucket"), e.outcome) for e in judged] == [(True, "COMPLIANT")]


def _cfn_policy(stack):
    return stack.evidence_bucket.bucket.policy.node.default_child


def _index(stack) -> int:
    statements = stack.resolve(_cfn_policy(stack).policy_document)["Statement"]
    return next(i for i, s in enumerate(statements) if s.get("Sid") == SID)


def _without_deny(stack):
    node = _cfn_policy(stack)
    document = stack.resolve(node.policy_document)
    document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != SID]
    node.policy_document = document


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(LogArchiveStack, "_allow_pipeline", lambda self: None),
    l1=_without_deny,
    overrides=(
        lambda stack: _cfn_policy(stack).add_property_override(
            f"PolicyDocument.Statement.{_index(stack)}.Condition.ArnNotLike.aws:PrincipalArn", "arn:aws:iam::*:role/*"
        ),
        lambda stack: _cfn_policy(stack).add_override(f"Properties.PolicyDocument.Statement.{_index(stack)}.Action", ["s3:PutObject"]),
        lambda stack: _cfn_policy(stack).add_deletion_override(f"Properties.PolicyDocument.Statement.{_index(stack)}.Condition"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
