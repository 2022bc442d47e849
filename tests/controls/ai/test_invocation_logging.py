"""GXP-AI-01: every Bedrock prompt and output is logged to a locked bucket and an encrypted log group."""

from __future__ import annotations

import pytest
from aws_cdk import aws_s3 as s3

from controls.ai._builders import GENAI, GENAI_RESEARCH, drop_type, genai_stack, logging_config
from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import bedrock_logging

CONTROL = "GXP-AI-01"
STACK = GENAI


def log_bucket(template: dict) -> dict:
    return properties(template, "AWS::S3::Bucket", "InvocationLoggingBucket")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)
    assert CONTROL not in fired(reference[GENAI_RESEARCH], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: logging_config(t).update(textDataDeliveryEnabled="false"), id="text-not-delivered"),
        pytest.param(lambda t: logging_config(t)["s3Config"].update(bucketName="some-other-bucket"), id="unlocked-bucket"),
        pytest.param(lambda t: log_bucket(t)["ObjectLockConfiguration"]["Rule"]["DefaultRetention"].update(Days=30),
                     id="kept-30-days"),
        pytest.param(lambda t: log_bucket(t)["ObjectLockConfiguration"]["Rule"]["DefaultRetention"].update(Mode="GOVERNANCE"),
                     id="governance-mode"),
        pytest.param(lambda t: logging_config(t)["cloudWatchConfig"].update(logGroupName="/somewhere/else"),
                     id="log-group-elsewhere"),
        pytest.param(lambda t: logging_config(t).pop("cloudWatchConfig"), id="no-log-group-delivery"),
        pytest.param(lambda t: drop_type(t, "Custom::BedrockInvocationLogging"), id="logging-not-configured"),
        pytest.param(lambda t: logging_config(t)["s3Config"].update(bucketName={"Ref": "BucketParameter"}),
                     id="unprovable-bucket"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_an_account_without_bedrock_is_not_judged(reference, ctx):
    # The same stack read as if it were in regulated-jp, which the config allows no Bedrock.
    stack = variant(reference[STACK], lambda t: None)
    stack.account = ctx.config.account("regulated-jp").id
    assert CONTROL not in fired(stack, ctx)


def _setting(stack):
    return stack.logging.setting


def _without_text(original):
    """The construct's code edited to stop delivering text."""

    def apply(self, key, logging_config, retention):
        return original(self, key, {**logging_config, "textDataDeliveryEnabled": "false"}, retention)

    return apply


CHANNELS = Channels(
    build=genai_stack,
    construct=lambda mp: mp.setattr(bedrock_logging.InvocationLogging, "_apply",
                                    _without_text(bedrock_logging.InvocationLogging._apply)),
    l1=lambda stack: setattr(stack.logging.bucket.bucket.node.default_child, "object_lock_configuration",
                             s3.CfnBucket.ObjectLockConfigurationProperty(object_lock_enabled="Enabled", rule=s3.CfnBucket.ObjectLockRuleProperty(
                                 default_retention=s3.CfnBucket.DefaultRetentionProperty(mode="COMPLIANCE", days=30)))),
    overrides=(
        lambda stack: _setting(stack).add_property_override("LoggingConfig.textDataDeliveryEnabled", "false"),
        lambda stack: _setting(stack).add_override("Properties.LoggingConfig.s3Config.bucketName", "elsewhere"),
        lambda stack: _setting(stack).add_deletion_override("Properties.LoggingConfig.cloudWatchConfig"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
