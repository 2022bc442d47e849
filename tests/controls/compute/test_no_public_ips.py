"""GXP-NET-03: Batch container instances get no public IP address."""

from __future__ import annotations

import pytest
from aws_cdk import aws_ec2 as ec2

from controls.compute._builders import COMPUTE, compute_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, resources_of, variant

CONTROL = "GXP-NET-03"
STACK = COMPUTE


def subnet(template: dict) -> dict:
    return resources_of(template, "AWS::EC2::Subnet", "Subnet1")[0]["Properties"]


def launch_data(template: dict) -> dict:
    return properties(template, "AWS::EC2::LaunchTemplate", "SpotCpu")["LaunchTemplateData"]


def environment(template: dict) -> dict:
    return properties(template, "AWS::Batch::ComputeEnvironment", "SpotCpu")["ComputeResources"]


def all_fargate(template: dict) -> None:
    for env in resources_of(template, "AWS::Batch::ComputeEnvironment"):
        env["Properties"]["ComputeResources"]["Type"] = "FARGATE"


PUBLIC_INTERFACE = [{"DeviceIndex": 0, "AssociatePublicIpAddress": True}]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: subnet(t).update(MapPublicIpOnLaunch=True), id="public-subnet"),
        pytest.param(lambda t: subnet(t).update(MapPublicIpOnLaunch="true"), id="public-subnet-string"),
        pytest.param(lambda t: launch_data(t).update(NetworkInterfaces=PUBLIC_INTERFACE), id="template-asks-for-ip"),
        pytest.param(lambda t: environment(t).update(Subnets=["subnet-0123456789abcdef0"]), id="unseen-subnet"),
        pytest.param(lambda t: subnet(t).update(MapPublicIpOnLaunch={"Ref": "PublicParameter"}), id="unprovable-subnet"),
        pytest.param(lambda t: launch_data(t).update(
            NetworkInterfaces=[{"DeviceIndex": 0, "AssociatePublicIpAddress": {"Fn::If": ["Public", True, False]}}]),
            id="unprovable-interface"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: launch_data(t).update(NetworkInterfaces=[{"DeviceIndex": 0, "AssociatePublicIpAddress": "false"}]),
                     id="interface-string-false"),
        # Fargate tasks have no instances of their own: the environments are not judged.
        pytest.param(lambda t: all_fargate(t) or subnet(t).update(MapPublicIpOnLaunch=True), id="fargate"),
    ],
)
def test_compliant_variants(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _template(stack):
    return stack.batch.launch_templates["SpotCpuLaunchTemplate"]


def _subnet(stack):
    return stack.network.vpc.isolated_subnets[0].node.default_child


PUBLIC_DATA = forcing(
    ec2.CfnLaunchTemplate.LaunchTemplateDataProperty,
    network_interfaces=[ec2.CfnLaunchTemplate.NetworkInterfaceProperty(device_index=0, associate_public_ip_address=True)],
)

CHANNELS = Channels(
    build=compute_stack,
    construct=lambda mp: mp.setattr(ec2.CfnLaunchTemplate, "LaunchTemplateDataProperty", PUBLIC_DATA),
    l1=lambda stack: setattr(_subnet(stack), "map_public_ip_on_launch", True),
    overrides=(
        lambda stack: _template(stack).add_property_override("LaunchTemplateData.NetworkInterfaces", PUBLIC_INTERFACE),
        lambda stack: _subnet(stack).add_override("Properties.MapPublicIpOnLaunch", "true"),
        lambda stack: stack.batch.spot.add_deletion_override("Properties.ComputeResources.Subnets"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
