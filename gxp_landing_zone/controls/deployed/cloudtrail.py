"""The organization trail as ``AWS::CloudTrail::Trail``."""

from __future__ import annotations

from ..cfn import Resource, Unresolved
from .reader import AccountReader


def trail(reader: AccountReader, name: str) -> Resource:
    return reader.once(("cloudtrail", name), lambda: _read(reader, name))


def _read(reader: AccountReader, name: str) -> Resource:
    listed = reader.call("cloudtrail", "describe_trails", trailNameList=[name])
    if not listed.ok:
        return reader.add("AWS::CloudTrail::Trail", name, {"TrailName": Unresolved(listed.error)})
    found = [t for t in listed.get("trailList") or [] if t.get("Name") == name]
    if not found:
        return reader.add("AWS::CloudTrail::Trail", name, {"TrailName": name}, missing=f"no trail named {name}")
    described = found[0]
    status = reader.call("cloudtrail", "get_trail_status", Name=name)
    selectors = reader.call("cloudtrail", "get_event_selectors", TrailName=name)
    properties = {
        "TrailName": name,
        "IsLogging": status.get("IsLogging"),
        "IsMultiRegionTrail": described.get("IsMultiRegionTrail"),
        "IsOrganizationTrail": described.get("IsOrganizationTrail"),
        "IncludeGlobalServiceEvents": described.get("IncludeGlobalServiceEvents"),
        "EnableLogFileValidation": described.get("LogFileValidationEnabled"),
        "S3BucketName": described.get("S3BucketName"),
        "S3KeyPrefix": described.get("S3KeyPrefix"),
        "KMSKeyId": described.get("KmsKeyId"),
        "CloudWatchLogsLogGroupArn": described.get("CloudWatchLogsLogGroupArn"),
        "CloudWatchLogsRoleArn": described.get("CloudWatchLogsRoleArn"),
        "EventSelectors": selectors.get("EventSelectors"),
        "AdvancedEventSelectors": selectors.get("AdvancedEventSelectors"),
    }
    return reader.add("AWS::CloudTrail::Trail", name, {k: v for k, v in properties.items() if v is not None})
