"""GXP-LOG-01: log groups are KMS-encrypted and kept at least as long as the config requires."""

from __future__ import annotations

import pytest
from aws_cdk import aws_logs as logs

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.constructs import organization_trail
from gxp_landing_zone.stacks.organization import OrganizationStack

CONTROL = "GXP-LOG-01"
STACK = "Organization-management-us-east-1"


def group(template: dict) -> dict:
    return properties(template, "AWS::Logs::LogGroup")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: group(t).pop("KmsKeyId"), id="unencrypted"),
        pytest.param(lambda t: group(t).update(RetentionInDays=30), id="kept-30-days"),
        pytest.param(lambda t: group(t).update(RetentionInDays="364"), id="string-one-day-short"),
        pytest.param(lambda t: group(t).update(RetentionInDays={"Ref": "Retention"}), id="unprovable-retention"),
        pytest.param(lambda t: group(t).update(KmsKeyId={"Fn::If": ["Encrypt", "arn:aws:kms:x", {"Ref": "AWS::NoValue"}]}),
                     id="unprovable-key"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: group(t).pop("RetentionInDays"), id="never-expires"),
        pytest.param(lambda t: group(t).update(RetentionInDays="3653"), id="string-longer"),
    ],
)
def test_compliant_as_cloudwatch_reads_it(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _group(stack):
    return stack.trail.log_group.node.default_child


CHANNELS = Channels(
    build=lambda app, config: OrganizationStack(app, config=config, account=config.management, region=config.home_region),
    construct=lambda mp: mp.setattr(organization_trail.logs, "LogGroup", forcing(logs.LogGroup, encryption_key=None)),
    l1=lambda stack: setattr(_group(stack), "retention_in_days", 30),
    overrides=(
        lambda stack: _group(stack).add_property_override("RetentionInDays", 90),
        lambda stack: _group(stack).add_deletion_override("Properties.KmsKeyId"),
        lambda stack: _group(stack).add_override("Properties.RetentionInDays", {"Ref": "Retention"}),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
