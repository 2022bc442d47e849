"""The OQ runner's client for the signature API (signatures/infrastructure.py): POST /signatures,
GET /signatures/verify and GET /signatures/release-record, authorised by a Cognito ID token in the
Authorization header.

The token is the operator's, obtained by signing in with password and MFA; it is held in memory
only and never written to the record (the record shows status and response bodies, which carry
the signer's printed name, not the token). HTTP goes through a ``Transport`` so tests can answer
without a network."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Callable
from urllib.parse import urlencode

# (method, url, headers, body or None) -> (HTTP status, response body bytes)
Transport = Callable[[str, str, dict, "bytes | None"], "tuple[int, bytes]"]
TIMEOUT_SECONDS = 30


def urllib_transport(method: str, url: str, headers: dict, body: bytes | None) -> tuple[int, bytes]:
    if not url.startswith("https://"):
        # The token must never travel in clear text (11.300: identification codes are protected).
        raise ValueError(f"the signature API must be an https:// URL, not {url}")
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (https only, above)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except urllib.error.URLError as exc:
        return 0, json.dumps({"error": "unreachable", "reason": str(exc.reason)}).encode()


class SignatureClient:
    def __init__(self, api_url: str, id_token: str, *, transport: Transport | None = None) -> None:
        self.base = api_url if api_url.endswith("/") else api_url + "/"
        self._token = id_token
        self._transport = transport or urllib_transport

    def _call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | str]:
        headers = {"Authorization": self._token, "Accept": "application/json"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode("utf-8")
        try:
            status, raw = self._transport(method, self.base + path, headers, data)
        except (OSError, ValueError) as exc:
            return 0, f"request not sent: {exc}"
        try:
            return status, json.loads(raw.decode("utf-8")) if raw else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            return status, raw[:200].decode("utf-8", "replace")

    def sign(self, bucket: str, key: str, version_id: str, meaning: str, *, reason: str, request_id: str):
        return self._call("POST", "signatures", {"bucket": bucket, "key": key, "version_id": version_id,
                                                 "meaning": meaning, "reason": reason, "request_id": request_id})

    def verify(self, bucket: str, key: str, version_id: str):
        query = urlencode({"bucket": bucket, "key": key, "version_id": version_id})
        return self._call("GET", f"signatures/verify?{query}")

    def release_record(self, bucket: str, key: str, version_id: str):
        query = urlencode({"bucket": bucket, "key": key, "version_id": version_id})
        return self._call("GET", f"signatures/release-record?{query}")
