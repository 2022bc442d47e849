"""GXP-S3-10: access to a bucket's objects is granted only by policy, never by an ACL."""

from __future__ import annotations

import pytest
from aws_cdk import aws_s3 as s3

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.constructs import gxp_bucket
from gxp_landing_zone.stacks.log_archive import LogArchiveStack

CONTROL = "GXP-S3-10"
STACK = "LogArchive-log-archive-us-east-1"


def trail_bucket(template: dict) -> dict:
    return properties(template, "AWS::S3::Bucket", "AuditTrail")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: trail_bucket(t).pop("OwnershipControls"), id="absent-means-acls-honoured"),
        pytest.param(lambda t: trail_bucket(t).update(OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}),
                     id="object-writer"),
        pytest.param(lambda t: trail_bucket(t).update(
            OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}), id="owner-preferred"),
        pytest.param(lambda t: trail_bucket(t).update(
            OwnershipControls={"Rules": [{"ObjectOwnership": {"Ref": "OwnershipMode"}}]}), id="unprovable-parameter"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _trail_bucket(stack):
    return stack.trail_bucket.bucket.node.default_child


CHANNELS = Channels(
    build=lambda app, config: LogArchiveStack(app, config=config, account=config.log_archive, region=config.home_region),
    construct=lambda mp: mp.setattr(
        gxp_bucket.s3, "Bucket", forcing(s3.Bucket, object_ownership=s3.ObjectOwnership.OBJECT_WRITER)
    ),
    l1=lambda stack: setattr(_trail_bucket(stack), "ownership_controls", s3.CfnBucket.OwnershipControlsProperty(
        rules=[s3.CfnBucket.OwnershipControlsRuleProperty(object_ownership="BucketOwnerPreferred")]
    )),
    overrides=(
        lambda stack: _trail_bucket(stack).add_property_override("OwnershipControls.Rules.0.ObjectOwnership", "ObjectWriter"),
        lambda stack: _trail_bucket(stack).add_deletion_override("Properties.OwnershipControls"),
        lambda stack: _trail_bucket(stack).add_override("Properties.OwnershipControls.Rules", []),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
