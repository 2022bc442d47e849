"""GXP-TRAIL-03: the trail's files are encrypted with the log-archive key."""

from __future__ import annotations

import pytest
from aws_cdk import aws_cloudtrail as cloudtrail

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.constructs import organization_trail
from gxp_landing_zone.stacks.organization import OrganizationStack

CONTROL = "GXP-TRAIL-03"
STACK = "Organization-management-us-east-1"
LOG_ARCHIVE_KEYS = "arn:aws:kms:us-east-1:222222222222:"


def trail(template: dict) -> dict:
    return properties(template, "AWS::CloudTrail::Trail")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: trail(t).pop("KMSKeyId"), id="unencrypted"),
        # A bare alias resolves in the trail's own (management) account.
        pytest.param(lambda t: trail(t).update(KMSKeyId="alias/gxp/log-archive"), id="bare-alias"),
        pytest.param(lambda t: trail(t).update(KMSKeyId={"Fn::GetAtt": ["TrailLogsKey8B9754CB", "Arn"]}), id="management-key"),
        pytest.param(lambda t: trail(t).update(KMSKeyId=LOG_ARCHIVE_KEYS + "alias/gxp/other"), id="other-alias"),
        pytest.param(lambda t: trail(t).update(KMSKeyId="arn:aws:kms:eu-central-1:222222222222:alias/gxp/log-archive"), id="other-region"),
        pytest.param(lambda t: trail(t).update(KMSKeyId={"Ref": "TrailKey"}), id="unprovable-ref"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_the_key_arn_cloudtrail_reports_is_compliant(reference, ctx):
    edit = lambda t: trail(t).update(KMSKeyId=LOG_ARCHIVE_KEYS + "key/1234abcd-12ab-34cd-56ef-1234567890ab")  # noqa: E731
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _trail(stack):
    return stack.trail.trail


CHANNELS = Channels(
    build=lambda app, config: OrganizationStack(app, config=config, account=config.management, region=config.home_region),
    construct=lambda mp: mp.setattr(organization_trail.cloudtrail, "CfnTrail", forcing(cloudtrail.CfnTrail, kms_key_id=None)),
    l1=lambda stack: setattr(_trail(stack), "kms_key_id", stack.trail_logs_key.key.key_arn),
    overrides=(
        lambda stack: _trail(stack).add_property_override("KMSKeyId", "alias/gxp/log-archive"),
        lambda stack: _trail(stack).add_override("Properties.KMSKeyId", LOG_ARCHIVE_KEYS + "alias/aws/cloudtrail"),
        lambda stack: _trail(stack).add_property_deletion_override("KMSKeyId"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
