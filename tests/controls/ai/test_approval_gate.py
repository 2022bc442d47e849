"""GXP-AI-06: a model version stays Approved only on a verified 'approved-for-use' e-signature: every
approval change and an hourly sweep go to the release gate, which may revert the version."""

from __future__ import annotations

import pytest

from controls.ai._builders import COMPUTE, COMPUTE_JP, COMPUTE_RESEARCH, environment, function, rule
from controls.compute._builders import compute_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import model_governance

CONTROL = "GXP-AI-06"
STACK = COMPUTE
GATE = "runtime.release_handlers.sagemaker_approval_handler"


def changes(template: dict) -> dict:
    return rule(template, "ApprovalChanges")["Properties"]


def sweep(template: dict) -> dict:
    return rule(template, "ApprovalSweep")["Properties"]


def _without_update(template: dict) -> None:
    for policy in (r["Properties"]["PolicyDocument"] for lid, r in template["Resources"].items()
                   if r["Type"] == "AWS::IAM::ManagedPolicy" and "ApprovalGate" in lid):
        for statement in policy["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            statement["Action"] = [a for a in actions if a != "sagemaker:UpdateModelPackage"] or ["sagemaker:DescribeModelPackage"]


def test_compliant(reference, ctx):
    for stack in (COMPUTE, COMPUTE_JP):
        assert CONTROL not in fired(reference[stack], ctx)


def test_research_models_are_outside_the_boundary(reference, ctx):
    assert CONTROL not in fired(reference[COMPUTE_RESEARCH], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: changes(t).update(State="DISABLED"), id="changes-not-delivered"),
        pytest.param(lambda t: changes(t)["EventPattern"]["detail"].update(ModelPackageGroupName=["another-group"]),
                     id="watches-another-group"),
        pytest.param(lambda t: sweep(t).update(State="DISABLED"), id="no-sweep"),
        pytest.param(lambda t: environment(t, GATE).update(RELEASE_MEANING="reviewed"), id="wrong-meaning"),
        pytest.param(lambda t: environment(t, GATE).update(EVALUATION_LOCATION="elsewhere/evaluations/"),
                     id="evaluation-records-elsewhere"),
        pytest.param(lambda t: function(t, GATE)["Properties"].update(Handler="index.handler"), id="not-the-gate"),
        pytest.param(_without_update, id="cannot-revert"),
        pytest.param(lambda t: environment(t, GATE).update(RELEASE_MEANING={"Ref": "MeaningParameter"}),
                     id="unprovable-meaning"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _gate(stack):
    return stack.governance.gate.function.node.default_child


CHANNELS = Channels(
    build=compute_stack,
    # The construct's code edited to listen for another event than the approval change.
    construct=lambda mp: mp.setattr(model_governance, "STATE_CHANGE", "SageMaker Model Package Group State Change"),
    l1=lambda stack: setattr(stack.governance.sweep.node.default_child, "state", "DISABLED"),
    overrides=(
        lambda stack: stack.governance.rule.node.default_child.add_property_override("State", "DISABLED"),
        lambda stack: _gate(stack).add_override("Properties.Environment.Variables.RELEASE_MEANING", "reviewed"),
        lambda stack: stack.governance.sweep.node.default_child.add_deletion_override("Properties.ScheduleExpression"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
