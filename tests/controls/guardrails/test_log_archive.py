"""GXP-SCP-02: no one in a member account can delete or loosen the log-archive buckets."""

from __future__ import annotations

import pytest

from controls.guardrails._organization import STACK, build, scp, set_content, statement, without_action
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.constructs import guardrails

CONTROL = "GXP-SCP-02"
POLICY, SID = "ProtectAuditSubstrate", "DenyLogArchiveTampering"
TRAIL_BUCKET = "arn:aws:s3:::exbio-audit-trail-222222222222-us-east-1"


def logs(template: dict) -> dict:
    return statement(template, POLICY, SID)


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: without_action(t, POLICY, SID, "s3:DeleteObjectVersion"), id="versions-deletable"),
        pytest.param(lambda t: logs(t).update(Resource=[TRAIL_BUCKET, TRAIL_BUCKET + "/*"]), id="trail-bucket-only"),
        pytest.param(lambda t: logs(t).update(Resource=[r for r in logs(t)["Resource"] if not r.endswith("/*")]),
                     id="buckets-not-objects"),
        pytest.param(lambda t: logs(t)["Condition"]["ArnNotLike"].update({"aws:PrincipalArn": "arn:aws:iam::*:role/*"}),
                     id="exemption-widened-to-every-role"),
        pytest.param(lambda t: logs(t).update(NotResource=logs(t).pop("Resource")), id="not-resource-inverts-it"),
        pytest.param(lambda t: logs(t)["Resource"].__setitem__(0, {"Ref": "TrailBucketArnParameter"}), id="unprovable-resource"),
        pytest.param(lambda t: logs(t).update(Effect={"Fn::If": ["Strict", "Deny", "Allow"]}), id="unprovable-effect"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: logs(t).update(Resource="*"), id="every-resource"),
        pytest.param(lambda t: logs(t).update(Resource=["arn:aws:s3:::exbio-*"]), id="bucket-wildcard"),
        pytest.param(lambda t: logs(t).update(Action=["s3:Delete*", "S3:PUT*"]), id="action-wildcards-and-case"),
    ],
)
def test_compliant_as_iam_reads_it(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(
        guardrails, "LOG_ARCHIVE_TAMPERING_ACTIONS",
        [a for a in guardrails.LOG_ARCHIVE_TAMPERING_ACTIONS if a != "s3:DeleteObjectVersion"],
    ),
    l1=lambda stack: set_content(
        stack, POLICY + "Policy", lambda d: d["Statement"][1].update(Resource=d["Statement"][1]["Resource"][:2])
    ),
    overrides=(
        lambda stack: scp(stack, POLICY + "Policy").add_property_override(
            "Content.Statement.1.Condition.ArnNotLike.aws:PrincipalArn", "arn:aws:iam::*:role/*"
        ),
        lambda stack: scp(stack, POLICY + "Policy").add_override("Properties.Content.Statement.1.Action", ["s3:DeleteBucket"]),
        lambda stack: scp(stack, POLICY + "Policy").add_deletion_override("Properties.Content.Statement.1.Resource"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
