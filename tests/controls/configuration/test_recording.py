"""GXP-CFG-01: the recorder records every supported resource type, continuously."""

from __future__ import annotations

import pytest
from aws_cdk import aws_config as config_

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.constructs import config_recorder
from gxp_landing_zone.stacks.baseline import BaselineStack

CONTROL = "GXP-CFG-01"
HOME = "Baseline-management-us-east-1"
OTHER = "Baseline-management-eu-central-1"


def recorder(template: dict) -> dict:
    return properties(template, "AWS::Config::ConfigurationRecorder")


def group(template: dict) -> dict:
    return recorder(template)["RecordingGroup"]


@pytest.mark.parametrize("stack", [HOME, OTHER])
def test_compliant(reference, ctx, stack):
    assert CONTROL not in fired(reference[stack], ctx)


def _excluding(template):
    group(template).update(AllSupported=False, ExclusionByResourceTypes={"ResourceTypes": ["AWS::S3::Bucket"]},
                           RecordingStrategy={"UseOnly": "EXCLUSION_BY_RESOURCE_TYPES"})


@pytest.mark.parametrize(
    "stack,edit",
    [
        pytest.param(HOME, lambda t: group(t).update(AllSupported=False, ResourceTypes=["AWS::S3::Bucket"]), id="chosen-types"),
        pytest.param(HOME, lambda t: group(t).update(IncludeGlobalResourceTypes="false"), id="home-without-global-types"),
        pytest.param(OTHER, lambda t: group(t).update(IncludeGlobalResourceTypes=True), id="global-types-twice"),
        pytest.param(HOME, _excluding, id="types-excluded"),
        pytest.param(HOME, lambda t: recorder(t).update(RecordingMode={"RecordingFrequency": "DAILY"}), id="daily"),
        pytest.param(HOME, lambda t: recorder(t).update(RecordingMode={"RecordingFrequency": "CONTINUOUS", "RecordingModeOverrides": [
            {"ResourceTypes": ["AWS::IAM::Role"], "RecordingFrequency": "DAILY"}]}), id="roles-daily"),
        pytest.param(HOME, lambda t: group(t).update(AllSupported={"Ref": "RecordAll"}), id="unprovable-ref"),
    ],
)
def test_non_compliant(reference, ctx, stack, edit):
    assert fired(variant(reference[stack], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "stack,edit",
    [
        pytest.param(HOME, lambda t: group(t).update(AllSupported="true", IncludeGlobalResourceTypes="true"), id="string-true"),
        pytest.param(OTHER, lambda t: group(t).pop("IncludeGlobalResourceTypes"), id="absent-means-false"),
        pytest.param(HOME, lambda t: recorder(t).update(RecordingMode={"RecordingFrequency": "CONTINUOUS"}), id="continuous"),
    ],
)
def test_compliant_as_config_reads_it(reference, ctx, stack, edit):
    assert CONTROL not in fired(variant(reference[stack], edit), ctx)


def _recorder(stack):
    return stack.recorder.recorder


CHANNELS = Channels(
    build=lambda app, config: BaselineStack(app, config=config, account=config.management, region=config.home_region),
    construct=lambda mp: mp.setattr(config_recorder.config_, "CfnConfigurationRecorder", forcing(
        config_.CfnConfigurationRecorder, recording_group=config_.CfnConfigurationRecorder.RecordingGroupProperty(
            all_supported=False, resource_types=["AWS::S3::Bucket"]))),
    l1=lambda stack: setattr(_recorder(stack), "recording_mode", config_.CfnConfigurationRecorder.RecordingModeProperty(
        recording_frequency="DAILY")),
    overrides=(
        lambda stack: _recorder(stack).add_property_override("RecordingGroup.IncludeGlobalResourceTypes", False),
        lambda stack: _recorder(stack).add_override("Properties.RecordingGroup.AllSupported", "false"),
        lambda stack: _recorder(stack).add_deletion_override("Properties.RecordingGroup.AllSupported"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
