"""GXP-S3-07: requests to the bucket are logged to a separate access-log bucket."""

from __future__ import annotations

import pytest
from aws_cdk import aws_s3 as s3

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, resources_of, variant
from gxp_landing_zone.constructs import gxp_bucket
from gxp_landing_zone.stacks.log_archive import LogArchiveStack

CONTROL = "GXP-S3-07"
STACK = "LogArchive-log-archive-us-east-1"


def trail_bucket(template: dict) -> dict:
    return properties(template, "AWS::S3::Bucket", "AuditTrail")


def logging_to(target):
    return lambda t: trail_bucket(t)["LoggingConfiguration"].update(DestinationBucketName=target)


def logical_id(template: dict, named: str) -> str:
    return next(lid for lid, r in template["Resources"].items() if r["Type"] == "AWS::S3::Bucket" and named in lid)


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: trail_bucket(t).pop("LoggingConfiguration"), id="logging-off"),
        pytest.param(lambda t: trail_bucket(t)["LoggingConfiguration"].pop("DestinationBucketName"), id="no-destination"),
        pytest.param(lambda t: logging_to({"Ref": logical_id(t, "AuditTrail")})(t), id="logs-to-itself"),
        pytest.param(lambda t: logging_to({"Ref": logical_id(t, "ConfigHistory")})(t), id="logs-to-a-records-holder"),
        pytest.param(logging_to("some-bucket-elsewhere"), id="unknown-destination"),
        pytest.param(logging_to({"Ref": "LogBucketParameter"}), id="unprovable-destination"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_the_access_log_bucket_named_literally_is_compliant(reference, ctx):
    def edit(template):
        name = properties(template, "AWS::S3::Bucket", "AccessLog")["BucketName"]
        logging_to(name)(template)

    assert fired(variant(reference[STACK], edit), ctx) == set()


def test_the_access_log_bucket_itself_is_not_logged(reference, ctx):
    assert not resources_of(reference[STACK].template, "AWS::S3::Bucket", "AccessLog")[0]["Properties"].get("LoggingConfiguration")
    assert CONTROL not in fired(reference[STACK], ctx)


def _trail_bucket(stack):
    return stack.trail_bucket.bucket.node.default_child


def build(app, config):
    return LogArchiveStack(app, config=config, account=config.log_archive, region=config.home_region)


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(
        gxp_bucket.s3, "Bucket", forcing(s3.Bucket, server_access_logs_bucket=None, server_access_logs_prefix=None)
    ),
    l1=lambda stack: setattr(_trail_bucket(stack), "logging_configuration", None),
    overrides=(
        lambda stack: _trail_bucket(stack).add_deletion_override("Properties.LoggingConfiguration"),
        lambda stack: _trail_bucket(stack).add_property_override(
            "LoggingConfiguration.DestinationBucketName", {"Ref": stack.get_logical_id(stack.config_bucket.bucket.node.default_child)}
        ),
        lambda stack: _trail_bucket(stack).add_override("Properties.LoggingConfiguration.DestinationBucketName", "elsewhere-logs"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
