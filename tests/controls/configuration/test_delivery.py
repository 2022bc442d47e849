"""GXP-CFG-04: configuration history is delivered, encrypted, to the log archive."""

from __future__ import annotations

import pytest
from aws_cdk import aws_config as config_

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.constructs import config_recorder
from gxp_landing_zone.stacks.baseline import BaselineStack

CONTROL = "GXP-CFG-04"
STACK = "Baseline-management-eu-central-1"
TRAIL_LOGS_KEY = "arn:aws:kms:us-east-1:111111111111:alias/gxp/trail-logs"


def channel(template: dict) -> dict:
    return properties(template, "AWS::Config::DeliveryChannel")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: channel(t).update(S3BucketName="somewhere-else"), id="another-bucket"),
        pytest.param(lambda t: channel(t).pop("S3KmsKeyArn"), id="unencrypted"),
        pytest.param(lambda t: channel(t).update(S3KmsKeyArn=TRAIL_LOGS_KEY), id="another-accounts-key"),
        pytest.param(lambda t: channel(t).update(S3KmsKeyArn="arn:aws:kms:eu-central-1:222222222222:alias/gxp/log-archive"),
                     id="key-in-this-region"),
        pytest.param(lambda t: channel(t).update(S3BucketName={"Ref": "HistoryBucket"}), id="unprovable-bucket"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_the_key_arn_config_reports_is_compliant(reference, ctx):
    edit = lambda t: channel(t).update(S3KmsKeyArn="arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab")  # noqa: E731
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _channel(stack):
    return stack.recorder.delivery_channel


CHANNELS = Channels(
    build=lambda app, config: BaselineStack(app, config=config, account=config.management, region="eu-central-1"),
    construct=lambda mp: mp.setattr(
        config_recorder.config_, "CfnDeliveryChannel", forcing(config_.CfnDeliveryChannel, s3_kms_key_arn=None)),
    l1=lambda stack: setattr(_channel(stack), "s3_bucket_name", "somewhere-else"),
    overrides=(
        lambda stack: _channel(stack).add_property_override("S3KmsKeyArn", TRAIL_LOGS_KEY),
        lambda stack: _channel(stack).add_override("Properties.S3BucketName", {"Ref": "HistoryBucket"}),
        lambda stack: _channel(stack).add_deletion_override("Properties.S3KmsKeyArn"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
