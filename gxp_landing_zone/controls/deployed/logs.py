"""Deployed CloudWatch Logs log groups as ``AWS::Logs::LogGroup``."""

from __future__ import annotations

from ..cfn import Resource, Unresolved
from .reader import AccountReader


def _all_groups(reader: AccountReader) -> list[dict] | Unresolved:
    groups: list[dict] = []
    kwargs: dict = {}
    while True:
        page = reader.call("logs", "describe_log_groups", **kwargs)
        if not page.ok:
            return Unresolved(page.error)
        groups.extend(page.get("logGroups") or [])
        if not page.get("nextToken"):
            return groups
        kwargs = {"nextToken": page.get("nextToken")}


def _tags(reader: AccountReader, group: dict) -> object:
    arn = (group.get("arn") or "").removesuffix(":*")
    tags = reader.call("logs", "list_tags_for_resource", resourceArn=arn).get("tags")
    return [{"Key": k, "Value": v} for k, v in tags.items()] if isinstance(tags, dict) else tags


def log_groups(reader: AccountReader, named: list[str], tag: tuple[str, str]) -> list[Resource]:
    """The groups named in ``named`` (missing where absent) and every group carrying ``tag``: groups
    with generated names (Lambda, API access logs) are found by the tag the stacks put on them."""
    return reader.once(("logs", tuple(named), tag), lambda: _read(reader, named, tag))


def _read(reader: AccountReader, named: list[str], tag: tuple[str, str]) -> list[Resource]:
    groups = _all_groups(reader)
    if isinstance(groups, Unresolved):
        return [reader.add("AWS::Logs::LogGroup", "log groups", {"KmsKeyId": groups, "RetentionInDays": groups})]
    found = []
    seen = set()
    for group in groups:
        name = group.get("logGroupName")
        tags = _tags(reader, group)
        tagged = isinstance(tags, list) and {"Key": tag[0], "Value": tag[1]} in tags
        if name not in named and not tagged:
            continue
        seen.add(name)
        properties = {
            "LogGroupName": name,
            "KmsKeyId": group.get("kmsKeyId"),
            "RetentionInDays": group.get("retentionInDays"),
            "Tags": tags,
        }
        found.append(reader.add("AWS::Logs::LogGroup", name, {k: v for k, v in properties.items() if v is not None}))
    for name in named:
        if name not in seen:
            found.append(reader.add("AWS::Logs::LogGroup", name, {"LogGroupName": name}, missing=f"no log group named {name}"))
    return found
