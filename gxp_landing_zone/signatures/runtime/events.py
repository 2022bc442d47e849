"""EventBridge events for applied signatures and refused attempts (11.300(d))."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .api_gateway import request_body
from .canonical import utc_timestamp
from .errors import BadRequest, SignatureRefused

# The service logs under its entry-point module's name, so one logger filter finds all its records.
log = logging.getLogger(f"{__package__}.handlers")

EVENT_SOURCE = "gxp.esignature"


class SignatureEvents:
    """Event publishing of the signature service."""

    events: Any
    event_bus_name: str
    clock: Callable[[], datetime]

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
            body = request_body(event)
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
