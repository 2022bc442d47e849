"""What the promotion-pipeline control tests share: the Pipeline stack, its builder, and ways to reach its
stages, actions and CodeBuild projects in a template and in the built stack."""

from __future__ import annotations

import json

from aws_cdk import aws_codebuild as codebuild

from gxp_landing_zone.stacks.pipeline import PipelineStack

STACK = "Pipeline-deployment-us-east-1"
PIPELINE = "AWS::CodePipeline::Pipeline"
PROJECT = "AWS::CodeBuild::Project"
STEP = "GXP_PIPELINE_STEP"


def build(app, config):
    return PipelineStack(
        app, config=config, account=config.account("deployment"), region=config.home_region,
        validation_stacks=["Records-validation-us-us-east-1"],
        production_waves=[["Records-regulated-us-us-east-1"], ["Organization-management-us-east-1"]],
    )


# -- in a template ------------------------------------------------------------------------------------


def stages(template: dict) -> list:
    (pipeline,) = [r for r in template["Resources"].values() if r["Type"] == PIPELINE]
    return pipeline["Properties"]["Stages"]


def stage(template: dict, name: str) -> dict:
    return next(s for s in stages(template) if s["Name"] == name)


def action(template: dict, stage_name: str, name: str) -> dict:
    return next(a for a in stage(template, stage_name)["Actions"] if a["Name"] == name)


def remove(template: dict, stage_name: str, name: str) -> dict:
    found = stage(template, stage_name)
    taken = action(template, stage_name, name)
    found["Actions"] = [a for a in found["Actions"] if a is not taken]
    return taken


def project_id(template: dict, step: str) -> str:
    return next(
        lid for lid, r in template["Resources"].items()
        if r["Type"] == PROJECT and any(v["Name"] == STEP and v["Value"] == step
                                        for v in r["Properties"]["Environment"].get("EnvironmentVariables", []))
    )


def project(template: dict, step: str) -> dict:
    return template["Resources"][project_id(template, step)]["Properties"]


def variable(template: dict, step: str, name: str) -> dict:
    return next(v for v in project(template, step)["Environment"]["EnvironmentVariables"] if v["Name"] == name)


def set_commands(template: dict, step: str, commands: list[str]) -> None:
    spec = json.loads(project(template, step)["Source"]["BuildSpec"])
    spec["phases"]["build"]["commands"] = commands
    project(template, step)["Source"]["BuildSpec"] = json.dumps(spec)


# -- in the built stack -------------------------------------------------------------------------------


def cfn_pipeline(stack):
    return stack.promotion.pipeline.pipeline.node.default_child


def _environment(stack, node) -> dict:
    """An L1 project's environment as set on it (jsii hands the struct back with camelCase keys)."""
    return stack.resolve(node.environment)


def cfn_project(stack, step: str) -> codebuild.CfnProject:
    for node in stack.node.find_all():
        if isinstance(node, codebuild.CfnProject):
            variables = _environment(stack, node).get("environmentVariables", [])
            if any(v.get("name") == STEP and v.get("value") == step for v in variables):
                return node
    raise LookupError(step)


def variable_index(stack, step: str, name: str) -> int:
    variables = _environment(stack, cfn_project(stack, step))["environmentVariables"]
    return next(i for i, v in enumerate(variables) if v["name"] == name)


def set_environment(stack, step: str, **values: str) -> None:
    """An L1 setter: the project's environment read back, its variables changed, set again."""
    node = cfn_project(stack, step)
    current = _environment(stack, node)
    variables = {v["name"]: v for v in current.get("environmentVariables", [])}
    for name, value in values.items():
        if value is None:
            variables.pop(name, None)
        else:
            variables[name] = {"name": name, "value": value, "type": "PLAINTEXT"}
    node.environment = codebuild.CfnProject.EnvironmentProperty(
        compute_type=current["computeType"], image=current["image"], type=current["type"],
        image_pull_credentials_type=current.get("imagePullCredentialsType"), privileged_mode=current.get("privilegedMode"),
        environment_variables=[
            codebuild.CfnProject.EnvironmentVariableProperty(name=v["name"], value=v["value"], type=v.get("type"))
            for v in variables.values()
        ],
    )


def set_buildspec(stack, step: str, commands: list[str]) -> None:
    node = cfn_project(stack, step)
    node.source = codebuild.CfnProject.SourceProperty(
        type="CODEPIPELINE", build_spec=json.dumps({"version": "0.2", "phases": {"build": {"commands": commands}}})
    )
