"""Reading what CDK wrote: a cloud assembly (cdk.out, nested stage assemblies included), a folder of
templates, or a single template, JSON or YAML, including templates this app did not write.

From the assembly comes what the template alone does not say: the account and region a stack deploys
to, the construct path of each resource, and the acknowledgements CDK recorded as
``aws:cdk:acknowledged-rules`` metadata, keyed by construct path.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from .cfn import StackTemplate

ACKNOWLEDGED = "aws:cdk:acknowledged-rules"
LOGICAL_ID = "aws:cdk:logicalId"
TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")


class InputError(Exception):
    """A path or file that cannot be read as CloudFormation; the message names it and says why."""


# -- YAML with CloudFormation's short-form tags --------------------------------------------------
# cfn-flip and cfn-lint both parse these, but neither is a runtime dependency of the checker, and
# the whole job is mapping "!Name" to {"Fn::Name": ...} (or {"Ref": ...}), done here in a few lines.


class _CfnLoader(yaml.SafeLoader):
    pass


def _short_form(loader: _CfnLoader, suffix: str, node: yaml.Node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        return {"Fn::GetAtt": value.split(".", 1)}
    if suffix == "Condition":
        return {"Condition": value}
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _short_form)


def _parse(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc.__class__.__name__}: {exc})") from None
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else yaml.load(text, Loader=_CfnLoader)  # noqa: S506
    except (ValueError, yaml.YAMLError, RecursionError) as exc:
        raise InputError(f"{path}: neither JSON nor YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise InputError(f"{path}: not a CloudFormation template (no Resources section)")
    for logical_id, resource in data["Resources"].items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            raise InputError(f"{path}: resource {logical_id} has no Type")
    return data


# -- cloud assembly ---------------------------------------------------------------------------------


def _environment(value: str | None) -> tuple[str | None, str | None]:
    if not value or not value.startswith("aws://"):
        return None, None
    account, _, region = value.removeprefix("aws://").partition("/")
    return (
        None if account.startswith("unknown-") else account,
        None if region.startswith("unknown-") else region,
    )


def _rule_id(key: str) -> str:
    """"Annotation::GXP-S3-08" and "GXP::GXP-S3-08" both acknowledge GXP-S3-08. Only a leading namespace is
    dropped: a finding of a rule carries "::" inside its brackets
    ("Annotation::AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/*]" is AwsSolutions-IAM5[Resource::...])."""
    namespace, found, rest = key.partition("::")
    return rest if found and "[" not in namespace else key


def _metadata(directory: Path, artifact: dict) -> dict:
    entries = dict(artifact.get("metadata") or {})
    extra = artifact.get("additionalMetadataFile")
    if extra:
        try:
            entries.update(json.loads((directory / extra).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise InputError(f"{directory / extra}: unreadable stack metadata ({exc})") from None
    return entries


def _stack(directory: Path, name: str, artifact: dict) -> StackTemplate:
    properties = artifact.get("properties") or {}
    file = directory / properties.get("templateFile", f"{name}.template.json")
    account, region = _environment(artifact.get("environment"))
    paths: dict[str, str] = {}
    acknowledgements: dict[str, dict[str, str]] = {}
    for path, entries in _metadata(directory, artifact).items():
        construct_path = path.lstrip("/")
        for entry in entries or []:
            if entry.get("type") == LOGICAL_ID and isinstance(entry.get("data"), str):
                paths[entry["data"]] = construct_path
            elif entry.get("type") == ACKNOWLEDGED and isinstance(entry.get("data"), dict):
                for key, reason in entry["data"].items():
                    acknowledgements.setdefault(construct_path, {})[_rule_id(key)] = str(reason)
    template = _parse(file)
    for logical_id, resource in template["Resources"].items():
        recorded = (resource.get("Metadata") or {}).get("aws:cdk:path")
        if logical_id not in paths and isinstance(recorded, str):
            paths[logical_id] = recorded
    return StackTemplate(
        name=artifact.get("displayName") or name,
        template=template,
        account=account,
        region=region,
        file=str(file),
        paths=paths,
        acknowledgements=acknowledgements,
        tags=dict(properties.get("tags") or {}),
        directory=str(directory),
    )


def read_assembly(directory: Path, *, nested: bool = True) -> list[StackTemplate]:
    manifest = directory / "manifest.json"
    try:
        artifacts = json.loads(manifest.read_text(encoding="utf-8")).get("artifacts") or {}
    except (OSError, ValueError, AttributeError) as exc:
        raise InputError(f"{manifest}: not a readable cloud assembly manifest ({exc})") from None
    stacks: list[StackTemplate] = []
    for name, artifact in artifacts.items():
        kind = artifact.get("type")
        if kind == "aws:cloudformation:stack":
            stacks.append(_stack(directory, name, artifact))
        elif kind == "cdk:cloud-assembly" and nested:
            # A Stage (CDK Pipelines' deployment waves) synthesizes into a nested assembly.
            sub = (artifact.get("properties") or {}).get("directoryName")
            if sub:
                stacks.extend(read_assembly(directory / sub))
    return stacks


def read_templates(path: str | Path, *, account: str | None = None, region: str | None = None) -> list[StackTemplate]:
    """Every stack under ``path``: a cloud assembly, a folder of templates, or one template file.
    ``account`` and ``region`` fill in where the assembly does not say (loose templates)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_dir() and (path / "manifest.json").exists():
        stacks = read_assembly(path)
    elif path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(TEMPLATE_SUFFIXES))
        files = [p for p in files if not p.name.endswith((".assets.json", ".metadata.json")) and p.name != "tree.json"]
        if not files:
            raise InputError(f"{path}: no template files (*.json, *.yaml, *.yml, *.template) in this folder")
        stacks = [_loose(p) for p in files]
    else:
        stacks = [_loose(path)]
    for stack in stacks:
        stack.account = stack.account or account
        stack.region = stack.region or region
    return stacks


def _loose(file: Path) -> StackTemplate:
    name = file.name
    for suffix in (".template.json", ".template.yaml", ".template", ".json", ".yaml", ".yml"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    template = _parse(file)
    paths = {
        lid: r["Metadata"]["aws:cdk:path"]
        for lid, r in template["Resources"].items()
        if isinstance((r.get("Metadata") or {}).get("aws:cdk:path"), str)
    }
    return StackTemplate(name=name, template=template, file=str(file), paths=paths)
