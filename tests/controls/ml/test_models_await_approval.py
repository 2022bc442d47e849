"""GXP-ML-02: models are registered pending manual approval, with their lineage."""

from __future__ import annotations

import pytest

from controls.compute._builders import COMPUTE, RESEARCH_COMPUTE, compute_stack
from controls.ml._definition import edited_definition, in_condition_branch, registration, weakened_definition_body
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.constructs.ml_pipeline import ModelTrainingPipeline

CONTROL = "GXP-ML-02"
STACK = COMPUTE


def approved(args: dict) -> None:
    args["ModelApprovalStatus"] = "Approved"


def without_digest(args: dict) -> None:
    args["CustomerMetadataProperties"].pop("gxp:training-image-digest")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


def test_research_registration_is_outside_the_boundary(reference, ctx):
    assert CONTROL not in fired(variant(reference[RESEARCH_COMPUTE], registration(approved)), ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(registration(approved), id="registered-approved"),
        pytest.param(registration(lambda a: a.pop("ModelApprovalStatus")), id="status-not-stated"),
        pytest.param(registration(without_digest), id="image-digest-dropped"),
        pytest.param(registration(lambda a: a["CustomerMetadataProperties"].pop("gxp:training-data-version")),
                     id="data-version-dropped"),
        pytest.param(registration(lambda a: a.pop("CustomerMetadataProperties")), id="no-lineage"),
        pytest.param(registration(lambda a: a.update(ModelApprovalStatus={"Get": "Parameters.ApprovalStatus"})),
                     id="unprovable-status"),
        pytest.param(in_condition_branch(approved, "RegisterModel"), id="hidden-in-condition-branch"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_lineage_set_at_run_time_is_recorded(reference, ctx):
    # Lineage values are pipeline parameters, filled in per execution: what matters is that they are recorded.
    edit = registration(lambda a: a["CustomerMetadataProperties"].update({"gxp:training-data-version": "v42"}))
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _pipeline(stack):
    return stack.ml.pipeline


def _body(stack, edit):
    return stack.ml.definition_body(edited_definition(stack, edit, "RegisterModel"))["PipelineDefinitionBody"]


# The registration settings live only inside the definition body: a deletion override could only
# remove the whole body, which every pipeline control then cannot prove, so none is listed.
CHANNELS = Channels(
    build=compute_stack,
    construct=lambda mp: mp.setattr(ModelTrainingPipeline, "definition_body", weakened_definition_body(approved, "RegisterModel")),
    l1=lambda stack: setattr(_pipeline(stack), "pipeline_definition", {"PipelineDefinitionBody": _body(stack, without_digest)}),
    overrides=(
        lambda stack: _pipeline(stack).add_property_override("PipelineDefinition.PipelineDefinitionBody", _body(stack, approved)),
        lambda stack: _pipeline(stack).add_override(
            "Properties.PipelineDefinition.PipelineDefinitionBody", _body(stack, lambda a: a.pop("CustomerMetadataProperties"))),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
