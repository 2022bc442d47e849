"""Signals of misuse in the Bedrock invocation logs, raised in the audit account (Annex 11 §13; EU AI
Act Art. 15): a metric filter per signal on the invocation log group, an alarm on each, and a rule
that sends the alarms' state changes to the audit account's compliance bus, where they alert.

The filters match the guardrail's trace in the logged response: "sensitiveInformationPolicy" or
"piiEntities" when the guardrail found personal data, "PROMPT_ATTACK" when its prompt-attack filter
fired. Bedrock writes the trace only for requests that ask for it (guardrailConfig trace "enabled"),
as the evaluation function does; applications must ask for it too, or these signals stay silent.
https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-converse-api.html
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_logs as logs
from constructs import Construct

from .acknowledge import acknowledge

NAMESPACE = "GxP/GenAI"


@dataclass(frozen=True)
class Signal:
    id: str
    metric: str
    pattern: str
    description: str


SIGNALS = (
    Signal("SensitiveData", "SensitiveDataDetected", '?"sensitiveInformationPolicy" ?"piiEntities"',
           "The guardrail found personal data in a prompt or an answer"),
    Signal("PromptAttack", "PromptAttackDetected", '"PROMPT_ATTACK"',
           "The guardrail's prompt-attack filter fired: a prompt injection or jailbreak attempt"),
)


class MisuseSignals(Construct):
    def __init__(self, scope: Construct, id: str, *, log_group: logs.ILogGroup, alarm_prefix: str) -> None:
        super().__init__(scope, id)
        self.filters: dict[str, logs.MetricFilter] = {}
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        for signal in SIGNALS:
            self.filters[signal.id] = logs.MetricFilter(
                self, f"{signal.id}Filter", log_group=log_group, metric_namespace=NAMESPACE,
                metric_name=signal.metric, filter_pattern=logs.FilterPattern.literal(signal.pattern), metric_value="1",
            )
            self.alarms[signal.id] = cloudwatch.Alarm(
                self, f"{signal.id}Alarm",
                alarm_name=f"{alarm_prefix}{signal.metric}",
                alarm_description=signal.description,
                metric=cloudwatch.Metric(namespace=NAMESPACE, metric_name=signal.metric, statistic="Sum",
                                         period=Duration.minutes(5)),
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            acknowledge(
                self.alarms[signal.id],
                ["HIPAA.Security-CloudWatchAlarmAction", "NIST.800.53.R5-CloudWatchAlarmAction"],
                "The alarm's state changes reach the audit account through EventBridge (alarm_changes, forwarded to "
                "its compliance bus), where they alert the compliance topic; an action in this account would notify "
                "only people the audited account controls",
            )


def alarm_changes(alarm_prefix: str) -> dict:
    """The event pattern of this account's GenAI alarms entering ALARM."""
    return {
        "source": ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        "detail": {"alarmName": [{"prefix": alarm_prefix}], "state": {"value": ["ALARM"]}},
    }
