"""The templates the estate deployed to an account and region, as CloudFormation holds them."""

from __future__ import annotations

import json

from ...topology import stack_names
from ..cfn import Resource
from .reader import AccountReader


def deployed_resources(reader: AccountReader, types: tuple[str, ...]) -> list[Resource]:
    """Every resource of ``types`` in the estate's stacks here, as the deployed template declares it
    (DeletionPolicy and UpdateReplacePolicy are template attributes no service API reports)."""
    found = []
    for stack in stack_names(reader.config, reader.account, reader.region):
        answer = reader.call("cloudformation", "get_template", StackName=stack, TemplateStage="Original")
        if not answer.ok:
            found.append(reader.add("AWS::CloudFormation::Stack", stack, {}, missing=answer.error))
            continue
        body = answer.get("TemplateBody")
        try:
            template = body if isinstance(body, dict) else json.loads(body)
        except ValueError as exc:
            found.append(reader.add("AWS::CloudFormation::Stack", stack, {}, missing=f"template not JSON: {exc}"))
            continue
        for logical_id, raw in (template.get("Resources") or {}).items():
            if raw.get("Type") in types:
                found.append(reader.add(raw["Type"], f"{stack}/{logical_id}", raw.get("Properties") or {}, **{
                    k: v for k, v in raw.items() if k in ("DeletionPolicy", "UpdateReplacePolicy")
                }))
    return found
