"""GXP-S3-03: bucket versioning is on, so a change never obscures the version before it."""

from __future__ import annotations

import pytest
from aws_cdk import aws_s3 as s3

from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import gxp_bucket
from gxp_landing_zone.stacks.log_archive import LogArchiveStack

CONTROL = "GXP-S3-03"
STACK = "LogArchive-log-archive-us-east-1"


def config_bucket(template: dict) -> dict:
    return properties(template, "AWS::S3::Bucket", "ConfigHistory")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: config_bucket(t).update(VersioningConfiguration={"Status": "Suspended"}), id="suspended"),
        pytest.param(lambda t: config_bucket(t).pop("VersioningConfiguration"), id="never-enabled"),
        pytest.param(lambda t: config_bucket(t).update(VersioningConfiguration={"Status": "enabled"}), id="not-the-enum"),
        pytest.param(
            lambda t: config_bucket(t).update(VersioningConfiguration={"Status": {"Ref": "VersioningStatus"}}), id="unprovable"
        ),
        pytest.param(
            lambda t: config_bucket(t).update(VersioningConfiguration={"Fn::If": ["Versioned", {"Status": "Enabled"}, {}]}),
            id="unprovable-condition",
        ),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _not_versioned(cls):
    # gxp_bucket.py edited to pass versioned=False to the buckets that do not use Object Lock (CDK
    # refuses Object Lock without versioning, so the edit can only reach those).
    class Unversioned(cls):
        def __init__(self, *args, **kwargs):
            if not kwargs.get("object_lock_enabled"):
                kwargs["versioned"] = False
            super().__init__(*args, **kwargs)

    return Unversioned


def _config_bucket(stack):
    return stack.config_bucket.bucket.node.default_child


def build(app, config):
    return LogArchiveStack(app, config=config, account=config.log_archive, region=config.home_region)


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(gxp_bucket.s3, "Bucket", _not_versioned(s3.Bucket)),
    l1=lambda stack: setattr(
        _config_bucket(stack), "versioning_configuration", s3.CfnBucket.VersioningConfigurationProperty(status="Suspended")
    ),
    overrides=(
        lambda stack: _config_bucket(stack).add_property_override("VersioningConfiguration.Status", "Suspended"),
        lambda stack: _config_bucket(stack).add_override("Properties.VersioningConfiguration", {"Status": "Suspended"}),
        lambda stack: _config_bucket(stack).add_deletion_override("Properties.VersioningConfiguration"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
