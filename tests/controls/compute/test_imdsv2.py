"""GXP-EC2-01: Batch container instances require IMDSv2 session tokens."""

from __future__ import annotations

import copy

import pytest
from aws_cdk import aws_ec2 as ec2

from controls.compute._builders import COMPUTE, compute_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, the, variant

CONTROL = "GXP-EC2-01"
STACK = COMPUTE


def metadata(template: dict) -> dict:
    return properties(template, "AWS::EC2::LaunchTemplate", "SpotCpu")["LaunchTemplateData"]["MetadataOptions"]


def override_template(template: dict, **metadata_changes) -> None:
    """A second launch template for some instance types, differing from the first in its metadata options."""
    extra = copy.deepcopy(the(template, "AWS::EC2::LaunchTemplate", "SpotCpu"))
    extra["Properties"]["LaunchTemplateData"]["MetadataOptions"].update(metadata_changes)
    template["Resources"]["LargeInstancesTemplate"] = extra
    spec = properties(template, "AWS::Batch::ComputeEnvironment", "SpotCpu")["ComputeResources"]["LaunchTemplate"]
    spec["Overrides"] = [{"LaunchTemplateId": {"Ref": "LargeInstancesTemplate"}, "TargetInstanceTypes": ["r6i"]}]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: metadata(t).update(HttpTokens="optional"), id="imdsv1-allowed"),
        pytest.param(lambda t: metadata(t).pop("HttpTokens"), id="tokens-default"),
        pytest.param(lambda t: properties(t, "AWS::EC2::LaunchTemplate", "SpotCpu")["LaunchTemplateData"].pop("MetadataOptions"),
                     id="no-metadata-options"),
        pytest.param(lambda t: override_template(t, HttpTokens="optional"), id="override-template-allows-imdsv1"),
        pytest.param(lambda t: metadata(t).update(HttpTokens={"Ref": "ImdsParameter"}), id="unprovable-tokens"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        # No metadata service at all: nothing to read credentials from.
        pytest.param(lambda t: metadata(t).update(HttpEndpoint="disabled", HttpTokens="optional"), id="metadata-off"),
        pytest.param(lambda t: override_template(t), id="override-template-requires-tokens"),
    ],
)
def test_compliant_variants(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _template(stack):
    return stack.batch.launch_templates["SpotCpuLaunchTemplate"]


def _allow_imdsv1(stack):
    template = _template(stack)
    data = template.launch_template_data
    template.launch_template_data = ec2.CfnLaunchTemplate.LaunchTemplateDataProperty(
        metadata_options=ec2.CfnLaunchTemplate.MetadataOptionsProperty(http_tokens="optional"),
        block_device_mappings=data.block_device_mappings,
    )


CHANNELS = Channels(
    build=compute_stack,
    construct=lambda mp: mp.setattr(
        ec2.CfnLaunchTemplate, "MetadataOptionsProperty",
        forcing(ec2.CfnLaunchTemplate.MetadataOptionsProperty, http_tokens="optional"),
    ),
    l1=_allow_imdsv1,
    overrides=(
        lambda stack: _template(stack).add_property_override("LaunchTemplateData.MetadataOptions.HttpTokens", "optional"),
        lambda stack: _template(stack).add_deletion_override("Properties.LaunchTemplateData.MetadataOptions"),
        lambda stack: _template(stack).add_override("Properties.LaunchTemplateData.MetadataOptions.HttpTokens", {"Ref": "ImdsMode"}),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
