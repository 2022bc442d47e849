"""Reading a SageMaker pipeline's definition: JSON text that CloudFormation assembles from literals and
resource attributes (``Fn::Join``), read here as far as the template allows.

The resource attributes spliced into the text (a key's ARN, a subnet's ID, a bucket's name) are
identifiers that cannot change the JSON's structure, so the text is parsed with a placeholder for
each and the placeholder read back as a reference to the resource. A part that could change the
structure (a parameter, an import, a condition) leaves the definition unreadable: "cannot prove".
Values a pipeline sets only at execution (``{"Get": "Parameters.X"}``) are unresolved as well.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any, Iterator

from ..cfn import Joined, Ref, Resource, StackTemplate, Unresolved
from ..deployed.ec2 import compute_runs_here
from ..deployed.sagemaker import pipeline as read_pipeline
from ..model import REGULATED, RESEARCH, DeployedCheck

TRAINING, TUNING, REGISTER, CONDITION = "Training", "Tuning", "RegisterModel", "Condition"
# Intrinsics whose value, when built only from resource attributes, is an identifier.
_IDENTIFIER_INTRINSICS = ("Ref", "Fn::GetAtt", "Fn::Select", "Fn::Split", "Fn::Join")
_IDENTIFIER_PSEUDO_PARAMETERS = ("AWS::Region", "AWS::AccountId", "AWS::Partition", "AWS::URLSuffix")
# Except these, whose values are text the template's author (or a custom resource) chooses: spliced
# into the definition they could rewrite it.
_FREE_TEXT_TYPES = ("AWS::CloudFormation::CustomResource", "AWS::CloudFormation::WaitCondition")
_FREE_TEXT_ATTRIBUTES = {"AWS::SSM::Parameter": "Value"}


def _free_text(stack: StackTemplate, logical_id: str, attribute: str | None) -> bool:
    kind = ((stack.template.get("Resources") or {}).get(logical_id) or {}).get("Type", "")
    return kind.startswith("Custom::") or kind in _FREE_TEXT_TYPES or (attribute is not None and _FREE_TEXT_ATTRIBUTES.get(kind) == attribute)


def _identifier(raw: Any, stack: StackTemplate) -> bool:
    """Whether a raw template value is built only from literals and resource attributes."""
    if isinstance(raw, (str, int, float, bool)):
        return True
    if isinstance(raw, list):
        return all(_identifier(r, stack) for r in raw)
    if not isinstance(raw, dict) or len(raw) != 1:
        return False
    (name, args), = raw.items()
    resources = stack.template.get("Resources") or {}
    if name == "Ref":
        return isinstance(args, str) and (
            args in _IDENTIFIER_PSEUDO_PARAMETERS or (args in resources and not _free_text(stack, args, None)))
    if name == "Fn::GetAtt":
        parts = args.split(".", 1) if isinstance(args, str) else args
        if not (isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, str) for p in parts)):
            return False
        return parts[0] in resources and not _free_text(stack, parts[0], parts[1])
    return name in _IDENTIFIER_INTRINSICS and _identifier(args, stack)


class Definition:
    """The parsed definition, and what each placeholder in it stands for."""

    def __init__(self, stack: StackTemplate):
        self.stack = stack
        self.data: dict = {}
        self._nonce = secrets.token_hex(6)
        self._stands_for: dict[str, Ref | Unresolved] = {}
        self._token = re.compile(rf"@@{self._nonce}:\d+@@")

    def _placeholder(self, value: Ref | Unresolved) -> str:
        token = f"@@{self._nonce}:{len(self._stands_for)}@@"
        self._stands_for[token] = value
        return token

    def _render(self, value: Any) -> str | Unresolved:
        if isinstance(value, str):
            return value
        parts = value.parts if isinstance(value, Joined) else (value,) if isinstance(value, Ref) else None
        if parts is None:
            return value if isinstance(value, Unresolved) else Unresolved(f"the definition is a {type(value).__name__}")
        for part in parts:
            if isinstance(part, Ref) and _free_text(self.stack, part.logical_id, part.attribute):
                return Unresolved(f"the definition splices in {part}, text that could rewrite it")
        return "".join(p if isinstance(p, str) else self._placeholder(p) for p in parts)

    def _render_raw(self, raw: Any, why: Unresolved) -> str | Unresolved:
        """A body the resolver could not read whole: its Fn::Join parts one by one."""
        if not (isinstance(raw, dict) and list(raw) == ["Fn::Join"] and isinstance(raw["Fn::Join"], list)
                and len(raw["Fn::Join"]) == 2 and isinstance(raw["Fn::Join"][1], list)):
            return why
        separator = self.stack.resolve(raw["Fn::Join"][0])
        if not isinstance(separator, str):
            return why
        pieces = []
        for part in raw["Fn::Join"][1]:
            resolved = self.stack.resolve(part)
            if isinstance(resolved, Unresolved):
                if not _identifier(part, self.stack):
                    return resolved
                pieces.append(self._placeholder(Unresolved("a value derived from resource attributes at deploy time")))
                continue
            rendered = self._render(resolved)
            if isinstance(rendered, Unresolved):
                return rendered
            pieces.append(rendered)
        return separator.join(pieces)

    def read(self, pipeline: Resource) -> "Definition | Unresolved":
        body = pipeline.get("PipelineDefinition.PipelineDefinitionBody")
        if body is None:
            if pipeline.get("PipelineDefinition.PipelineDefinitionS3Location") is not None:
                return Unresolved("the definition is read from S3 at deploy time; the template does not show it")
            return Unresolved("the pipeline has no PipelineDefinitionBody")
        if isinstance(body, Unresolved):
            raw = ((pipeline.raw.get("Properties") or {}).get("PipelineDefinition") or {})
            text = self._render_raw(raw.get("PipelineDefinitionBody") if isinstance(raw, dict) else None, body)
        else:
            text = self._render(body)
        if isinstance(text, Unresolved):
            return text
        try:
            data = json.loads(text)
        except ValueError as exc:
            return Unresolved(f"the definition is not JSON once assembled ({exc})")
        if not isinstance(data, dict):
            return Unresolved("the definition is not a JSON object")
        self.data = data
        return self

    # -- values inside the definition ------------------------------------------------------------

    def value(self, raw: Any) -> Any:
        """A definition value as a control reads it: placeholders back to references, and
        execution-time expressions ({"Get": ...}, {"Std:Join": ...}) unresolved."""
        if isinstance(raw, dict) and any(isinstance(k, str) and (k == "Get" or k.startswith("Std:")) for k in raw):
            return Unresolved(f"set when the pipeline runs ({json.dumps(raw)[:120]})")
        if not isinstance(raw, str) or not self._token.search(raw):
            return raw
        parts: list = []
        position = 0
        for match in self._token.finditer(raw):
            parts += [raw[position:match.start()], self._stands_for[match.group(0)]]
            position = match.end()
        parts = [p for p in parts + [raw[position:]] if p != ""]
        for part in parts:
            if isinstance(part, Unresolved):
                return part
        return parts[0] if len(parts) == 1 else Joined(tuple(parts))

    def get(self, args: dict, path: str) -> Any:
        value: Any = args
        for key in path.split("."):
            value = self.value(value)
            if value is None or isinstance(value, Unresolved):
                return value
            if not isinstance(value, dict):
                return Unresolved(f"{key} read from a {type(value).__name__}")
            value = value.get(key)
        return self.value(value)


def definition(pipeline: Resource) -> Definition | Unresolved:
    return Definition(pipeline.stack).read(pipeline)


def _steps(steps: Any) -> Iterator[dict]:
    """Every step, including those a Condition step runs in either branch."""
    for step in steps if isinstance(steps, list) else []:
        if isinstance(step, dict):
            yield step
            if step.get("Type") == CONDITION:
                arguments = step.get("Arguments") or {}
                yield from _steps(arguments.get("IfSteps"))
                yield from _steps(arguments.get("ElseSteps"))


def training_jobs(found: Definition) -> list[tuple[str, dict]]:
    """(name, job arguments) of every training job the pipeline starts: training steps, and each
    training job definition of a tuning step."""
    jobs = []
    for step in _steps(found.data.get("Steps")):
        name, arguments = str(step.get("Name", "?")), step.get("Arguments") or {}
        if step.get("Type") == TRAINING:
            jobs.append((f"step {name}", arguments))
        elif step.get("Type") == TUNING:
            definitions = [arguments.get("TrainingJobDefinition"), *(arguments.get("TrainingJobDefinitions") or [])]
            jobs += [(f"tuning step {name}", d) for d in definitions if isinstance(d, dict)]
    return jobs


def register_steps(found: Definition) -> list[tuple[str, dict]]:
    return [(f"step {s.get('Name', '?')}", s.get("Arguments") or {}) for s in _steps(found.data.get("Steps"))
            if s.get("Type") == REGISTER]


# -- where the IQ finds the pipeline ---------------------------------------------------------------------


def _estate_pipeline(reader) -> list[Resource]:
    # The stack names the pipeline after its model package group (naming.py).
    return [read_pipeline(reader, reader.names.model_package_group)] if compute_runs_here(reader) else []


PIPELINE_REGULATED = DeployedCheck(read=_estate_pipeline, accounts=frozenset({REGULATED}), regions="workload")
PIPELINE = DeployedCheck(read=_estate_pipeline, accounts=frozenset({REGULATED, RESEARCH}), regions="workload")
