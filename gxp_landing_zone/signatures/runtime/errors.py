"""Refusals of the signature rules: each carries the HTTP status and the code the API returns."""

from __future__ import annotations

from typing import Any


class SignatureRefused(Exception):
    """A signing (or lookup) request that must not proceed; nothing is written."""

    def __init__(self, status_code: int, reason: str, code: str = "refused") -> None:
        super().__init__(reason)
        self.status_code = status_code
        self.reason = reason
        self.code = code

    def to_body(self) -> dict[str, Any]:
        return {"error": self.code, "reason": self.reason}


class BadRequest(SignatureRefused):
    def __init__(self, reason: str, code: str = "bad_request") -> None:
        super().__init__(400, reason, code)


class AuthenticationFailed(SignatureRefused):
    def __init__(self, reason: str, code: str = "authentication_failed") -> None:
        super().__init__(401, reason, code)


class Forbidden(SignatureRefused):
    def __init__(self, reason: str, code: str = "forbidden") -> None:
        super().__init__(403, reason, code)


class NotFound(SignatureRefused):
    def __init__(self, reason: str, code: str = "not_found") -> None:
        super().__init__(404, reason, code)


class Conflict(SignatureRefused):
    def __init__(self, reason: str, code: str = "conflict") -> None:
        super().__init__(409, reason, code)
