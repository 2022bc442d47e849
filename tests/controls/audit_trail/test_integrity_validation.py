"""GXP-TRAIL-02: the audit trail's log files are integrity-validated."""

from __future__ import annotations

import pytest
from aws_cdk import aws_cloudtrail as cloudtrail

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.constructs import organization_trail
from gxp_landing_zone.stacks.organization import OrganizationStack

CONTROL = "GXP-TRAIL-02"
STACK = "Organization-management-us-east-1"


def trail(template: dict) -> dict:
    return properties(template, "AWS::CloudTrail::Trail")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: trail(t).update(EnableLogFileValidation=False), id="false"),
        pytest.param(lambda t: trail(t).update(EnableLogFileValidation="false"), id="string-false"),
        pytest.param(lambda t: trail(t).pop("EnableLogFileValidation"), id="absent"),
        pytest.param(lambda t: trail(t).update(EnableLogFileValidation={"Ref": "ValidationParameter"}), id="unprovable-ref"),
        pytest.param(
            lambda t: trail(t).update(EnableLogFileValidation={"Fn::If": ["Prod", True, False]}), id="unprovable-condition"
        ),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_the_string_true_cloudformation_accepts_is_compliant(reference, ctx):
    assert fired(variant(reference[STACK], lambda t: trail(t).update(EnableLogFileValidation="true")), ctx) == set()


def _trail(stack):
    return stack.trail.trail


CHANNELS = Channels(
    build=lambda app, config: OrganizationStack(app, config=config, account=config.management, region=config.home_region),
    construct=lambda mp: mp.setattr(
        organization_trail.cloudtrail, "CfnTrail", forcing(cloudtrail.CfnTrail, enable_log_file_validation=False)
    ),
    l1=lambda stack: setattr(_trail(stack), "enable_log_file_validation", False),
    overrides=(
        lambda stack: _trail(stack).add_property_override("EnableLogFileValidation", False),
        lambda stack: _trail(stack).add_override("Properties.EnableLogFileValidation", "false"),
        lambda stack: _trail(stack).add_property_deletion_override("EnableLogFileValidation"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
