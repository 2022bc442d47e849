"""GXP-CFG-03: compliance changes are forwarded to the audit account's event bus."""

from __future__ import annotations

import json

from ..cfn import contains_unresolved
from ..model import Control, cannot_prove, compliant, non_compliant
from ._recorder import RECORDERS

SOURCE = "aws.config"
DETAIL_TYPE = "Config Rules Compliance Change"
# Any other key of the pattern (detail, account, region) filters the compliance changes it forwards.
PATTERN_KEYS = {"source", "detail-type"}
ENABLED = (None, "ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")


def _matches(values, wanted: str) -> bool:
    """An event pattern's value list matches ``wanted`` exactly or by a prefix filter."""
    for value in values if isinstance(values, list) else [values]:
        prefix = value.get("prefix") if isinstance(value, dict) else None
        if value == wanted or (isinstance(prefix, str) and wanted.startswith(prefix)):
            return True
    return False


def _why_not(rule, ctx) -> str | None:
    """Why ``rule`` does not forward every compliance change to the audit bus; None when it does."""
    pattern = rule.get("EventPattern")
    if isinstance(pattern, str):
        try:
            pattern = json.loads(pattern)
        except ValueError:
            return "its event pattern is not JSON"
    if not isinstance(pattern, dict) or not _matches(pattern.get("source"), SOURCE):
        return None  # not a Config rule forwarder at all
    if rule.get("State") not in ENABLED:
        return f"is {rule.get('State')}"
    bus = rule.get("EventBusName")
    if bus not in (None, "default") and not (isinstance(bus, str) and bus.endswith(":event-bus/default")):
        return f"listens on bus {bus}, where Config does not publish"
    if "detail-type" in pattern and not _matches(pattern["detail-type"], DETAIL_TYPE):
        return f"matches detail-type {pattern['detail-type']}"
    if extra := sorted(set(pattern) - PATTERN_KEYS):
        return f"filters on {', '.join(extra)}"
    targets = [t for t in rule.get("Targets") or [] if isinstance(t, dict) and t.get("Arn") == ctx.audit_bus_arn]
    if not targets:
        return f"targets {[t.get('Arn') for t in rule.get('Targets') or [] if isinstance(t, dict)]}, not {ctx.audit_bus_arn}"
    if not any(t.get("RoleArn") for t in targets):
        return "targets the audit bus without a role to put events across accounts"
    return ""


def check(recorder, ctx):
    if ctx.audit_bus_arn is None:
        return cannot_prove("no config: the audit account's event bus is not known")
    seen, unknown = [], None
    for rule in recorder.stack.of_type("AWS::Events::Rule"):
        if (why := contains_unresolved(rule.properties)) is not None:
            unknown = why
            continue
        reason = _why_not(rule, ctx)
        if reason == "":
            name = rule.get("Name") or rule.logical_id
            return compliant(f"rule {name} forwards {SOURCE} compliance changes to {ctx.audit_bus_arn}")
        if reason is not None:
            seen.append(f"{rule.get('Name') or rule.logical_id} {reason}")
    if unknown is not None:
        return cannot_prove(f"no rule is proven to forward compliance changes; {unknown.why}")
    return non_compliant("; ".join(seen) if seen else f"no rule forwards {SOURCE} events")


CONTROL = Control(
    id="GXP-CFG-03",
    title="Drift reported to the audit account",
    statement=(
        "An enabled rule on each account's default event bus forwards every AWS Config compliance change to the "
        "audit account's event bus, where non-compliance raises an alert."
    ),
    annex11={
        "13": "Drift is reported as an incident to the people who assess it, with no one in the account able to silence it.",
    },
    resource_types=("AWS::Config::ConfigurationRecorder",),
    check=check,
    deployed=RECORDERS,
)
