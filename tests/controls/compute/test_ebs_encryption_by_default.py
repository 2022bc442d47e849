"""GXP-EC2-03: EBS encryption by default is on in every account and region."""

from __future__ import annotations

import pytest
from aws_cdk import CfnCondition, Fn

from controls.support import Channels, assert_channel_caught, channel_cases, fired, the, variant
from gxp_landing_zone.constructs import account_settings
from gxp_landing_zone.stacks.baseline import BaselineStack

CONTROL = "GXP-EC2-03"
STACK = "Baseline-management-us-east-1"
SETTINGS = "Custom::AccountSettings"


def ebs_setting(template: dict) -> dict:
    return the(template, SETTINGS, "EbsEncryptionByDefault")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


def test_every_account_and_region_of_the_stackset_is_judged_and_passes(synthesized, reference_config):
    judged = {e.stack: e.outcome for e in synthesized.evaluations if e.control_id == CONTROL and e.stack.startswith("gxp-baseline (")}
    members = [a for a in reference_config.accounts if a.kind.value != "management"]
    assert len(judged) == len(members) * len(reference_config.allowed_regions)
    assert set(judged.values()) == {"COMPLIANT"}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: ebs_setting(t)["Properties"].update(Enabled="false"), id="switched-off"),
        pytest.param(lambda t: t["Resources"].pop(next(
            k for k, r in t["Resources"].items() if r["Type"] == SETTINGS and "EbsEncryptionByDefault" in k)),
            id="setting-removed"),
        pytest.param(lambda t: ebs_setting(t)["Properties"].update(Setting="SomethingElse"), id="another-setting"),
        pytest.param(lambda t: ebs_setting(t)["Properties"].update(Enabled={"Ref": "EbsDefault"}), id="unprovable-value"),
        pytest.param(lambda t: (t.setdefault("Conditions", {}).update(
            Maybe={"Fn::Equals": [{"Ref": "Switch"}, "on"]}), ebs_setting(t).update(Condition="Maybe")),
            id="unprovable-condition"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_a_condition_false_in_this_region_leaves_the_region_unprotected(reference, ctx):
    def edit(template):
        template.setdefault("Conditions", {})["Elsewhere"] = {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}
        ebs_setting(template)["Condition"] = "Elsewhere"

    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _ebs(stack):
    return stack.node.find_child("AccountSettings").ebs


def _switched_off(mp):
    """account_settings.py edited to declare the EBS setting off."""
    original = account_settings.AccountSettings._setting

    def setting(self, id, name, extra):
        resource = original(self, id, name, extra)
        if name == account_settings.EBS_ENCRYPTION_BY_DEFAULT:
            resource.add_property_override("Enabled", "false")
        return resource

    mp.setattr(account_settings.AccountSettings, "_setting", setting)


def _never(stack):
    stack_condition = CfnCondition(stack, "Never", expression=Fn.condition_equals("a", "b"))
    _ebs(stack).cfn_options.condition = stack_condition


CHANNELS = Channels(
    build=lambda app, config: BaselineStack(app, config=config, account=config.management, region=config.home_region),
    construct=_switched_off,
    l1=_never,
    overrides=(
        lambda stack: _ebs(stack).add_property_override("Enabled", "false"),
        lambda stack: _ebs(stack).add_deletion_override("Properties.Setting"),
        lambda stack: _ebs(stack).add_override("Type", "Custom::SomethingElse"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
