"""GXP-BATCH-02: Spot environments draw capacity from the pools least likely to be reclaimed."""

from __future__ import annotations

import pytest
from aws_cdk import aws_batch as batch

from controls.compute._builders import COMPUTE, compute_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant

CONTROL = "GXP-BATCH-02"
STACK = COMPUTE


def spot(template: dict) -> dict:
    return properties(template, "AWS::Batch::ComputeEnvironment", "SpotCpu")["ComputeResources"]


def on_demand(template: dict) -> dict:
    return properties(template, "AWS::Batch::ComputeEnvironment", "OnDemandCpu")["ComputeResources"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: spot(t).update(AllocationStrategy="BEST_FIT"), id="lowest-price"),
        pytest.param(lambda t: spot(t).update(AllocationStrategy="BEST_FIT_PROGRESSIVE"), id="best-fit-progressive"),
        pytest.param(lambda t: spot(t).pop("AllocationStrategy"), id="default-best-fit"),
        pytest.param(lambda t: on_demand(t).update(Type="SPOT"), id="on-demand-turned-spot"),
        pytest.param(lambda t: spot(t).update(AllocationStrategy={"Ref": "StrategyParameter"}), id="unprovable-strategy"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: spot(t).update(AllocationStrategy="SPOT_CAPACITY_OPTIMIZED"), id="capacity-optimized"),
        # On-demand capacity is not reclaimed: its strategy is not this control's concern.
        pytest.param(lambda t: on_demand(t).update(AllocationStrategy="BEST_FIT"), id="on-demand-best-fit"),
    ],
)
def test_compliant_variants(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _spot(stack):
    return stack.batch.spot


def _lowest_price(stack):
    resources = _spot(stack).compute_resources
    _spot(stack).compute_resources = batch.CfnComputeEnvironment.ComputeResourcesProperty(
        **{**{k: getattr(resources, k) for k in (
            "type", "instance_types", "minv_cpus", "maxv_cpus", "subnets", "security_group_ids", "instance_role",
            "launch_template", "ec2_configuration", "tags")}, "allocation_strategy": "BEST_FIT"})


CHANNELS = Channels(
    build=compute_stack,
    construct=lambda mp: mp.setattr(
        batch.CfnComputeEnvironment, "ComputeResourcesProperty",
        forcing(batch.CfnComputeEnvironment.ComputeResourcesProperty, allocation_strategy="BEST_FIT")),
    l1=_lowest_price,
    overrides=(
        lambda stack: _spot(stack).add_property_override("ComputeResources.AllocationStrategy", "BEST_FIT"),
        lambda stack: _spot(stack).add_override("Properties.ComputeResources.AllocationStrategy", "BEST_FIT_PROGRESSIVE"),
        lambda stack: _spot(stack).add_deletion_override("Properties.ComputeResources.AllocationStrategy"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
