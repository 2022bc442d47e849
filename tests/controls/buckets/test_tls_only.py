"""GXP-S3-04: the bucket refuses every request not made over TLS."""

from __future__ import annotations

import pytest
from aws_cdk import aws_s3 as s3

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, the, variant
from gxp_landing_zone.constructs import gxp_bucket
from gxp_landing_zone.stacks.log_archive import LogArchiveStack

CONTROL = "GXP-S3-04"
STACK = "LogArchive-log-archive-us-east-1"


def tls_statement(template: dict) -> dict:
    policy = the(template, "AWS::S3::BucketPolicy", "AuditTrail")
    return next(
        s for s in policy["Properties"]["PolicyDocument"]["Statement"] if "aws:SecureTransport" in str(s.get("Condition"))
    )


def drop_tls(template: dict) -> None:
    policy = the(template, "AWS::S3::BucketPolicy", "AuditTrail")
    document = policy["Properties"]["PolicyDocument"]
    document["Statement"] = [s for s in document["Statement"] if "aws:SecureTransport" not in str(s.get("Condition"))]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(drop_tls, id="statement-removed"),
        pytest.param(lambda t: tls_statement(t).update(Condition={"Bool": {"aws:SecureTransport": "true"}}), id="condition-inverted"),
        pytest.param(lambda t: tls_statement(t).update(Action="s3:GetObject"), id="only-reads"),
        pytest.param(lambda t: tls_statement(t).update(Principal={"AWS": "arn:aws:iam::111111111111:root"}), id="one-principal"),
        pytest.param(lambda t: tls_statement(t).update(Effect="Allow"), id="allow-not-deny"),
        pytest.param(lambda t: tls_statement(t).update(Resource=tls_statement(t)["Resource"][:1]), id="bucket-not-objects"),
        pytest.param(lambda t: tls_statement(t).update(NotPrincipal={"AWS": "arn:aws:iam::111111111111:root"}), id="not-principal"),
        pytest.param(lambda t: tls_statement(t).update(NotAction="s3:GetObject", Action=None) or tls_statement(t).pop("Action"), id="not-action-carves-reads"),
        pytest.param(
            lambda t: tls_statement(t).update(Condition={"Bool": {"aws:SecureTransport": {"Ref": "TlsRequired"}}}),
            id="unprovable-condition",
        ),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_wildcard_and_case_read_as_iam_reads_them(reference, ctx):
    def edit(template):
        tls_statement(template).update(Action="S3:*", Principal="*")

    assert fired(variant(reference[STACK], edit), ctx) == set()


def _trail_policy(stack):
    return stack.trail_bucket.bucket.policy.node.default_child


def _without_tls(stack):
    policy = _trail_policy(stack)
    document = stack.resolve(policy.policy_document)
    document["Statement"] = [s for s in document["Statement"] if "aws:SecureTransport" not in str(s.get("Condition"))]
    policy.policy_document = document


CHANNELS = Channels(
    build=lambda app, config: LogArchiveStack(app, config=config, account=config.log_archive, region=config.home_region),
    construct=lambda mp: mp.setattr(gxp_bucket.s3, "Bucket", forcing(s3.Bucket, enforce_ssl=False, minimum_tls_version=None)),
    l1=_without_tls,
    overrides=(
        lambda stack: _trail_policy(stack).add_property_override(
            "PolicyDocument.Statement.0.Condition.Bool.aws:SecureTransport", "true"
        ),
        lambda stack: _trail_policy(stack).add_override("Properties.PolicyDocument.Statement.0.Action", "s3:GetObject"),
        lambda stack: _trail_policy(stack).add_deletion_override("Properties.PolicyDocument.Statement.0.Condition"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
