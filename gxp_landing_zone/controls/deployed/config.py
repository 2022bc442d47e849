"""Deployed AWS Config: the recorder, its delivery channels, the Config rules beside it and the
organization aggregator, as their CloudFormation types."""

from __future__ import annotations

from ..cfn import Resource, Unresolved
from .reader import AccountReader

# Whether the recorder is running: the API reports it, a template cannot state it (CloudFormation
# starts the recorder it creates). Kept beside the properties, not as a pretended property.
RECORDING = "__recording__"

NO_RECORDER = ("NoSuchConfigurationRecorderException",)
NO_AGGREGATOR = ("NoSuchConfigurationAggregatorException",)


def pascal(value: object) -> object:
    """Config's API spells its keys camelCase (recordingGroup.allSupported); CloudFormation PascalCase."""
    if isinstance(value, dict):
        return {(k[:1].upper() + k[1:]): pascal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [pascal(v) for v in value]
    return value


def recorder(reader: AccountReader, name: str) -> Resource:
    return reader.once(("config", "recorder", name), lambda: _recorder(reader, name))


def _recorder(reader: AccountReader, name: str) -> Resource:
    listed = reader.call("config", "describe_configuration_recorders", ConfigurationRecorderNames=[name])
    if not listed.ok and listed.code in NO_RECORDER:
        return reader.add("AWS::Config::ConfigurationRecorder", name, {"Name": name}, missing=f"no recorder named {name}")
    if not listed.ok:
        return reader.add("AWS::Config::ConfigurationRecorder", name, {"Name": name, "RecordingGroup": Unresolved(listed.error)})
    found = (listed.get("ConfigurationRecorders") or [{}])[0]
    status = reader.call("config", "describe_configuration_recorder_status", ConfigurationRecorderNames=[name])
    statuses = status.get("ConfigurationRecordersStatus")
    recording = statuses[0].get("recording") if isinstance(statuses, list) and statuses else statuses
    properties = {
        "Name": found.get("name"),
        "RoleARN": found.get("roleARN"),
        "RecordingGroup": pascal(found.get("recordingGroup")),
        "RecordingMode": pascal(found.get("recordingMode")),
    }
    return reader.add(
        "AWS::Config::ConfigurationRecorder", name, {k: v for k, v in properties.items() if v is not None},
        **{RECORDING: recording},
    )


def config_rules(reader: AccountReader) -> list[Resource]:
    """Every active Config rule of the account and region. A rule being deleted (or still being
    evaluated into existence) is not one that detects drift."""
    return reader.once(("config", "rules"), lambda: _rules(reader))


def _rules(reader: AccountReader) -> list[Resource]:
    rules: list[dict] = []
    kwargs: dict = {}
    while True:
        page = reader.call("config", "describe_config_rules", **kwargs)
        if not page.ok:
            return [reader.add("AWS::Config::ConfigRule", "config rules", {"ConfigRuleName": Unresolved(page.error)})]
        rules.extend(page.get("ConfigRules") or [])
        if not page.get("NextToken"):
            break
        kwargs = {"NextToken": page.get("NextToken")}
    found = []
    for rule in rules:
        if rule.get("ConfigRuleState", "ACTIVE") != "ACTIVE":
            continue
        properties = {
            "ConfigRuleName": rule.get("ConfigRuleName"),
            "Source": {k: v for k, v in (rule.get("Source") or {}).items() if k in ("Owner", "SourceIdentifier")},
            "InputParameters": rule.get("InputParameters"),
            "Scope": rule.get("Scope"),
            "MaximumExecutionFrequency": rule.get("MaximumExecutionFrequency"),
        }
        found.append(reader.add(
            "AWS::Config::ConfigRule", rule.get("ConfigRuleName") or "rule",
            {k: v for k, v in properties.items() if v not in (None, {})},
        ))
    return found


def delivery_channels(reader: AccountReader) -> list[Resource]:
    return reader.once(("config", "channels"), lambda: _channels(reader))


def _channels(reader: AccountReader) -> list[Resource]:
    answer = reader.call("config", "describe_delivery_channels")
    channels = answer.get("DeliveryChannels")
    if isinstance(channels, Unresolved):
        return [reader.add("AWS::Config::DeliveryChannel", "delivery channel", {"S3BucketName": channels})]
    if not channels:
        return [reader.add("AWS::Config::DeliveryChannel", "delivery channel", {}, missing="no delivery channel")]
    found = []
    for channel in channels:
        properties = {
            "Name": channel.get("name"),
            "S3BucketName": channel.get("s3BucketName"),
            "S3KeyPrefix": channel.get("s3KeyPrefix"),
            "S3KmsKeyArn": channel.get("s3KmsKeyArn"),
            "SnsTopicARN": channel.get("snsTopicARN"),
            "ConfigSnapshotDeliveryProperties": pascal(channel.get("configSnapshotDeliveryProperties")),
        }
        found.append(reader.add(
            "AWS::Config::DeliveryChannel", channel.get("name") or "delivery channel",
            {k: v for k, v in properties.items() if v is not None},
        ))
    return found


def aggregator(reader: AccountReader, name: str) -> Resource:
    return reader.once(("config", "aggregator", name), lambda: _aggregator(reader, name))


def _aggregator(reader: AccountReader, name: str) -> Resource:
    answer = reader.call("config", "describe_configuration_aggregators", ConfigurationAggregatorNames=[name])
    found = answer.get("ConfigurationAggregators", absent_on=NO_AGGREGATOR)
    if found is None or found == []:
        return reader.add(
            "AWS::Config::ConfigurationAggregator", name, {"ConfigurationAggregatorName": name},
            missing=f"no aggregator named {name}",
        )
    if isinstance(found, Unresolved):
        return reader.add("AWS::Config::ConfigurationAggregator", name, {"OrganizationAggregationSource": found})
    described = found[0]
    properties = {
        "ConfigurationAggregatorName": described.get("ConfigurationAggregatorName"),
        "OrganizationAggregationSource": described.get("OrganizationAggregationSource"),
        "AccountAggregationSources": described.get("AccountAggregationSources") or None,
    }
    return reader.add(
        "AWS::Config::ConfigurationAggregator", name, {k: v for k, v in properties.items() if v is not None}
    )
