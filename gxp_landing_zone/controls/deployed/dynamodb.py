"""The estate's DynamoDB tables as ``AWS::DynamoDB::Table`` (their customer-managed keys as
``AWS::KMS::Key``).

A table is the estate's when it carries the account-role tag every stack puts on its resources.
"""

from __future__ import annotations

from ..cfn import Resource, Unresolved
from .cognito import ROLE_TAG
from .reader import AccountReader

# What a table encrypted with the AWS managed key names in a template; the key the API reports for
# such a table has KeyManager AWS.
AWS_MANAGED_DYNAMODB_KEY = "alias/aws/dynamodb"


def _key(reader: AccountReader, arn: str) -> object:
    """The template's KMSMasterKeyId for the key the table reports: a Ref to the key when the
    customer manages it, the AWS managed alias when AWS does."""
    described = reader.call("kms", "describe_key", KeyId=arn)
    if not described.ok:
        return Unresolved(described.error)
    metadata = described.get("KeyMetadata") or {}
    if metadata.get("KeyManager") != "CUSTOMER":
        return AWS_MANAGED_DYNAMODB_KEY
    key = reader.once(("kms", arn), lambda: reader.add(
        "AWS::KMS::Key", arn, {"Enabled": metadata.get("Enabled"), "Description": metadata.get("Description")}
    ))
    return {"Fn::GetAtt": [key.logical_id, "Arn"]}


def _encryption(reader: AccountReader, table: dict) -> dict:
    # No SSEDescription: the AWS owned key, which a template states by leaving SSE off.
    sse = table.get("SSEDescription") or {}
    status = sse.get("Status")
    if status in (None, "DISABLED"):
        return {"SSEEnabled": False}
    if status != "ENABLED":
        return Unresolved(f"table encryption is {status}")
    specification = {"SSEEnabled": True, "SSEType": sse.get("SSEType")}
    if sse.get("KMSMasterKeyArn"):
        specification["KMSMasterKeyId"] = _key(reader, sse["KMSMasterKeyArn"])
    return specification


def _recovery(reader: AccountReader, name: str) -> object:
    answer = reader.call("dynamodb", "describe_continuous_backups", TableName=name)
    status = answer.get("ContinuousBackupsDescription", "PointInTimeRecoveryDescription", "PointInTimeRecoveryStatus")
    if isinstance(status, Unresolved):
        return status
    return {"PointInTimeRecoveryEnabled": status == "ENABLED"}


def estate_tables(reader: AccountReader) -> list[Resource]:
    return reader.once(("dynamodb", "tables"), lambda: _read(reader))


def _read(reader: AccountReader) -> list[Resource]:
    found: list[Resource] = []
    start = None
    while True:
        listed = reader.call("dynamodb", "list_tables", **({"ExclusiveStartTableName": start} if start else {}))
        if not listed.ok:
            return found + [reader.add("AWS::DynamoDB::Table", "estate tables", Unresolved(listed.error))]
        for name in listed.get("TableNames") or []:
            described = reader.call("dynamodb", "describe_table", TableName=name)
            if not described.ok:
                found.append(reader.add("AWS::DynamoDB::Table", name, Unresolved(described.error)))
                continue
            table = described.get("Table") or {}
            tags = reader.call("dynamodb", "list_tags_of_resource", ResourceArn=table.get("TableArn"))
            if not tags.ok:
                found.append(reader.add("AWS::DynamoDB::Table", name, Unresolved(tags.error)))
                continue
            tag_map = {t["Key"]: t["Value"] for t in tags.get("Tags") or []}
            if tag_map.get(ROLE_TAG) != reader.account.role:
                continue
            properties = {
                "TableName": name,
                "DeletionProtectionEnabled": table.get("DeletionProtectionEnabled", False),
                "PointInTimeRecoverySpecification": _recovery(reader, name),
                "SSESpecification": _encryption(reader, table),
                "Tags": [{"Key": k, "Value": v} for k, v in tag_map.items()],
            }
            found.append(reader.add("AWS::DynamoDB::Table", name, properties))
        start = listed.get("LastEvaluatedTableName")
        if not start:
            break
    if not found:
        found.append(reader.add(
            "AWS::DynamoDB::Table", "estate tables", {}, missing=f"no table tagged {ROLE_TAG}={reader.account.role}"
        ))
    return found
