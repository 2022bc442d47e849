"""Deployed HealthOmics stores and run groups in CloudFormation's shape.

A store's key becomes a reference to an ``AWS::KMS::Key`` (``ec2.py``); each resource is named
"<name> (<id>)", as HealthOmics identifies it.
"""

from __future__ import annotations

from ..cfn import Resource
from .ec2 import key
from .reader import AccountReader

STORES = {
    "AWS::Omics::SequenceStore": ("list_sequence_stores", "sequenceStores"),
    "AWS::Omics::ReferenceStore": ("list_reference_stores", "referenceStores"),
}


def store(reader: AccountReader, resource_type: str, name: str) -> list[Resource]:
    return reader.once(("omics", resource_type, name), lambda: _stores(reader, resource_type, name))


def _stores(reader: AccountReader, resource_type: str, name: str) -> list[Resource]:
    operation, listed_key = STORES[resource_type]
    listed = reader.call("omics", operation, filter={"name": name})
    if not listed.ok:
        return [reader.add(resource_type, name, {}, missing=f"cannot list stores: {listed.error}")]
    found = [s for s in listed.get(listed_key) or [] if s.get("name") == name]
    if not found:
        return [reader.add(resource_type, name, {}, missing=f"no store named {name}")]
    shaped = []
    for described in found:
        sse = described.get("sseConfig") or {}
        config = {"Type": sse.get("type")}
        if sse.get("keyArn"):
            config["KeyArn"] = key(reader, sse["keyArn"])
        shaped.append(reader.add(resource_type, f"{name} ({described.get('id')})", {"Name": name, "SseConfig": config}))
    return shaped


def run_groups(reader: AccountReader, name: str) -> list[Resource]:
    return reader.once(("omics", "run-groups", name), lambda: _run_groups(reader, name))


def _run_groups(reader: AccountReader, name: str) -> list[Resource]:
    listed = reader.call("omics", "list_run_groups", name=name)
    if not listed.ok:
        return [reader.add("AWS::Omics::RunGroup", name, {}, missing=f"cannot list run groups: {listed.error}")]
    found = [g for g in listed.get("items") or [] if g.get("name") == name]
    if not found:
        return [reader.add("AWS::Omics::RunGroup", name, {}, missing=f"no run group named {name}")]
    shaped = []
    for summary in found:
        group = reader.call("omics", "get_run_group", id=summary["id"])
        fields = {"MaxCpus": "maxCpus", "MaxGpus": "maxGpus", "MaxRuns": "maxRuns", "MaxDuration": "maxDuration"}
        properties = {"Name": name}
        for field, api in fields.items():
            value = group.get(api)  # an API error stays in each value: "cannot prove", with its words
            if value is not None:
                properties[field] = value
        shaped.append(reader.add("AWS::Omics::RunGroup", f"{name} ({summary['id']})", properties))
    return shaped


