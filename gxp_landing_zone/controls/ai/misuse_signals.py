"""GXP-AI-05: personal data and prompt attacks found by the guardrail raise an alert in the audit account."""

from __future__ import annotations

from ..cfn import Unresolved
from ..deployed.cloudwatch import alarms, metric_filters
from ..deployed.events import default_bus_rules
from ..deployed.logs import log_groups
from ..model import Control, DeployedCheck, all_of, cannot_prove, cfn_bool, compliant, non_compliant, not_applicable
from ._helpers import WORKLOADS, genai_settings, runs_genai_here

# What the guardrail writes into a logged response when it acts (its trace): either term is the signal.
SIGNALS = {"sensitive data": ("sensitiveInformationPolicy", "piiEntities"), "prompt attack": ("PROMPT_ATTACK",)}
ALARM_CHANGE = "CloudWatch Alarm State Change"


def _names_group(value, group):
    return group.refers_to(value) or (isinstance(value, str) and value == group.get("LogGroupName"))


def _alarmed(stack, namespace, metric):
    found = []
    for alarm in stack.of_type("AWS::CloudWatch::Alarm"):
        if alarm.get("Namespace") != namespace or alarm.get("MetricName") != metric:
            continue
        threshold, operator = alarm.get("Threshold"), alarm.get("ComparisonOperator")
        if cfn_bool(alarm.get("ActionsEnabled")) is False:
            continue
        if isinstance(threshold, (int, float)) and (
                (operator == "GreaterThanOrEqualToThreshold" and threshold <= 1)
                or (operator == "GreaterThanThreshold" and threshold < 1)):
            found.append(alarm)
    return found


def _covers(pattern, name):
    if not isinstance(pattern, dict) or pattern.get("source") != ["aws.cloudwatch"] or ALARM_CHANGE not in (pattern.get("detail-type") or []):
        return False
    detail = pattern.get("detail") or {}
    state = (detail.get("state") or {}).get("value")
    if state is not None and "ALARM" not in state:
        return False
    wanted = detail.get("alarmName")
    if wanted is None:
        return True
    return any(w == name or (isinstance(w, dict) and isinstance(w.get("prefix"), str) and name.startswith(w["prefix"]))
               for w in (wanted if isinstance(wanted, list) else [wanted]))


def _forwarded(stack, alarm, audit_bus):
    name = alarm.get("AlarmName")
    if not isinstance(name, str):
        return cannot_prove(f"alarm {alarm.logical_id} has no name a rule could match")
    for rule in stack.of_type("AWS::Events::Rule"):
        if rule.get("State") not in (None, "ENABLED") or rule.get("EventBusName") not in (None, "default"):
            continue
        targets = rule.get("Targets")
        if _covers(rule.get("EventPattern"), name) and isinstance(targets, list) and any(
                isinstance(t, dict) and t.get("Arn") == audit_bus for t in targets):
            return compliant()
    return non_compliant(f"no enabled rule sends {name}'s alarms to the audit bus {audit_bus}")


def _signal(group, label, terms, audit_bus):
    stack = group.stack
    for metric_filter in stack.of_type("AWS::Logs::MetricFilter"):
        if not _names_group(metric_filter.get("LogGroupName"), group):
            continue
        pattern = metric_filter.get("FilterPattern")
        if isinstance(pattern, Unresolved):
            return cannot_prove(f"{label} filter: {pattern.why}")
        if not isinstance(pattern, str) or not any(t in pattern for t in terms):
            continue
        transforms = metric_filter.get("MetricTransformations") or []
        for t in transforms if isinstance(transforms, list) else []:
            raised = _alarmed(stack, t.get("MetricNamespace"), t.get("MetricName"))
            if raised:
                return all_of(*(_forwarded(stack, a, audit_bus) for a in raised))
        return non_compliant(f"{label}: no enabled alarm fires on the first match of its metric")
    return non_compliant(f"{label}: no metric filter on the invocation log group matches {' or '.join(terms)}")


def check(group, ctx):
    if ctx.config is None or ctx.audit_bus_arn is None:
        return cannot_prove("the invocation log group and the audit bus are known only from the config")
    if group.get("LogGroupName") != ctx.names.genai_invocation_log_group():
        return not_applicable()
    if genai_settings(ctx, group.stack.account) is None:
        return not_applicable("the config allows this account no Bedrock")
    verdict = all_of(*(_signal(group, label, terms, ctx.audit_bus_arn) for label, terms in SIGNALS.items()))
    if verdict.passed:
        return compliant("sensitive-data and prompt-attack matches in the invocation log raise alarms sent to the audit bus")
    return verdict


def _deployed(reader):
    if not runs_genai_here(reader):
        return []
    name = reader.names.genai_invocation_log_group()
    metric_filters(reader, name)
    alarms(reader, reader.names.genai_alarm_prefix())
    default_bus_rules(reader)
    return [g for g in log_groups(reader, [name], ("gxp:account-role", reader.account.role)) if g.get("LogGroupName") == name]


CONTROL = Control(
    id="GXP-AI-05",
    title="Misuse signals alert the audit account",
    statement=(
        "The Bedrock invocation log group has metric filters for the guardrail's sensitive-data finding "
        "(sensitiveInformationPolicy or piiEntities) and prompt-attack finding (PROMPT_ATTACK), an enabled alarm on the "
        "first match of each, and an enabled rule that sends those alarms' ALARM state to the audit account's bus."
    ),
    annex11={
        "13": "Personal data reaching the AI service and attempts to manipulate it are reported to the audit account as incidents to assess.",
    },
    eu_ai_act={
        "15": "Attempts to alter the system's behaviour by adversarial prompts are detected and escalated, not only filtered.",
    },
    resource_types=("AWS::Logs::LogGroup",),
    check=check,
    deployed=DeployedCheck(read=_deployed, accounts=WORKLOADS, regions="workload"),
)
