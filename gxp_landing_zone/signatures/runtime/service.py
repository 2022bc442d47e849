"""The electronic-signature service behind ``handlers``: AWS I/O around ``core``.

It composes the operations (``signing``, ``verification``, ``release``) over their storage (``ledger``,
``manifest_copies``, ``records``), the service seal (``seal``) and ``events``, holds the clients and
policy they share, and turns each outcome into an API Gateway response.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

import boto3
from botocore.exceptions import ClientError

from .api_gateway import request_claims, response, text_field
from .authentication import DEFAULT_AUTH_WINDOW_SECONDS
from .errors import AuthenticationFailed, BadRequest, SignatureRefused
from .policy import SigningPolicy
from .release import ReleaseRecords
from .signing import Signing
from .verification import Verification

# The service logs under its entry-point module's name, so one logger filter finds all its records.
log = logging.getLogger(f"{__package__}.handlers")


class SignatureService(Signing, Verification, ReleaseRecords):
    """Holds the AWS clients and policy; one instance per Lambda container."""

    def __init__(
        self,
        *,
        s3: Any,
        dynamodb: Any,
        events: Any,
        kms: Any = None,
        seal_key: str | None = None,
        unsealed_before: datetime | None = None,
        ledger_table: str,
        manifest_bucket: str,
        records_buckets: set[str] | frozenset[str],
        event_bus_name: str,
        policy: SigningPolicy | None = None,
        auth_window_seconds: int = DEFAULT_AUTH_WINDOW_SECONDS,
        is_disabled: Callable[[str, str], bool] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.s3, self.dynamodb, self.events, self.kms = s3, dynamodb, events, kms
        self.seal_key, self.unsealed_before = seal_key, unsealed_before
        self._verified: dict[tuple[str, str], bool] = {}
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
        policy = None
        if env.get("SIGNING_POLICY"):
            restrictions = json.loads(env.get("SIGNING_RESTRICTIONS") or "{}")
            policy = SigningPolicy.from_dict({**json.loads(env["SIGNING_POLICY"]), **restrictions})
        is_disabled = None
        if env.get("USER_POOL_ID"):
            is_disabled = cognito_disabled_lookup(boto3.client("cognito-idp"), env["USER_POOL_ID"])
        unsealed_before = None
        if env.get("UNSEALED_BEFORE"):
            unsealed_before = datetime.fromisoformat(env["UNSEALED_BEFORE"]).astimezone(timezone.utc)
        return cls(
            s3=boto3.client("s3"),
            dynamodb=boto3.client("dynamodb"),
            events=boto3.client("events"),
            kms=boto3.client("kms"),
            seal_key=env.get("LEDGER_SEAL_KEY") or None,
            unsealed_before=unsealed_before,
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

    def handle_release_record(self, event: Mapping[str, Any]) -> dict[str, Any]:
        def release() -> tuple[int, dict[str, Any]]:
            bucket, key, version_id = self._record_query(event)
            if not version_id:
                raise BadRequest("'version_id' is required: a release record is for one record version", "missing_field")
            return 200, self.release_record(bucket, key, version_id)

        return self._dispatch(release)

    def _dispatch(self, action: Callable[[], tuple[int, dict[str, Any]] | dict[str, Any]]) -> dict[str, Any]:
        try:
            result = action()
        except SignatureRefused as refusal:
            return response(refusal.status_code, refusal.to_body())
        except Exception:  # noqa: BLE001 - never leak internals to the caller
            log.exception("signature service failure")
            return response(500, {"error": "internal_error", "reason": "internal error; nothing was signed"})
        status, body = result if isinstance(result, tuple) else (200, result)
        return response(status, body)

    def _record_query(self, event: Mapping[str, Any]) -> tuple[str, str, str | None]:
        if not (request_claims(event) or {}).get("sub"):
            raise AuthenticationFailed("no authenticated identity on the request", "unauthenticated")
        params = event.get("queryStringParameters") or {}
        bucket, key = text_field(params, "bucket"), text_field(params, "key")
        self._check_bucket(bucket)
        return bucket, key, text_field(params, "version_id", required=False)


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
