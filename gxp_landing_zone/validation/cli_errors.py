"""What the IQ, OQ and package command lines do with a run that cannot start: one line on stderr and an
exit code, never a traceback (2 config or usage, 3 credentials or network, 4 wrong account via the
error's own code)."""

from __future__ import annotations

import sys
from typing import Callable, TypeVar

from botocore.exceptions import (
    BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError, PartialCredentialsError,
    ProfileNotFound,
)

from ..config import ConfigError

EXIT_FAILED, EXIT_USAGE, EXIT_CREDENTIALS = 1, 2, 3
# The record is written but carries no seal: the package will refuse it until it is sealed.
EXIT_UNSEALED = 5
T = TypeVar("T")


def error(prog: str, message: str, code: int) -> int:
    print(f"{prog}: error: {message}", file=sys.stderr)
    return code


def aws_problem(exc: Exception) -> tuple[str, int] | None:
    """A one-line message and exit code for an error the caller's AWS set-up causes, or None."""
    if isinstance(exc, ProfileNotFound):
        return (f"{exc}; list the profiles with aws configure list-profiles, or unset AWS_PROFILE", EXIT_USAGE)
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return ("no AWS credentials found; sign in (e.g. aws sso login) or set AWS_PROFILE", EXIT_CREDENTIALS)
    if isinstance(exc, NoRegionError):
        return ("no AWS region is set; pass --region", EXIT_USAGE)
    if isinstance(exc, EndpointConnectionError):
        return (f"cannot sign in to AWS ({exc}); check the network, a proxy, or the region", EXIT_CREDENTIALS)
    if isinstance(exc, BotoCoreError):
        # An expired SSO token, a proxy refusing, ...: signing in failed before any check.
        return (f"cannot sign in to AWS ({exc}); check the network and your sign-in (aws sso login)", EXIT_CREDENTIALS)
    if isinstance(exc, ClientError):
        # Checks and steps catch their own API errors; what reaches here is the STS identity call.
        return (f"cannot confirm the caller's identity: {exc}", EXIT_CREDENTIALS)
    return None


def guarded(prog: str, run: Callable[[], T], stop_errors: tuple[type[Exception], ...]) -> tuple[T | None, int | None]:
    """(run's result, None), or (None, exit code) once the error has been printed. ``stop_errors``
    are the runner's own pre-flight errors, each carrying an ``exit_code``."""
    try:
        return run(), None
    except ConfigError as exc:
        return None, error(prog, str(exc), EXIT_USAGE)
    except stop_errors as exc:
        return None, error(prog, str(exc), exc.exit_code)
    except (BotoCoreError, ClientError) as exc:
        message, code = aws_problem(exc)
        return None, error(prog, message, code)
