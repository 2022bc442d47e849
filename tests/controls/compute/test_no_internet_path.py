"""GXP-NET-02: a regulated workload VPC has no path to or from the internet."""

from __future__ import annotations

import pytest
from aws_cdk import aws_ec2 as ec2

from controls.compute._builders import COMPUTE, RESEARCH_COMPUTE, compute_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, variant
from gxp_landing_zone.constructs.workload_network import WorkloadNetwork
from gxp_landing_zone.stacks import compute

CONTROL = "GXP-NET-02"
STACK = COMPUTE


def _id(template: dict, resource_type: str, index: int = 0) -> str:
    return [k for k, r in template["Resources"].items() if r["Type"] == resource_type][index]


def _add(template: dict, logical_id: str, resource_type: str, **properties) -> None:
    template["Resources"][logical_id] = {"Type": resource_type, "Properties": properties}


def internet_gateway(template: dict, vpc=None) -> None:
    _add(template, "StrayGateway", "AWS::EC2::InternetGateway")
    _add(template, "StrayAttachment", "AWS::EC2::VPCGatewayAttachment",
         VpcId=vpc or {"Ref": _id(template, "AWS::EC2::VPC")}, InternetGatewayId={"Ref": "StrayGateway"})


def nat_gateway(template: dict, **extra) -> None:
    _add(template, "StrayNat", "AWS::EC2::NatGateway", SubnetId={"Ref": _id(template, "AWS::EC2::Subnet")}, **extra)


def route(template: dict, **destination) -> None:
    _add(template, "StrayRoute", "AWS::EC2::Route", RouteTableId={"Ref": _id(template, "AWS::EC2::RouteTable", 1)},
         TransitGatewayId="tgw-0123456789abcdef0", **destination)


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


def test_research_vpc_with_nat_is_outside_the_boundary(reference, ctx):
    # The config allows the research account a NAT gateway; the control does not apply there.
    assert reference[RESEARCH_COMPUTE].of_type("AWS::EC2::NatGateway")
    assert CONTROL not in fired(reference[RESEARCH_COMPUTE], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(internet_gateway, id="internet-gateway"),
        pytest.param(lambda t: _add(t, "Egress", "AWS::EC2::EgressOnlyInternetGateway", VpcId={"Ref": _id(t, "AWS::EC2::VPC")}),
                     id="egress-only-gateway"),
        pytest.param(lambda t: nat_gateway(t, AllocationId="eipalloc-0123456789abcdef0"), id="public-nat"),
        pytest.param(lambda t: route(t, DestinationCidrBlock="0.0.0.0/0"), id="default-route"),
        pytest.param(lambda t: route(t, DestinationIpv6CidrBlock="::/0"), id="ipv6-default-route"),
        pytest.param(lambda t: internet_gateway(t, vpc={"Ref": "VpcParameter"}), id="unprovable-attachment"),
        pytest.param(lambda t: route(t, DestinationCidrBlock={"Fn::If": ["Open", "0.0.0.0/0", "10.0.0.0/8"]}),
                     id="unprovable-route"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        # A private NAT gateway has no public address and reaches no internet by itself.
        pytest.param(lambda t: nat_gateway(t, ConnectivityType="private"), id="private-nat"),
        pytest.param(lambda t: route(t, DestinationCidrBlock="192.168.0.0/16"), id="private-route"),
        # An internet gateway attached to some other VPC is not this VPC's path.
        pytest.param(lambda t: internet_gateway(t, vpc="vpc-0123456789abcdef0"), id="other-vpc-gateway"),
    ],
)
def test_compliant_variants(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _workload_subnet(stack):
    return stack.network.vpc.isolated_subnets[0]


def _attach_gateway(stack):
    gateway = ec2.CfnInternetGateway(stack, "StrayGateway")
    attachment = ec2.CfnVPCGatewayAttachment(stack, "StrayAttachment", vpc_id=stack.network.vpc.vpc_id)
    attachment.internet_gateway_id = gateway.ref


def _private_nat(stack):
    return ec2.CfnNatGateway(stack, "PrivateNat", subnet_id=_workload_subnet(stack).subnet_id, connectivity_type="private")


def _private_route(stack):
    return ec2.CfnRoute(stack, "PrivateRoute", route_table_id=_workload_subnet(stack).route_table.route_table_id,
                        destination_cidr_block="192.168.0.0/16", transit_gateway_id="tgw-0123456789abcdef0")


# The isolated VPC has no route or gateway to weaken: each raw override turns a compliant resource
# added for the case (a private route, a private NAT gateway) into an internet path.
CHANNELS = Channels(
    build=compute_stack,
    construct=lambda mp: mp.setattr(compute, "WorkloadNetwork", forcing(WorkloadNetwork, internet_egress=True)),
    l1=_attach_gateway,
    overrides=(
        lambda stack: _private_route(stack).add_property_override("DestinationCidrBlock", "0.0.0.0/0"),
        lambda stack: _private_route(stack).add_override("Properties.DestinationIpv6CidrBlock", "::/0"),
        lambda stack: _private_nat(stack).add_deletion_override("Properties.ConnectivityType"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
