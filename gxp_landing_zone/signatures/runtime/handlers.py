"""Lambda handlers for the electronic-signature API: AWS I/O around ``core``.

Storage layout:
* DynamoDB ledger, partition key ``record_id`` ("bucket/key"), sort key ``seq``;
  one item per signature, chained by ``prev_hash`` (11.70).
* A copy of every manifest in the manifest bucket (Object Lock is set by the
  infrastructure), so an entry removed from the ledger's tail is still noticed.
* EventBridge events for applied signatures and refused attempts (11.300(d)).

Requests: sign takes a JSON body {bucket, key, version_id, meaning, reason?,
request_id? (or an Idempotency-Key header), expected_sha256?}; list and verify
take query parameters bucket, key and optionally version_id.

Environment: LEDGER_TABLE, MANIFEST_BUCKET, RECORDS_BUCKETS (comma-separated),
EVENT_BUS_NAME, AUTH_WINDOW_SECONDS, and optionally SIGNING_POLICY (JSON for
``SigningPolicy.from_dict``; without it no one holds signing authority) and
USER_POOL_ID (check each signer's account is still enabled, 11.300(c)).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import random
import time
import unicodedata
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from .core import (
    DEFAULT_AUTH_WINDOW_SECONDS,
    AuthenticationFailed,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    SignatureManifest,
    SignatureRefused,
    Signer,
    SigningPolicy,
    authenticate,
    build_manifest,
    check_authority,
    check_meaning,
    check_sequence,
    record_id,
    utc_timestamp,
    verify_chain,
)

log = logging.getLogger(__name__)

EVENT_SOURCE = "gxp.esignature"
# Each lost conditional write means another signer took the sequence number; with n signers
# racing, the last one needs n attempts, so the bound sits well above realistic concurrency.
MAX_LEDGER_ATTEMPTS = 10
MAX_REASON_LENGTH = 1000
MAX_REQUEST_ID_LENGTH = 128
_CHUNK = 1024 * 1024
_MISSING_STATUSES = {400, 404, 405}  # bad version id, no such version, delete marker
_serializer, _deserializer = TypeSerializer(), TypeDeserializer()


def manifest_object_key(bucket: str, key: str, version_id: str, seq: int) -> str:
    return f"manifests/{bucket}/{key}/{version_id}/{seq}.json"


def _response(status: int, body: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"},
        "body": json.dumps(body, sort_keys=True, default=str),
    }


def _entry_view(entry: Mapping[str, Any]) -> dict[str, Any]:
    manifest = SignatureManifest.from_dict(entry)
    return {
        **manifest.to_dict(),
        "record_id": manifest.record_id,
        "manifest_hash": entry.get("manifest_hash"),
        "manifestation": manifest.manifestation,
    }


def _claims(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims")


def _json_body(event: Mapping[str, Any]) -> dict[str, Any]:
    raw = event.get("body") or ""
    try:
        if event.get("isBase64Encoded"):
            raw = base64.b64decode(raw).decode("utf-8")
        body = json.loads(raw) if raw else {}
    except (ValueError, binascii.Error):
        raise BadRequest("request body is not valid JSON", "invalid_body") from None
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object", "invalid_body")
    return body


def _text(source: Mapping[str, Any], name: str, *, required: bool = True) -> str | None:
    value = source.get(name)
    if value is None or value == "":
        if required:
            raise BadRequest(f"'{name}' is required", "missing_field")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"'{name}' must be a string", "invalid_field")
    return value


class SignatureService:
    """Holds the AWS clients and policy; one instance per Lambda container."""

    def __init__(
        self,
        *,
        s3: Any,
        dynamodb: Any,
        events: Any,
        ledger_table: str,
        manifest_bucket: str,
        records_buckets: set[str] | frozenset[str],
        event_bus_name: str,
        policy: SigningPolicy | None = None,
        auth_window_seconds: int = DEFAULT_AUTH_WINDOW_SECONDS,
        is_disabled: Callable[[str, str], bool] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.s3, self.dynamodb, self.events = s3, dynamodb, events
        self.ledger_table = ledger_table
        self.manifest_bucket = manifest_bucket
        self.records_buckets = frozenset(records_buckets)
        self.event_bus_name = event_bus_name
        self.policy = policy or SigningPolicy()
        self.auth_window_seconds = auth_window_seconds
        self.is_disabled = is_disabled
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> SignatureService:
        policy = SigningPolicy.from_dict(json.loads(env["SIGNING_POLICY"])) if env.get("SIGNING_POLICY") else None
        is_disabled = None
        if env.get("USER_POOL_ID"):
            is_disabled = cognito_disabled_lookup(boto3.client("cognito-idp"), env["USER_POOL_ID"])
        return cls(
            s3=boto3.client("s3"),
            dynamodb=boto3.client("dynamodb"),
            events=boto3.client("events"),
            ledger_table=env["LEDGER_TABLE"],
            manifest_bucket=env["MANIFEST_BUCKET"],
            records_buckets={b.strip() for b in env.get("RECORDS_BUCKETS", "").split(",") if b.strip()},
            event_bus_name=env["EVENT_BUS_NAME"],
            policy=policy,
            auth_window_seconds=int(env.get("AUTH_WINDOW_SECONDS") or DEFAULT_AUTH_WINDOW_SECONDS),
            is_disabled=is_disabled,
        )

    # ------------------------------------------------------------------ API entry points

    def handle_sign(self, event: Mapping[str, Any]) -> dict[str, Any]:
        return self._dispatch(lambda: self._sign(event))

    def handle_list(self, event: Mapping[str, Any]) -> dict[str, Any]:
        return self._dispatch(lambda: self.list_signatures(*self._record_query(event)))

    def handle_verify(self, event: Mapping[str, Any]) -> dict[str, Any]:
        return self._dispatch(lambda: (200, self.verify(*self._record_query(event))))

    def _dispatch(self, action: Callable[[], tuple[int, dict[str, Any]] | dict[str, Any]]) -> dict[str, Any]:
        try:
            result = action()
        except SignatureRefused as refusal:
            return _response(refusal.status_code, refusal.to_body())
        except Exception:  # noqa: BLE001 - never leak internals to the caller
            log.exception("signature service failure")
            return _response(500, {"error": "internal_error", "reason": "internal error; nothing was signed"})
        status, body = result if isinstance(result, tuple) else (200, result)
        return _response(status, body)

    def _record_query(self, event: Mapping[str, Any]) -> tuple[str, str, str | None]:
        if not (_claims(event) or {}).get("sub"):
            raise AuthenticationFailed("no authenticated identity on the request", "unauthenticated")
        params = event.get("queryStringParameters") or {}
        bucket, key = _text(params, "bucket"), _text(params, "key")
        self._check_bucket(bucket)
        return bucket, key, _text(params, "version_id", required=False)

    def _check_bucket(self, bucket: str) -> None:
        # Only the GxP records buckets are in scope; anything else is refused
        # before a single byte is read or written.
        if bucket not in self.records_buckets:
            raise Forbidden(f"bucket '{bucket}' is not a GxP records bucket", "bucket_not_allowed")

    # ------------------------------------------------------------------ sign

    def _sign(self, event: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
        claims = _claims(event)
        try:
            signer = authenticate(
                claims, self.clock(), window_seconds=self.auth_window_seconds, is_disabled=self.is_disabled
            )
            body = _json_body(event)
            bucket, key = _text(body, "bucket"), _text(body, "key")
            version_id = _text(body, "version_id")
            self._check_bucket(bucket)
            meaning = check_meaning(body.get("meaning"), self.policy.meanings)
            record_class = self.policy.record_class_for(bucket, key)
            check_authority(signer.groups, meaning, record_class, self.policy.grants)
            request = {
                "bucket": bucket,
                "key": key,
                "version_id": version_id,
                "meaning": meaning,
                "reason": self._reason(body),
                "request_id": self._request_id(event, body),
                "expected_sha256": _text(body, "expected_sha256", required=False),
                "record_class": record_class,
            }
            self._require_version(bucket, key, version_id)
            return self._apply(signer, request)
        except SignatureRefused as refusal:
            if refusal.status_code in (401, 403):
                self._emit_refused(refusal, claims, event)
            raise

    @staticmethod
    def _reason(body: Mapping[str, Any]) -> str | None:
        reason = _text(body, "reason", required=False)
        if reason is None or not reason.strip():
            return None
        if len(reason) > MAX_REASON_LENGTH:
            raise BadRequest(f"reason exceeds {MAX_REASON_LENGTH} characters", "invalid_field")
        # Stored NFC by the manifest; normalized here so a replay compares equal.
        return unicodedata.normalize("NFC", reason)

    @staticmethod
    def _request_id(event: Mapping[str, Any], body: Mapping[str, Any]) -> str:
        headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
        value = body.get("request_id") or headers.get("idempotency-key")
        if value is None:
            # Without a client key a retry cannot be recognised; the API
            # request id still makes each entry traceable to its call.
            value = (event.get("requestContext") or {}).get("requestId")
        if not isinstance(value, str) or not value or len(value) > MAX_REQUEST_ID_LENGTH:
            raise BadRequest(f"request_id must be a string of 1..{MAX_REQUEST_ID_LENGTH} characters", "invalid_field")
        return value

    def _apply(self, signer: Signer, req: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
        rid = record_id(req["bucket"], req["key"])
        record_sha256 = None
        for attempt in range(MAX_LEDGER_ATTEMPTS):
            if attempt:
                # Jitter keeps racing signers from colliding again in lock-step.
                time.sleep(random.uniform(0, 0.02 * attempt))
            entries = self._load_entries(rid)
            existing = next((e for e in entries if e.get("request_id") == req["request_id"]), None)
            if existing is not None:
                return self._replay(existing, signer, req)
            # Sequencing is judged per record version: a review of version 1
            # does not satisfy the review step for version 2.
            prior = [e.get("meaning") for e in entries if e.get("record_version_id") == req["version_id"]]
            check_sequence(req["meaning"], prior, self.policy.sequences.get(req["record_class"]))
            chain = verify_chain(entries)
            if not chain.valid:
                first = chain.failures[0]
                raise Conflict(
                    f"ledger for {rid} fails verification at seq {first.seq}; signing suspended", "ledger_integrity"
                )
            if record_sha256 is None:
                record_sha256 = self._hash_version(req["bucket"], req["key"], req["version_id"])
                if req["expected_sha256"] and req["expected_sha256"].lower() != record_sha256:
                    raise Conflict("record content does not match expected_sha256", "content_mismatch")
            manifest = self._build(
                signer,
                meaning=req["meaning"],
                reason=req["reason"],
                now=self.clock(),
                bucket=req["bucket"],
                key=req["key"],
                version_id=req["version_id"],
                record_sha256=record_sha256,
                previous=entries[-1] if entries else None,
                request_id=req["request_id"],
            )
            self._guard_truncation(rid, manifest)
            if self._put_entry(manifest):
                break
        else:
            raise Conflict(f"ledger for {rid} is busy; retry the request", "ledger_contention")
        self._put_manifest_copy(manifest)
        view = _entry_view({**manifest.to_dict(), "manifest_hash": manifest.manifest_hash})
        self._emit("Signature Applied", view)
        return 201, {"signature": view, "replayed": False}

    @staticmethod
    def _build(signer: Signer, **kwargs: Any) -> SignatureManifest:
        try:
            return build_manifest(signer, **kwargs)
        except ValueError as exc:
            raise BadRequest(f"cannot form a signature manifest: {exc}", "invalid_field") from None

    def _replay(self, existing: Mapping[str, Any], signer: Signer, req: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
        same = (
            existing.get("signer_sub") == signer.sub
            and existing.get("record_version_id") == req["version_id"]
            and existing.get("meaning") == req["meaning"]
            and existing.get("reason") == req["reason"]
        )
        if not same:
            raise Conflict("request_id was already used for a different signature", "request_id_reused")
        manifest = SignatureManifest.from_dict(existing)
        # A crash between the ledger write and the copy must not leave the
        # copy missing forever; the retry completes it.
        if not self._object_exists(self.manifest_bucket, self._copy_key(manifest)):
            self._put_manifest_copy(manifest)
        return 200, {"signature": _entry_view(existing), "replayed": True}

    def _guard_truncation(self, rid: str, manifest: SignatureManifest) -> None:
        # Copies are written after the ledger entry, so a copy for a sequence
        # number the ledger lacks means either a concurrent signer (its entry
        # is visible on re-read) or an entry removed from the ledger.
        if not self._object_exists(self.manifest_bucket, self._copy_key(manifest)):
            return
        if not any(e["seq"] == manifest.seq for e in self._load_entries(rid)):
            raise Conflict(
                f"ledger for {rid} lacks seq {manifest.seq} although its manifest copy exists; signing suspended",
                "ledger_integrity",
            )

    # ------------------------------------------------------------------ list / verify

    def list_signatures(self, bucket: str, key: str, version_id: str | None = None) -> dict[str, Any]:
        entries = self._load_entries(record_id(bucket, key))
        views = []
        for entry in entries:
            if version_id and entry.get("record_version_id") != version_id:
                continue
            try:
                views.append(_entry_view(entry))
            except (TypeError, ValueError) as exc:
                views.append({"seq": entry.get("seq"), "error": f"malformed ledger entry: {exc}"})
        return {"record_id": record_id(bucket, key), "version_id": version_id, "signatures": views}

    def verify(self, bucket: str, key: str, version_id: str | None = None) -> dict[str, Any]:
        rid = record_id(bucket, key)
        entries = self._load_entries(rid)
        copies = self._load_manifest_copies(bucket, key)
        if not entries and not copies:
            raise NotFound(f"no signatures recorded for {rid}", "no_signatures")
        chain = verify_chain(entries)
        ledger_seqs = {e.get("seq") for e in entries}
        failures = [
            {"seq": s, "problems": [f"seq {s} has a retained manifest copy but no ledger entry"]}
            for s in sorted(copies)
            if s not in ledger_seqs
        ]
        record_hashes: dict[Any, str | None] = {}
        results = []
        for entry, check in zip(entries, chain.entries):
            problems = list(check.problems) + self._copy_problems(copies.get(check.seq), entry)
            if problems:
                failures.append({"seq": check.seq, "problems": list(problems)})
            ver = entry.get("record_version_id")
            if version_id and ver != version_id:
                continue
            problems += self._record_problems(bucket, key, ver, entry.get("record_sha256"), record_hashes)
            try:
                shown = SignatureManifest.from_dict(entry).manifestation
            except (TypeError, ValueError):
                shown = None
            results.append({
                "seq": check.seq,
                "version_id": ver,
                "manifest_hash": entry.get("manifest_hash"),
                "manifestation": shown,
                "valid": not problems,
                "problems": problems,
            })
        failures.sort(key=lambda f: (not isinstance(f["seq"], int), f["seq"] if isinstance(f["seq"], int) else 0))
        return {
            "record_id": rid,
            "version_id": version_id,
            "chain": {"valid": not failures, "failures": failures},
            "signatures": results,
            "valid": not failures and bool(results) and all(r["valid"] for r in results),
        }

    def _record_problems(
        self, bucket: str, key: str, version_id: Any, signed_sha256: Any, cache: dict[Any, str | None]
    ) -> list[str]:
        # 11.70: the signature must still match the exact bytes it was bound to.
        if version_id not in cache:
            cache[version_id] = self._hash_version_or_none(bucket, key, version_id)
        if cache[version_id] is None:
            return [f"record version {version_id} can no longer be retrieved"]
        if cache[version_id] != signed_sha256:
            return ["record content no longer matches the signed SHA-256"]
        return []

    @staticmethod
    def _copy_problems(copy: Mapping[str, Any] | None, entry: Mapping[str, Any]) -> list[str]:
        if copy is None:
            return ["retained manifest copy is missing"]
        problems = list(copy.get("problems", ()))
        try:
            recomputed = SignatureManifest.from_dict(entry).manifest_hash
        except (TypeError, ValueError):
            recomputed = None
        if copy.get("hash") is not None and not copy["hash"] == entry.get("manifest_hash") == recomputed:
            problems.append("ledger entry differs from its retained manifest copy")
        return problems

    # ------------------------------------------------------------------ storage helpers

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

    def _put_entry(self, manifest: SignatureManifest) -> bool:
        """Conditional write: False when another signer already took this seq."""
        item = {k: v for k, v in manifest.to_dict().items() if v is not None}
        item.update(record_id=manifest.record_id, manifest_hash=manifest.manifest_hash)
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

    @staticmethod
    def _copy_key(manifest: SignatureManifest) -> str:
        return manifest_object_key(manifest.record_bucket, manifest.record_key, manifest.record_version_id, manifest.seq)

    def _put_manifest_copy(self, manifest: SignatureManifest) -> None:
        document = {
            "manifest": manifest.to_dict(),
            "manifest_hash": manifest.manifest_hash,
            "manifestation": manifest.manifestation,
        }
        self.s3.put_object(
            Bucket=self.manifest_bucket,
            Key=self._copy_key(manifest),
            Body=json.dumps(document, sort_keys=True, ensure_ascii=False).encode("utf-8"),
            ContentType="application/json",
            # Object Lock buckets require an integrity checksum on upload.
            ChecksumAlgorithm="SHA256",
        )

    def _load_manifest_copies(self, bucket: str, key: str) -> dict[int, dict[str, Any]]:
        """seq -> {"hash": recomputed manifest hash or None, "problems": [...]}.

        The oldest version of each copy is authoritative: copies are written
        once, so any later version is itself evidence of tampering.
        """
        prefix = f"manifests/{bucket}/{key}/"
        versions: dict[str, list[dict[str, Any]]] = {}
        deleted: set[str] = set()
        for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=self.manifest_bucket, Prefix=prefix):
            for v in page.get("Versions", []):
                versions.setdefault(v["Key"], []).append(v)
            deleted.update(m["Key"] for m in page.get("DeleteMarkers", []))
        copies: dict[int, dict[str, Any]] = {}
        for object_key, object_versions in versions.items():
            parts = object_key[len(prefix):].split("/")
            # Deeper paths belong to other records whose key extends this one.
            if len(parts) != 2 or not parts[1].endswith(".json") or not parts[1][:-5].isdigit():
                continue
            seq = int(parts[1][:-5])
            # S3 lists newest first; on equal timestamps the last listed is oldest.
            oldest = min(reversed(object_versions), key=lambda v: v["LastModified"])
            copy = {"hash": None, "problems": []}
            if len(object_versions) > 1:
                copy["problems"].append(f"manifest copy was rewritten ({len(object_versions)} versions)")
            if object_key in deleted:
                copy["problems"].append("someone attempted to delete the manifest copy")
            try:
                obj = self.s3.get_object(Bucket=self.manifest_bucket, Key=object_key, VersionId=oldest["VersionId"])
                manifest = SignatureManifest.from_dict(json.loads(obj["Body"].read())["manifest"])
                copy["hash"] = manifest.manifest_hash
                if manifest.seq != seq or manifest.record_version_id != parts[0]:
                    copy["problems"].append("manifest copy is stored under the wrong path")
            except (ValueError, KeyError, TypeError) as exc:
                copy["problems"].append(f"manifest copy is unreadable: {exc}")
            copies[seq] = copy
        return copies

    def _object_exists(self, bucket: str, key: str) -> bool:
        try:
            self.s3.head_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                return False
            raise
        return True

    def _require_version(self, bucket: str, key: str, version_id: str) -> None:
        try:
            self.s3.head_object(Bucket=bucket, Key=key, VersionId=version_id)
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") in _MISSING_STATUSES:
                raise NotFound(f"version {version_id} of s3://{bucket}/{key} does not exist", "version_not_found") from None
            raise

    def _hash_version(self, bucket: str, key: str, version_id: str) -> str:
        try:
            obj = self.s3.get_object(Bucket=bucket, Key=key, VersionId=version_id)
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") in _MISSING_STATUSES:
                raise NotFound(f"version {version_id} of s3://{bucket}/{key} does not exist", "version_not_found") from None
            raise
        if obj.get("VersionId") != version_id:
            raise NotFound(f"version {version_id} of s3://{bucket}/{key} does not exist", "version_not_found")
        digest, body = hashlib.sha256(), obj["Body"]
        for chunk in iter(lambda: body.read(_CHUNK), b""):
            digest.update(chunk)
        return digest.hexdigest()

    def _hash_version_or_none(self, bucket: str, key: str, version_id: Any) -> str | None:
        if not isinstance(version_id, str):
            return None
        try:
            return self._hash_version(bucket, key, version_id)
        except NotFound:
            return None

    # ------------------------------------------------------------------ events

    def _emit(self, detail_type: str, detail: Mapping[str, Any]) -> bool:
        try:
            result = self.events.put_events(
                Entries=[{
                    "Source": EVENT_SOURCE,
                    "DetailType": detail_type,
                    "Detail": json.dumps(detail, sort_keys=True, default=str),
                    "EventBusName": self.event_bus_name,
                }]
            )
        except (ClientError, BotoCoreError):
            log.exception("could not publish %s event", detail_type)
            return False
        if result.get("FailedEntryCount"):
            log.error("EventBridge rejected %s event: %s", detail_type, result.get("Entries"))
            return False
        return True

    def _emit_refused(self, refusal: SignatureRefused, claims: Mapping[str, Any] | None, event: Mapping[str, Any]) -> None:
        # 11.300(d): failed authentication or authority attempts are reported
        # immediately to security, not only logged.
        claims, context = claims or {}, event.get("requestContext") or {}
        try:
            body = _json_body(event)
        except BadRequest:
            body = {}
        detail = {
            "status_code": refusal.status_code,
            "code": refusal.code,
            "reason": refusal.reason,
            "sub": claims.get("sub"),
            "username": claims.get("cognito:username") or claims.get("username"),
            "source_ip": (context.get("identity") or {}).get("sourceIp"),
            "api_request_id": context.get("requestId"),
            "attempted_at": utc_timestamp(self.clock()),
            **{k: body.get(k) for k in ("bucket", "key", "version_id", "meaning")},
        }
        log.warning("signature attempt refused: %s", json.dumps(detail, sort_keys=True, default=str))
        self._emit("Signature Attempt Refused", detail)


def cognito_disabled_lookup(cognito: Any, user_pool_id: str) -> Callable[[str, str], bool]:
    """11.300(c): ask the user pool, since a token outlives a disablement."""

    def is_disabled(sub: str, username: str) -> bool:
        try:
            user = cognito.admin_get_user(UserPoolId=user_pool_id, Username=username)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "UserNotFoundException":
                return True
            raise
        return not user.get("Enabled", False)

    return is_disabled


_default_service: SignatureService | None = None


def _service() -> SignatureService:
    global _default_service
    if _default_service is None:
        _default_service = SignatureService.from_env()
    return _default_service


def sign_handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    return _service().handle_sign(event)


def list_handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    return _service().handle_list(event)


def verify_handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    return _service().handle_verify(event)
