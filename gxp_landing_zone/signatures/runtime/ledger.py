"""The DynamoDB ledger: partition key ``record_id`` ("bucket/key"), sort key ``seq``; one item per
signature, chained by ``prev_hash`` and sealed by the service (``seal``, see seal.py) (11.70)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from .manifest import SignatureManifest

_serializer, _deserializer = TypeSerializer(), TypeDeserializer()


class Ledger:
    """Ledger reads and writes of the signature service."""

    dynamodb: Any
    ledger_table: str

    def _load_entries(self, rid: str) -> list[dict[str, Any]]:
        entries, kwargs = [], {
            "TableName": self.ledger_table,
            "KeyConditionExpression": "record_id = :r",
            "ExpressionAttributeValues": {":r": {"S": rid}},
            "ConsistentRead": True,
        }
        while True:
            page = self.dynamodb.query(**kwargs)
            entries += [self._from_item(item) for item in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                return entries
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    @staticmethod
    def _from_item(item: Mapping[str, Any]) -> dict[str, Any]:
        entry = {k: _deserializer.deserialize(v) for k, v in item.items()}
        if isinstance(entry.get("seq"), Decimal) and entry["seq"] == int(entry["seq"]):
            entry["seq"] = int(entry["seq"])
        return entry

    def _put_entry(self, manifest: SignatureManifest, seal: Mapping[str, str]) -> bool:
        """Conditional write: False when another signer already took this seq."""
        item = {k: v for k, v in manifest.to_dict().items() if v is not None}
        item.update(record_id=manifest.record_id, manifest_hash=manifest.manifest_hash, **seal)
        try:
            self.dynamodb.put_item(
                TableName=self.ledger_table,
                Item={k: _serializer.serialize(v) for k, v in item.items()},
                ConditionExpression="attribute_not_exists(record_id)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True
