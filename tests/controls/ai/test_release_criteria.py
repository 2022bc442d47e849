"""GXP-AI-10: release decisions apply exactly the configured thresholds, on held-out sets in a locked bucket,
through the account's guardrail, with records where the release gate reads them."""

from __future__ import annotations

import dataclasses

import pytest

from controls.ai._builders import COMPUTE, COMPUTE_RESEARCH, GENAI, GENAI_RESEARCH, environment, function, genai_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.constructs import model_evaluation

CONTROL = "GXP-AI-10"
STACK = GENAI
EVALUATE = "runtime.bedrock_evaluation.handler"
RECORD = "runtime.package_evaluation.handler"


def test_compliant(reference, ctx):
    for stack in (GENAI, GENAI_RESEARCH, COMPUTE, COMPUTE_RESEARCH):
        assert CONTROL not in fired(reference[stack], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: environment(t, EVALUATE).update(THRESHOLDS="{}"), id="no-thresholds"),
        pytest.param(lambda t: environment(t, EVALUATE).update(DATASET_BUCKET="an-unlocked-bucket"),
                     id="held-out-set-unlocked"),
        pytest.param(lambda t: environment(t, EVALUATE).update(GUARDRAIL_ID="gr-another"), id="another-guardrail"),
        pytest.param(lambda t: environment(t, EVALUATE).update(RECORD_PREFIX="drafts/"), id="records-the-gate-never-reads"),
        pytest.param(lambda t: function(t, EVALUATE)["Properties"].update(Handler="index.handler"), id="no-evaluation"),
        pytest.param(lambda t: environment(t, EVALUATE).update(THRESHOLDS={"Ref": "ThresholdsParameter"}),
                     id="unprovable-thresholds"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: environment(t, RECORD).update(THRESHOLDS='{"auc":{"min":0.5}}'), id="lower-auc"),
        pytest.param(lambda t: environment(t, RECORD).update(RECORD_BUCKET="exbio-scratch"), id="records-elsewhere"),
        pytest.param(lambda t: function(t, RECORD)["Properties"].update(Handler="index.handler"), id="no-recorder"),
    ],
)
def test_non_compliant_model_versions(reference, ctx, edit):
    assert fired(variant(reference[COMPUTE], edit), ctx) == {CONTROL}


def _lenient(original):
    """The construct's code edited to judge against no thresholds at all."""

    def init(self, scope, id, *, spec, **kwargs):
        original(self, scope, id, spec=dataclasses.replace(spec, thresholds={}), **kwargs)

    return init


def _evaluator(stack):
    return stack.evaluation.evaluator.function.node.default_child


CHANNELS = Channels(
    build=genai_stack,
    construct=lambda mp: mp.setattr(model_evaluation.ModelEvaluation, "__init__",
                                    _lenient(model_evaluation.ModelEvaluation.__init__)),
    l1=lambda stack: setattr(_evaluator(stack), "handler", "index.handler"),
    overrides=(
        lambda stack: _evaluator(stack).add_property_override("Environment.Variables.THRESHOLDS", "{}"),
        lambda stack: _evaluator(stack).add_override("Properties.Environment.Variables.GUARDRAIL_ID", "gr-another"),
        lambda stack: _evaluator(stack).add_deletion_override("Properties.Environment.Variables.RECORD_PREFIX"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
