"""The promotion pipeline as ``AWS::CodePipeline::Pipeline`` and its CodeBuild projects as
``AWS::CodeBuild::Project``, in the shape the Pipeline stack declares them: each action names its project
by name, and the project carries its environment variables and buildspec, so the change-control controls
read the deployed pipeline exactly as they read the template."""

from __future__ import annotations

from ...naming import PIPELINE_NAME
from ..cfn import Resource
from .reader import AccountReader

PIPELINE = "AWS::CodePipeline::Pipeline"
PROJECT = "AWS::CodeBuild::Project"
BATCH = 100  # BatchGetProjects takes at most 100 names


def _read(reader: AccountReader) -> Resource:
    answer = reader.call("codepipeline", "get_pipeline", name=PIPELINE_NAME)
    if not answer.ok:
        return reader.add(PIPELINE, PIPELINE_NAME, {}, missing=f"cannot read pipeline {PIPELINE_NAME}: {answer.error}")
    stages = []
    names: list[str] = []
    for stage in answer.get("pipeline", "stages") or []:
        actions = []
        for action in stage.get("actions", []):
            configuration = dict(action.get("configuration") or {})
            kind = action.get("actionTypeId") or {}
            if kind.get("provider") == "CodeBuild" and configuration.get("ProjectName"):
                names.append(configuration["ProjectName"])
            actions.append({
                "Name": action.get("name"),
                "ActionTypeId": {"Category": kind.get("category"), "Owner": kind.get("owner"), "Provider": kind.get("provider"),
                                 "Version": kind.get("version")},
                "RunOrder": action.get("runOrder", 1),
                "Configuration": configuration,
            })
        stages.append({"Name": stage.get("name"), "Actions": actions})
    for start in range(0, len(names), BATCH):
        found = reader.call("codebuild", "batch_get_projects", names=names[start:start + BATCH])
        for project in (found.get("projects") or []) if found.ok else []:
            variables = (project.get("environment") or {}).get("environmentVariables") or []
            reader.add(PROJECT, project["name"], {
                "Name": project["name"],
                "Environment": {"EnvironmentVariables": [
                    {"Name": v.get("name"), "Value": v.get("value"), "Type": v.get("type")} for v in variables
                ]},
                "Source": {"Type": (project.get("source") or {}).get("type"), "BuildSpec": (project.get("source") or {}).get("buildspec")},
            })
    return reader.add(PIPELINE, PIPELINE_NAME, {"Name": PIPELINE_NAME, "Stages": stages})


def promotion_pipeline(reader: AccountReader) -> list[Resource]:
    return [reader.once(("codepipeline", PIPELINE_NAME), lambda: _read(reader))]
