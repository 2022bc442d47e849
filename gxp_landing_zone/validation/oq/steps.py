"""What every OQ step shares: the result it records, the errors that stop a run, and the small
readers of AWS's answers (which refusal counts, what a hash or a date looks like in the record)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from ...config import EstateConfig

SIGNER_TOKEN_ENV = "GXP_OQ_SIGNER_ID_TOKEN"
EXCERPT_CHARS = 400
# Regions the SCP test tries, in order; the first one not in allowed_regions is used.
OUTSIDE_REGION_CANDIDATES = ("us-west-2", "eu-west-1", "ap-southeast-2", "sa-east-1", "ca-central-1", "us-east-2")
# Error codes that mean "an access control refused this", as opposed to a fault or a missing resource.
ACCESS_DENIED = frozenset({"AccessDenied", "AccessDeniedException", "AuthorizationError", "UnauthorizedOperation"})
TEST_DATA_TAGS = {"gxp:test-data": "true"}
OUTCOMES = ("pass", "fail", "not executed", "manual", "test data")
# A guardrail step passes only when the refusal names a service control policy, as AWS's
# AccessDenied messages do: a tester lacking a permission is refused too, and proves nothing.
SCP_REFUSAL = "service control policy"
SCP_EXPECTED = "Refused with an explicit deny from a service control policy (AccessDenied naming the SCP)"
CSV_FIELDS = ("test_id", "step", "kind", "action", "outcome", "resource", "expected", "observed", "controls",
              "clauses", "checked_at", "caller")


@dataclass(frozen=True)
class StepResult:
    test_id: str
    step: str  # protocol step number, with a letter for a sub-step: "2", "2b"
    kind: str  # step | restore | clean-up | test data
    action: str
    controls: list[str]
    clauses: dict[str, list[str]]
    resource: str
    expected: str
    observed: str
    outcome: str  # one of OUTCOMES
    passed: bool
    checked_at: str
    caller: str = ""


class OqError(Exception):
    """A problem that stops the run before any step; carries the CLI exit code (as IqError)."""

    exit_code = 2


def excerpt(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 3] + "..."


def _error(exc: ClientError) -> tuple[str, str]:
    err = exc.response.get("Error", {})
    code = str(err.get("Code", "ClientError"))
    return code, f"{code}: {err.get('Message', '')}".strip()


def _refused_by_scp(code: str | None, observed: str) -> bool:
    return code in ACCESS_DENIED and SCP_REFUSAL in observed.lower()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _iso(value) -> str | None:
    return value.astimezone(timezone.utc).isoformat() if isinstance(value, datetime) else value


def shortest_retention_class(config: EstateConfig) -> str:
    return min(config.data_classes, key=lambda d: d.days).name
