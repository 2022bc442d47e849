"""GXP-CHG-01: nothing reaches production before a QA approver's electronic signature releases it."""

from __future__ import annotations

import json

import pytest

from controls.change_control._pipeline import (
    STACK, action, build, cfn_pipeline, cfn_project, project, project_id, remove, set_buildspec, set_commands, set_environment,
    stage, stages,
)
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.constructs import promotion_pipeline

CONTROL = "GXP-CHG-01"


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


def _release_stage_removed(template):
    template_stages = stages(template)
    template_stages[:] = [s for s in template_stages if s["Name"] != "Release"]


def _deploy_beside_the_gate(template):
    wave = remove(template, "Production", "DeployWave1")
    stage(template, "Release")["Actions"].append({**wave, "RunOrder": 1})


def _validation_iq_after_the_gate(template):
    iq = remove(template, "Validation", "IqValidation")
    stage(template, "Release")["Actions"].append({**iq, "RunOrder": 3})


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(_release_stage_removed, id="release-stage-removed"),
        pytest.param(lambda t: set_commands(t, "release-gate", ["echo approved"]), id="gate-runs-something-else"),
        pytest.param(_deploy_beside_the_gate, id="production-deployed-before-the-gate"),
        pytest.param(_validation_iq_after_the_gate, id="validation-iq-after-the-gate"),
        pytest.param(lambda t: project(t, "release-gate")["Source"].update(BuildSpec={"Ref": "GateBuildSpec"}),
                     id="unprovable-gate-buildspec"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_the_gate_may_run_later_in_its_stage_than_the_change_record(reference, ctx):
    assert CONTROL not in fired(variant(reference[STACK], lambda t: action(t, "Release", "ReleaseGate").update(RunOrder=5)), ctx)


def test_a_pipeline_that_deploys_nothing_is_not_judged(reference, ctx):
    def edit(template):
        template_stages = stages(template)
        template_stages[:] = [s for s in template_stages if s["Name"] in ("Source", "Build")]

    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _record_project(stack) -> dict:
    return {"Ref": stack.get_logical_id(cfn_project(stack, "record:candidate"))}


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(promotion_pipeline, "RELEASE_GATE_STEP", "release-check"),
    l1=lambda stack: set_buildspec(stack, "release-gate", ["echo approved"]),
    overrides=(
        lambda stack: cfn_pipeline(stack).add_property_override("Stages.4.Actions.1.Configuration.ProjectName", _record_project(stack)),
        lambda stack: cfn_project(stack, "release-gate").add_override(
            "Properties.Source.BuildSpec", json.dumps({"version": "0.2", "phases": {"build": {"commands": ["true"]}}})
        ),
        lambda stack: cfn_project(stack, "release-gate").add_deletion_override("Properties.Environment.EnvironmentVariables"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)


def test_the_helpers_find_the_gate(reference):
    assert project_id(reference[STACK].template, "release-gate").startswith("PromotionPipelineReleaseReleaseGate")
    assert set_environment  # used by the sibling control's tests
