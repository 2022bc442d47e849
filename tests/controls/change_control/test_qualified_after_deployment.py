"""GXP-CHG-02: IQ and OQ in the validation accounts before production, IQ in every production account after it."""

from __future__ import annotations

import pytest

from controls.change_control._pipeline import (
    STACK, action, build, cfn_pipeline, cfn_project, project, remove, set_commands, set_environment, variable, variable_index,
)
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.constructs.promotion_pipeline import PromotionPipeline

CONTROL = "GXP-CHG-02"


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: remove(t, "Validation", "IqValidation"), id="validation-iq-removed"),
        pytest.param(lambda t: remove(t, "Validation", "DeployValidation"), id="no-validation-stage-deployment"),
        pytest.param(lambda t: variable(t, "oq:validation", "GXP_QUALIFY_ACCOUNTS").update(Value="validation-us"),
                     id="oq-leaves-out-accounts"),
        pytest.param(lambda t: remove(t, "Production", "IqProduction"), id="production-iq-removed"),
        pytest.param(lambda t: action(t, "Production", "IqProduction").update(RunOrder=2), id="production-iq-before-the-last-wave"),
        pytest.param(lambda t: set_commands(t, "iq:production", ["python -m gxp_landing_zone.change_control qualify iq --accounts management"]),
                     id="iq-runs-a-fixed-list"),
        pytest.param(lambda t: variable(t, "iq:production", "GXP_QUALIFY_ACCOUNTS").update(Value={"Ref": "Accounts"}),
                     id="unprovable-account-list"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_an_account_list_in_another_order_is_compliant(reference, ctx):
    def edit(template):
        found = variable(template, "iq:production", "GXP_QUALIFY_ACCOUNTS")
        found["Value"] = ",".join(reversed(found["Value"].split(",")))

    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _first_account_only(mp):
    original = PromotionPipeline._qualify
    mp.setattr(PromotionPipeline, "_qualify", lambda self, id, step, kind, accounts: original(self, id, step, kind, accounts[:1]))


CHANNELS = Channels(
    build=build,
    construct=_first_account_only,
    l1=lambda stack: set_environment(stack, "iq:production", GXP_QUALIFY_ACCOUNTS="management"),
    overrides=(
        lambda stack: cfn_project(stack, "iq:production").add_property_override(
            f"Environment.EnvironmentVariables.{variable_index(stack, 'iq:production', 'GXP_QUALIFY_ACCOUNTS')}.Value", "management"
        ),
        lambda stack: cfn_pipeline(stack).add_override("Properties.Stages.5.Actions.2.RunOrder", 1),
        lambda stack: cfn_project(stack, "oq:validation").add_deletion_override("Properties.Environment.EnvironmentVariables"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)


def test_the_template_has_the_steps_the_cases_edit(reference):
    assert project(reference[STACK].template, "iq:production")["Source"]["Type"] == "CODEPIPELINE"
