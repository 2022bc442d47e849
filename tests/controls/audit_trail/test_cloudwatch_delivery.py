"""GXP-TRAIL-04: the trail streams to its CloudWatch Logs group for review."""

from __future__ import annotations

import pytest
from aws_cdk import aws_cloudtrail as cloudtrail

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.constructs import organization_trail
from gxp_landing_zone.stacks.organization import OrganizationStack

CONTROL = "GXP-TRAIL-04"
STACK = "Organization-management-us-east-1"
TRAIL_GROUP = "arn:aws:logs:us-east-1:111111111111:log-group:/gxp/cloudtrail/gxp-organization-trail"


def trail(template: dict) -> dict:
    return properties(template, "AWS::CloudTrail::Trail")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: trail(t).pop("CloudWatchLogsLogGroupArn"), id="no-log-group"),
        pytest.param(lambda t: trail(t).pop("CloudWatchLogsRoleArn"), id="no-delivery-role"),
        # A group the IQ does not judge (GXP-LOG-01 looks for the trail's named group).
        pytest.param(
            lambda t: trail(t).update(CloudWatchLogsLogGroupArn="arn:aws:logs:us-east-1:111111111111:log-group:/scratch:*"),
            id="another-group",
        ),
        pytest.param(
            lambda t: trail(t).update(CloudWatchLogsLogGroupArn={"Fn::GetAtt": ["TrailLogsKey8B9754CB", "Arn"]}),
            id="not-a-log-group",
        ),
        pytest.param(lambda t: trail(t).update(CloudWatchLogsLogGroupArn={"Fn::ImportValue": "TrailGroup"}), id="unprovable-import"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize("arn", [TRAIL_GROUP, TRAIL_GROUP + ":*"])
def test_the_named_group_by_arn_is_compliant(reference, ctx, arn):
    assert CONTROL not in fired(variant(reference[STACK], lambda t: trail(t).update(CloudWatchLogsLogGroupArn=arn)), ctx)


def _trail(stack):
    return stack.trail.trail


CHANNELS = Channels(
    build=lambda app, config: OrganizationStack(app, config=config, account=config.management, region=config.home_region),
    construct=lambda mp: mp.setattr(
        organization_trail.cloudtrail, "CfnTrail",
        forcing(cloudtrail.CfnTrail, cloud_watch_logs_log_group_arn=None, cloud_watch_logs_role_arn=None),
    ),
    l1=lambda stack: setattr(_trail(stack), "cloud_watch_logs_role_arn", None),
    overrides=(
        lambda stack: _trail(stack).add_property_deletion_override("CloudWatchLogsLogGroupArn"),
        lambda stack: _trail(stack).add_property_override(
            "CloudWatchLogsLogGroupArn", "arn:aws:logs:us-east-1:111111111111:log-group:/scratch:*"),
        lambda stack: _trail(stack).add_override("Properties.CloudWatchLogsRoleArn", ""),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
