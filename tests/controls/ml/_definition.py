"""Editing a pipeline definition in a template: the Fn::Join CDK wrote is read back into a dict (each
intrinsic kept in place by a marker), changed, and written back as an Fn::Join, as an override with
a new definition body would."""

from __future__ import annotations

import copy
import json
import re
from typing import Callable

from controls.support import the

MARK = re.compile(r"(@@\d+@@)")


def edit_definition(edit: Callable[[dict], object]) -> Callable[[dict], None]:
    def apply(template: dict) -> None:
        body = the(template, "AWS::SageMaker::Pipeline")["Properties"]["PipelineDefinition"]
        separator, parts = body["PipelineDefinitionBody"]["Fn::Join"]
        intrinsics, text = {}, ""
        for part in parts:
            if isinstance(part, str):
                text += part
            else:
                marker = f"@@{len(intrinsics)}@@"
                intrinsics[marker] = part
                text += marker
        definition = json.loads(text)
        edit(definition)
        rebuilt = [intrinsics.get(p, p) for p in MARK.split(json.dumps(definition)) if p != ""]
        body["PipelineDefinitionBody"] = {"Fn::Join": [separator, rebuilt]}

    return apply


def step(definition: dict, step_type: str) -> dict:
    return next(s for s in definition["Steps"] if s["Type"] == step_type)


def training(edit: Callable[[dict], object]) -> Callable[[dict], None]:
    """A template edit changing the arguments of the training step."""
    return edit_definition(lambda d: edit(step(d, "Training")["Arguments"]))


def registration(edit: Callable[[dict], object]) -> Callable[[dict], None]:
    return edit_definition(lambda d: edit(step(d, "RegisterModel")["Arguments"]))


def in_condition_branch(edit: Callable[[dict], object], step_type: str = "Training") -> Callable[[dict], None]:
    """A step moved into the if-branch of a Condition step, its arguments changed."""

    def apply(definition: dict) -> None:
        moved = step(definition, step_type)
        edit(moved["Arguments"])
        definition["Steps"].remove(moved)
        definition["Steps"].append({"Name": "Gate", "Type": "Condition", "Arguments": {
            "Conditions": [{"Type": "Equals", "LeftValue": 1, "RightValue": 1}], "IfSteps": [moved], "ElseSteps": []}})

    return edit_definition(apply)


def with_tuning_step(edit: Callable[[dict], object]) -> Callable[[dict], None]:
    """A tuning step added, whose training job definition is the training step's arguments, changed."""

    def apply(definition: dict) -> None:
        job = copy.deepcopy(step(definition, "Training")["Arguments"])
        edit(job)
        definition["Steps"].append({"Name": "Tune", "Type": "Tuning", "Arguments": {
            "HyperParameterTuningJobConfig": {"Strategy": "Bayesian"}, "TrainingJobDefinition": job}})

    return edit_definition(apply)


def edited_definition(stack, edit: Callable[[dict], object], step_type: str = "Training") -> dict:
    """The construct's own definition (Python values and tokens), with one step's arguments changed."""
    definition = copy.deepcopy(stack.ml.definition)
    edit(step(definition, step_type)["Arguments"])
    return definition


def weakened_definition_body(edit: Callable[[dict], object], step_type: str = "Training"):
    """``ModelTrainingPipeline.definition_body`` as if the construct's code built the step so."""
    from gxp_landing_zone.constructs.ml_pipeline import ModelTrainingPipeline

    original = ModelTrainingPipeline.definition_body

    def definition_body(self, definition: dict) -> dict:
        definition = copy.deepcopy(definition)
        edit(step(definition, step_type)["Arguments"])
        return original(self, definition)

    return definition_body
