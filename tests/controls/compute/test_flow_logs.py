"""GXP-NET-01: every workload VPC logs all accepted and rejected flows."""

from __future__ import annotations

import pytest
from aws_cdk import aws_ec2 as ec2

from controls.compute._builders import COMPUTE, compute_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, the, variant
from gxp_landing_zone.constructs import workload_network

CONTROL = "GXP-NET-01"
STACK = COMPUTE


def flow_log(template: dict) -> dict:
    return properties(template, "AWS::EC2::FlowLog")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


def _second_flow_log(template: dict, **changes) -> None:
    original = the(template, "AWS::EC2::FlowLog")
    template["Resources"]["ExtraFlowLog"] = {"Type": "AWS::EC2::FlowLog", "Properties": {**original["Properties"], **changes}}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: flow_log(t).update(TrafficType="REJECT"), id="rejected-only"),
        pytest.param(lambda t: flow_log(t).update(TrafficType="ACCEPT"), id="accepted-only"),
        pytest.param(lambda t: t["Resources"].pop(next(k for k, r in t["Resources"].items() if r["Type"] == "AWS::EC2::FlowLog")),
                     id="flow-log-removed"),
        pytest.param(lambda t: flow_log(t).update(ResourceId="vpc-0123456789abcdef0"), id="logs-another-vpc"),
        pytest.param(lambda t: flow_log(t).pop("LogDestination"), id="delivered-nowhere"),
        pytest.param(lambda t: flow_log(t).update(TrafficType={"Ref": "TrafficParameter"}), id="unprovable-traffic"),
        pytest.param(lambda t: flow_log(t).update(ResourceId={"Fn::ImportValue": "SomeVpc"}), id="unprovable-vpc"),
        pytest.param(lambda t: the(t, "AWS::EC2::FlowLog").update(Condition="OnlySometimes"), id="conditional-flow-log"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        # CloudWatch Logs may be named instead of given by ARN.
        pytest.param(lambda t: flow_log(t).update(LogGroupName="/gxp/flow-logs") or flow_log(t).pop("LogDestination"),
                     id="log-group-by-name"),
        # One flow log of ALL traffic is enough; another one of rejected traffic changes nothing.
        pytest.param(lambda t: _second_flow_log(t, TrafficType="REJECT"), id="extra-reject-log"),
    ],
)
def test_compliant_variants(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _flow_log(stack):
    return stack.network.flow_log


CHANNELS = Channels(
    build=compute_stack,
    construct=lambda mp: mp.setattr(workload_network.ec2, "CfnFlowLog", forcing(ec2.CfnFlowLog, traffic_type="REJECT")),
    l1=lambda stack: setattr(_flow_log(stack), "traffic_type", "ACCEPT"),
    overrides=(
        lambda stack: _flow_log(stack).add_property_override("TrafficType", "REJECT"),
        lambda stack: _flow_log(stack).add_override("Properties.ResourceId", "vpc-0123456789abcdef0"),
        lambda stack: _flow_log(stack).add_deletion_override("Properties.LogDestination"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
