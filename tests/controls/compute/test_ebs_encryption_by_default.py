"""GXP-EC2-03: EBS encryption by default is on in every account and region."""

from __future__ import annotations

import json

import pytest
from aws_cdk import Aws, CfnCondition, Fn
from aws_cdk import custom_resources as cr

from controls.compute._builders import BASELINE, baseline_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, resources_of, variant
from gxp_landing_zone.stacks import baseline

CONTROL = "GXP-EC2-03"
STACK = BASELINE
DISABLE = json.dumps({"service": "EC2", "action": "disableEbsEncryptionByDefault"})


def setting(template: dict) -> dict:
    return resources_of(template, "Custom::AWS", "EbsEncryptionByDefault")[0]


def call(template: dict, phase: str = "Create") -> dict:
    return json.loads(setting(template)["Properties"][phase])


def set_call(template: dict, phase: str = "Create", **changes) -> None:
    setting(template)["Properties"][phase] = json.dumps({**call(template), **changes})


def remove_setting(template: dict) -> None:
    logical_id = next(k for k, r in template["Resources"].items() if r is setting(template))
    del template["Resources"][logical_id]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


def test_every_baseline_sets_it(reference, ctx):
    baselines = [s for name, s in reference.items() if name.startswith("Baseline-")]
    assert len(baselines) == 21 and not [s.name for s in baselines if CONTROL in fired(s, ctx)]


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: setting(t)["Properties"].update(Create=DISABLE), id="create-disables"),
        pytest.param(lambda t: setting(t)["Properties"].update(Update=DISABLE), id="update-disables"),
        pytest.param(lambda t: setting(t)["Properties"].update(Delete=DISABLE), id="delete-disables"),
        pytest.param(lambda t: setting(t)["Properties"].pop("Create"), id="nothing-on-create"),
        pytest.param(remove_setting, id="setting-removed"),
        pytest.param(lambda t: set_call(t, ignoreErrorCodesMatching=".*"), id="errors-ignored"),
        pytest.param(lambda t: set_call(t, region="eu-west-1"), id="other-region"),
        pytest.param(lambda t: set_call(t, assumedRoleArn="arn:aws:iam::999999999999:role/elsewhere"), id="other-account"),
        pytest.param(lambda t: setting(t)["Properties"].update(Create={"Ref": "CallParameter"}), id="unprovable-create"),
        pytest.param(lambda t: setting(t).update(Condition="OnlySometimes"), id="conditional-setting"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        # SDK v3 names of the same call.
        pytest.param(lambda t: set_call(t, service="@aws-sdk/client-ec2", action="EnableEbsEncryptionByDefaultCommand"),
                     id="sdk-v3-names"),
        pytest.param(lambda t: set_call(t, region="us-east-1"), id="own-region"),
        pytest.param(lambda t: setting(t)["Properties"].pop("Update"), id="create-only"),
        # A custom resource type name of its own, still enabling it: the recorder's stack sets it.
        pytest.param(lambda t: setting(t).update(Type="Custom::EbsDefault"), id="own-custom-type"),
    ],
)
def test_compliant_variants(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _setting(stack):
    return stack.node.find_child("EbsEncryptionByDefault").node.find_child("Resource").node.default_child


def _disabling(cls):
    """``AwsSdkCall`` as if the Baseline's code asked EC2 to disable the default instead."""

    class Weakened(cls):
        def __init__(self, **kwargs):
            if kwargs.get("action") == "enableEbsEncryptionByDefault":
                kwargs["action"] = "disableEbsEncryptionByDefault"
            super().__init__(**kwargs)

    return Weakened


def _only_if_never(stack):
    never = CfnCondition(stack, "Never", expression=Fn.condition_equals(Aws.REGION, "nowhere"))
    _setting(stack).cfn_options.condition = never


# A custom resource's L1 is a plain CfnResource with no typed property setters: its L1 channel is
# the resource's CloudFormation options, here the condition it is created under.
CHANNELS = Channels(
    build=baseline_stack,
    construct=lambda mp: mp.setattr(baseline.cr, "AwsSdkCall", _disabling(cr.AwsSdkCall)),
    l1=_only_if_never,
    overrides=(
        lambda stack: _setting(stack).add_property_override("Create", DISABLE),
        lambda stack: _setting(stack).add_override("Properties.Delete", DISABLE),
        lambda stack: _setting(stack).add_deletion_override("Properties.Create"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
