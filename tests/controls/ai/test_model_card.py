"""GXP-AI-07: each model package group is described by a model card under a customer-managed key."""

from __future__ import annotations

import dataclasses

import pytest

from controls.ai._builders import COMPUTE, COMPUTE_JP, COMPUTE_RESEARCH
from controls.compute._builders import compute_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import model_governance

CONTROL = "GXP-AI-07"
STACK = COMPUTE


def card(template: dict) -> dict:
    return properties(template, "AWS::SageMaker::ModelCard")


def content(template: dict, section: str) -> dict:
    return card(template)["Content"][section]


def test_compliant(reference, ctx):
    for stack in (COMPUTE, COMPUTE_JP, COMPUTE_RESEARCH):
        assert CONTROL not in fired(reference[stack], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: content(t, "IntendedUses").update(RiskRating="Low"), id="risk-understated"),
        pytest.param(lambda t: content(t, "ModelOverview").pop("ModelOwner"), id="no-owner"),
        pytest.param(lambda t: content(t, "TrainingDetails").pop("TrainingObservations"), id="training-data-unstated"),
        pytest.param(lambda t: card(t)["Content"].pop("EvaluationDetails"), id="release-criteria-unstated"),
        pytest.param(lambda t: card(t).update(ModelCardStatus="Archived"), id="archived"),
        pytest.param(lambda t: card(t).pop("SecurityConfig"), id="aws-owned-key"),
        pytest.param(lambda t: content(t, "ModelOverview").update(ModelName="another-group"), id="describes-another-group"),
        pytest.param(lambda t: content(t, "ModelOverview").update(ModelName={"Ref": "ModelNameParameter"}),
                     id="unprovable-model"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _understated(original):
    """The construct's code edited to write a lower risk rating than the config gives."""

    def init(self, scope, id, *, card, **kwargs):
        original(self, scope, id, card=dataclasses.replace(card, risk_rating="Low"), **kwargs)

    return init


def _card(stack):
    return stack.governance.card


CHANNELS = Channels(
    build=compute_stack,
    construct=lambda mp: mp.setattr(model_governance.ModelGovernance, "__init__",
                                    _understated(model_governance.ModelGovernance.__init__)),
    l1=lambda stack: setattr(_card(stack), "model_card_status", "Archived"),
    overrides=(
        lambda stack: _card(stack).add_property_override("Content.IntendedUses.RiskRating", "Low"),
        lambda stack: _card(stack).add_override("Properties.Content.ModelOverview.ModelOwner", ""),
        lambda stack: _card(stack).add_deletion_override("Properties.SecurityConfig"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
