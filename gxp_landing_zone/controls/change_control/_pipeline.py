"""Reading a CodePipeline as it runs: its actions in execution order (stage by stage, then run order), and
for each CodeBuild action the project it starts, what that project says it is (the GXP_PIPELINE_STEP
variable), whom it acts on and the commands it executes. Stages run one after another and actions of a
stage in ascending run order, those with the same run order side by side; a failed action stops the
pipeline, so an action only runs once everything before it has succeeded."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field

import yaml

from ..cfn import Ref, Resource, Unresolved, contains_unresolved
from ..deployed.codepipeline import promotion_pipeline
from ..model import DEPLOYMENT, DeployedCheck

PIPELINE = "AWS::CodePipeline::Pipeline"
PROJECT = "AWS::CodeBuild::Project"
STEP = "GXP_PIPELINE_STEP"
MODULE = "-m gxp_landing_zone.change_control"
# CDK Pipelines updates the pipeline itself before any later stage runs; that step may deploy the pipeline's
# own stack and nothing else (the synthesis gate before it has judged the new pipeline already).
SELF_MUTATION = "self-mutation"
PIPELINE_STACK_PREFIX = "Pipeline-"
# The IQ reads the promotion pipeline in the deployment account, home region.
PROMOTION_PIPELINE = DeployedCheck(read=promotion_pipeline, accounts=frozenset({DEPLOYMENT}), regions="home")


@dataclass
class Action:
    stage: str
    position: tuple[int, int]  # (stage index, run order)
    name: str
    provider: str
    step: str | None = None
    variables: dict = field(default_factory=dict)
    commands: list[str] = field(default_factory=list)
    doubt: str | None = None  # why what this action does cannot be read

    @property
    def label(self) -> str:
        return f"{self.stage}/{self.name}"

    def runs(self, fragment: str) -> bool:
        return any(fragment in command for command in self.commands)

    @property
    def deploys(self) -> bool:
        if self.step == SELF_MUTATION:
            return any(not s.startswith(PIPELINE_STACK_PREFIX) for s in self.deployed_stacks()) or not self.deployed_stacks()
        if self.step is not None:
            return self.step.startswith("deploy:")
        return self.provider in ("CloudFormation", "CloudFormationStackSet") or self.runs("cdk deploy") or self.runs(" deploy ")

    def deployed_stacks(self) -> list[str]:
        """Stacks named on the step's `cdk ... deploy` command lines (a pattern or --all counts as '*')."""
        named = []
        for command in self.commands:
            try:
                words = shlex.split(command)
            except ValueError:
                return ["*"]
            if "deploy" not in words:
                continue
            rest = words[words.index("deploy") + 1:]
            named += ["*" if w == "--all" else w for w in rest if not w.startswith("-") or w == "--all"]
            named = [w for w in named if "=" not in w]
        return named


def _variables(value) -> dict | Unresolved:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return Unresolved(f"EnvironmentVariables {value!r} is not JSON")
    if value is None:
        return {}
    if isinstance(value, Unresolved) or not isinstance(value, list):
        return value if isinstance(value, Unresolved) else Unresolved("EnvironmentVariables is not a list")
    found = {}
    for item in value:
        if not isinstance(item, dict) or contains_unresolved(item) is not None:
            return Unresolved(f"an environment variable is known only at deploy time ({item})")
        found[item.get("Name") or item.get("name")] = item.get("Value", item.get("value"))
    return found


def _commands(buildspec) -> list[str] | Unresolved:
    if isinstance(buildspec, Unresolved):
        return Unresolved(f"BuildSpec: {buildspec.why}")
    if not isinstance(buildspec, str):
        return Unresolved("the project has no BuildSpec the template states")
    try:
        document = json.loads(buildspec) if buildspec.lstrip().startswith("{") else yaml.safe_load(buildspec)
    except (ValueError, yaml.YAMLError):
        return Unresolved("BuildSpec is neither JSON nor YAML")
    phases = (document or {}).get("phases") or {}
    commands = []
    for phase in ("install", "pre_build", "build", "post_build"):
        listed = (phases.get(phase) or {}).get("commands") or []
        commands += [c for c in listed if isinstance(c, str)]
    return commands


def project_of(action_config, pipeline: Resource) -> Resource | None | Unresolved:
    name = (action_config or {}).get("ProjectName") if isinstance(action_config, dict) else None
    if isinstance(name, Ref):
        return pipeline.stack.target(name, PROJECT)
    if isinstance(name, str):
        return next((p for p in pipeline.stack.of_type(PROJECT) if p.get("Name") == name), None)
    return name if isinstance(name, Unresolved) else None


def actions(pipeline: Resource) -> list[Action] | Unresolved:
    stages = pipeline.get("Stages")
    if isinstance(stages, Unresolved) or not isinstance(stages, list):
        return stages if isinstance(stages, Unresolved) else Unresolved("Stages is not a list")
    found = []
    for index, stage in enumerate(stages):
        if not isinstance(stage, dict) or not isinstance(stage.get("Actions"), list):
            return Unresolved(f"stage {index} is known only at deploy time")
        for action in stage["Actions"]:
            if not isinstance(action, dict):
                return Unresolved(f"an action of stage {stage.get('Name')} is known only at deploy time")
            order = action.get("RunOrder", 1)
            provider = (action.get("ActionTypeId") or {}).get("Provider")
            if isinstance(order, Unresolved) or isinstance(provider, Unresolved) or not isinstance(order, int):
                return Unresolved(f"the order or kind of {stage.get('Name')}/{action.get('Name')} is known only at deploy time")
            found.append(_action(pipeline, stage.get("Name"), (index, order), action, provider))
    return found


def _action(pipeline: Resource, stage: str, position: tuple[int, int], raw: dict, provider: str) -> Action:
    action = Action(stage=str(stage), position=position, name=str(raw.get("Name")), provider=str(provider))
    if provider != "CodeBuild":
        return action
    configuration = raw.get("Configuration")
    project = project_of(configuration, pipeline)
    if not isinstance(project, Resource):
        action.doubt = project.why if isinstance(project, Unresolved) else "its CodeBuild project is not in the template"
        return action
    variables = _variables(project.get("Environment.EnvironmentVariables"))
    overrides = _variables((configuration or {}).get("EnvironmentVariables"))
    commands = _commands(project.get("Source.BuildSpec"))
    for value in (variables, overrides, commands):
        if isinstance(value, Unresolved):
            action.doubt = value.why
            return action
    # Variables the action passes override the project's own, as CodeBuild applies them.
    action.variables = {**variables, **overrides}
    action.commands = commands
    step = action.variables.get(STEP)
    action.step = step if isinstance(step, str) else None
    return action


def doubtful(found: list[Action]) -> list[str]:
    return [f"{a.label}: {a.doubt}" for a in found if a.doubt]


def before(a: Action, b: Action) -> bool:
    """``a`` has succeeded before ``b`` starts."""
    return a.position < b.position and not (a.position[0] == b.position[0] and a.position[1] == b.position[1])


def accounts_of(action: Action, variable: str = "GXP_QUALIFY_ACCOUNTS") -> set[str]:
    value = action.variables.get(variable)
    return {v.strip() for v in value.split(",") if v.strip()} if isinstance(value, str) else set()


def where(action: Action) -> str:
    return f"{action.label} (stage {action.position[0] + 1}, order {action.position[1]})"
