"""Deployed EventBridge rules of the default event bus as ``AWS::Events::Rule``."""

from __future__ import annotations

import json

from ..cfn import Resource, Unresolved
from .reader import AccountReader


def default_bus_rules(reader: AccountReader) -> list[Resource]:
    """Every rule on the account's default bus (where AWS services such as Config publish), with its targets."""
    return reader.once(("events", "default"), lambda: _read(reader))


def _pattern(text: object) -> object:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return Unresolved("the event pattern EventBridge returned is not JSON")


def _read(reader: AccountReader) -> list[Resource]:
    rules: list[dict] = []
    kwargs: dict = {}
    while True:
        page = reader.call("events", "list_rules", **kwargs)
        if not page.ok:
            return [reader.add("AWS::Events::Rule", "EventBridge rules", {"EventPattern": Unresolved(page.error)})]
        rules.extend(page.get("Rules") or [])
        if not page.get("NextToken"):
            break
        kwargs = {"NextToken": page.get("NextToken")}
    found = []
    for rule in rules:
        targets = reader.call("events", "list_targets_by_rule", Rule=rule["Name"]).get("Targets")
        properties = {
            "Name": rule.get("Name"),
            "EventBusName": rule.get("EventBusName"),
            "EventPattern": _pattern(rule.get("EventPattern")),
            "ScheduleExpression": rule.get("ScheduleExpression"),
            "State": rule.get("State"),
            "Targets": [
                {k: v for k, v in target.items() if k in ("Id", "Arn", "RoleArn")} for target in targets
            ] if isinstance(targets, list) else targets,
        }
        found.append(reader.add("AWS::Events::Rule", rule["Name"], {k: v for k, v in properties.items() if v is not None}))
    return found
