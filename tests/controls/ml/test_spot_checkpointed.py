"""GXP-ML-03: managed Spot training checkpoints, and may wait as long as it may run."""

from __future__ import annotations

import pytest

from controls.compute._builders import COMPUTE, RESEARCH_COMPUTE, compute_stack
from controls.ml._definition import edited_definition, training, weakened_definition_body, with_tuning_step
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.constructs.ml_pipeline import ModelTrainingPipeline

CONTROL = "GXP-ML-03"
STACK = COMPUTE


def no_checkpoints(args: dict) -> None:
    args.pop("CheckpointConfig")


def wait_shorter(args: dict) -> None:
    args["StoppingCondition"]["MaxWaitTimeInSeconds"] = args["StoppingCondition"]["MaxRuntimeInSeconds"] - 1


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


def test_research_training_is_checked_too(reference, ctx):
    assert CONTROL not in fired(reference[RESEARCH_COMPUTE], ctx)
    assert fired(variant(reference[RESEARCH_COMPUTE], training(no_checkpoints)), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(training(no_checkpoints), id="no-checkpoints"),
        pytest.param(training(wait_shorter), id="wait-shorter-than-run"),
        pytest.param(training(lambda a: a["StoppingCondition"].pop("MaxWaitTimeInSeconds")), id="no-wait-limit"),
        pytest.param(training(lambda a: a["CheckpointConfig"].update(S3Uri="s3://someone-elses-bucket/checkpoints/")),
                     id="another-bucket"),
        pytest.param(training(lambda a: a["CheckpointConfig"].update(S3Uri={"Get": "Parameters.CheckpointUri"})),
                     id="unprovable-uri"),
        pytest.param(with_tuning_step(no_checkpoints), id="tuning-job-without-checkpoints"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        # On-demand training is not reclaimed: nothing to resume.
        pytest.param(training(lambda a: a.update(EnableManagedSpotTraining=False) or no_checkpoints(a)), id="on-demand"),
        pytest.param(training(lambda a: a["CheckpointConfig"].update(
            S3Uri="s3://exbio-checkpoints-444444444444-us-east-1/checkpoints/sagemaker/")), id="bucket-by-name"),
    ],
)
def test_compliant_variants(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _pipeline(stack):
    return stack.ml.pipeline


def _body(stack, edit):
    return stack.ml.definition_body(edited_definition(stack, edit))["PipelineDefinitionBody"]


CHANNELS = Channels(
    build=compute_stack,
    construct=lambda mp: mp.setattr(ModelTrainingPipeline, "definition_body", weakened_definition_body(no_checkpoints)),
    l1=lambda stack: setattr(_pipeline(stack), "pipeline_definition", {"PipelineDefinitionBody": _body(stack, wait_shorter)}),
    overrides=(
        lambda stack: _pipeline(stack).add_property_override("PipelineDefinition.PipelineDefinitionBody", _body(stack, no_checkpoints)),
        lambda stack: _pipeline(stack).add_override("Properties.PipelineDefinition.PipelineDefinitionBody", _body(stack, wait_shorter)),
        # The checkpoint URI names its bucket by reference; without a stated name it is not provably the
        # account's checkpoint bucket.
        lambda stack: stack.checkpoints.bucket.node.default_child.add_deletion_override("Properties.BucketName"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
