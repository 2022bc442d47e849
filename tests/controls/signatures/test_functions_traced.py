"""GXP-LAMBDA-01: Lambda functions trace their requests with X-Ray."""

from __future__ import annotations

import pytest
from aws_cdk import aws_lambda as lambda_

from controls.signatures._stack import STACK, build, cfn_function, function
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-LAMBDA-01"


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: function(t, "verify").update(TracingConfig={"Mode": "PassThrough"}), id="pass-through"),
        pytest.param(lambda t: function(t, "sign").pop("TracingConfig"), id="not-stated"),
        pytest.param(lambda t: function(t, "token").update(TracingConfig={}), id="mode-not-stated"),
        pytest.param(lambda t: function(t, "list").update(TracingConfig={"Mode": {"Ref": "TracingParameter"}}), id="unprovable-ref"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(
        infrastructure.lambda_, "Function", forcing(lambda_.Function, tracing=lambda_.Tracing.PASS_THROUGH)
    ),
    l1=lambda stack: setattr(
        cfn_function(stack, "verify"), "tracing_config", lambda_.CfnFunction.TracingConfigProperty(mode="PassThrough")
    ),
    overrides=(
        lambda stack: cfn_function(stack).add_property_override("TracingConfig.Mode", "PassThrough"),
        lambda stack: cfn_function(stack, "token").add_override("Properties.TracingConfig.Mode", "PassThrough"),
        lambda stack: cfn_function(stack, "list").add_deletion_override("Properties.TracingConfig"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
