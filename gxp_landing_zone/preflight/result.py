"""One pre-flight check's outcome, and the guard that turns an unreadable API into a failed check.

A check reads, never writes: each result says what was looked at, what AWS answered, and, when it
failed, the command or console step that puts it right."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

T = TypeVar("T")


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    observed: str
    fix: str = ""

    def line(self) -> str:
        """One line per check: a person scanning the run sees every failure and its remedy."""
        if self.passed:
            return f"PASS {self.name}: {self.observed}"
        return f"FAIL {self.name}: {self.observed} -- fix: {self.fix}"


def ok(name: str, observed: str) -> Check:
    return Check(name, True, observed)


def fail(name: str, observed: str, fix: str) -> Check:
    return Check(name, False, observed, fix)


def error_code(exc: ClientError) -> str:
    return exc.response.get("Error", {}).get("Code", "")


def unreadable(name: str, needs: str, exc: Exception) -> Check:
    """A missing permission or an unreachable endpoint is a reason the deploy would fail too, so it
    is reported as a failed check, never raised."""
    if isinstance(exc, ClientError):
        message = exc.response.get("Error", {}).get("Message", "")
        return fail(
            name,
            f"could not read ({error_code(exc)}: {message})",
            f"sign in with credentials allowed {needs} and run again",
        )
    return fail(name, f"could not read ({exc})", "check network access to the AWS endpoint and run again")


def checked(name: str, needs: str, judge: Callable[[], Check]) -> Check:
    """``judge()``, or a failed check when AWS cannot be read."""
    try:
        return judge()
    except (ClientError, BotoCoreError) as exc:
        return unreadable(name, needs, exc)


def read(name: str, needs: str, call: Callable[[], T]) -> tuple[T | None, Check | None]:
    """(what ``call`` read, None), or (None, the failed check) when one read feeds several checks."""
    try:
        return call(), None
    except (ClientError, BotoCoreError) as exc:
        return None, unreadable(name, needs, exc)
