"""GXP-OMICS-02: every HealthOmics run group caps its runs at the config's ceilings."""

from __future__ import annotations

import pytest
from aws_cdk import aws_omics as omics

from controls.compute._builders import COMPUTE, compute_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.constructs import genomics

CONTROL = "GXP-OMICS-02"
STACK = COMPUTE


def group(template: dict) -> dict:
    return properties(template, "AWS::Omics::RunGroup")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: group(t).pop("MaxRuns"), id="runs-unbounded"),
        pytest.param(lambda t: group(t).pop("MaxGpus"), id="gpus-unbounded"),
        pytest.param(lambda t: group(t).update(MaxDuration=1441), id="duration-above-config"),
        pytest.param(lambda t: group(t).update(MaxCpus=100000), id="cpus-above-config"),
        pytest.param(lambda t: group(t).update(MaxDuration={"Ref": "DurationParameter"}), id="unprovable-duration"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: group(t).update(MaxRuns="20"), id="string-number"),
        pytest.param(lambda t: group(t).update(MaxCpus=64), id="tighter-than-config"),
    ],
)
def test_compliant_variants(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def test_without_the_account_in_the_config_the_ceilings_cannot_be_proven(reference, ctx):
    stack = variant(reference[STACK], lambda t: None)
    stack.account = "999999999999"
    assert CONTROL in fired(stack, ctx)


def _group(stack):
    return stack.genomics.run_group


CHANNELS = Channels(
    build=compute_stack,
    construct=lambda mp: mp.setattr(genomics.omics, "CfnRunGroup", forcing(omics.CfnRunGroup, max_duration=None)),
    l1=lambda stack: setattr(_group(stack), "max_runs", None),
    overrides=(
        lambda stack: _group(stack).add_property_override("MaxRuns", 1000),
        lambda stack: _group(stack).add_override("Properties.MaxCpus", "100000"),
        lambda stack: _group(stack).add_deletion_override("Properties.MaxGpus"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
