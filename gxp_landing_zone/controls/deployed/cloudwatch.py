"""A log group's metric filters as ``AWS::Logs::MetricFilter`` and the alarms under a name prefix as
``AWS::CloudWatch::Alarm``, in the shape a template declares them."""

from __future__ import annotations

from ..cfn import Resource, Unresolved
from .reader import AccountReader


def metric_filters(reader: AccountReader, log_group: str) -> list[Resource]:
    return reader.once(("logs", "metric-filters", log_group), lambda: _filters(reader, log_group))


def _filters(reader: AccountReader, log_group: str) -> list[Resource]:
    answer = reader.call("logs", "describe_metric_filters", logGroupName=log_group)
    if not answer.ok:
        return [reader.add("AWS::Logs::MetricFilter", f"{log_group} filters", {
            "LogGroupName": log_group, "FilterPattern": Unresolved(answer.error)})]
    return [reader.add("AWS::Logs::MetricFilter", f.get("filterName") or "filter", {
        "LogGroupName": f.get("logGroupName"),
        "FilterPattern": f.get("filterPattern"),
        "MetricTransformations": [{"MetricNamespace": t.get("metricNamespace"), "MetricName": t.get("metricName"),
                                   "MetricValue": t.get("metricValue")} for t in f.get("metricTransformations") or []],
    }) for f in answer.get("metricFilters") or []]


def alarms(reader: AccountReader, prefix: str) -> list[Resource]:
    return reader.once(("cloudwatch", "alarms", prefix), lambda: _alarms(reader, prefix))


def _alarms(reader: AccountReader, prefix: str) -> list[Resource]:
    answer = reader.call("cloudwatch", "describe_alarms", AlarmNamePrefix=prefix)
    if not answer.ok:
        return [reader.add("AWS::CloudWatch::Alarm", f"{prefix} alarms", {"AlarmName": Unresolved(answer.error)})]
    return [reader.add("AWS::CloudWatch::Alarm", a["AlarmName"], {k: v for k, v in {
        "AlarmName": a.get("AlarmName"), "Namespace": a.get("Namespace"), "MetricName": a.get("MetricName"),
        "Threshold": a.get("Threshold"), "ComparisonOperator": a.get("ComparisonOperator"),
        "ActionsEnabled": a.get("ActionsEnabled"),
    }.items() if v is not None}) for a in answer.get("MetricAlarms") or []]
