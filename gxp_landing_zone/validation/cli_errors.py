"""What the IQ and OQ command lines do with a run that cannot start: one line on stderr and an exit
code, never a traceback (2 config or usage, 3 credentials, 4 wrong account via the error's own code)."""

from __future__ import annotations

import sys
from typing import Callable, TypeVar

from botocore.exceptions import ClientError, NoCredentialsError, PartialCredentialsError

from ..config import ConfigError

EXIT_FAILED, EXIT_USAGE, EXIT_CREDENTIALS = 1, 2, 3
T = TypeVar("T")


def error(prog: str, message: str, code: int) -> int:
    print(f"{prog}: error: {message}", file=sys.stderr)
    return code


def guarded(prog: str, run: Callable[[], T], stop_errors: tuple[type[Exception], ...]) -> tuple[T | None, int | None]:
    """(run's result, None), or (None, exit code) once the error has been printed. ``stop_errors``
    are the runner's own pre-flight errors, each carrying an ``exit_code``."""
    try:
        return run(), None
    except ConfigError as exc:
        return None, error(prog, str(exc), EXIT_USAGE)
    except stop_errors as exc:
        return None, error(prog, str(exc), exc.exit_code)
    except (NoCredentialsError, PartialCredentialsError):
        return None, error(prog, "no AWS credentials found; sign in (e.g. aws sso login) or set AWS_PROFILE", EXIT_CREDENTIALS)
    except ClientError as exc:
        # Checks and steps catch their own API errors; what reaches here is the STS identity call.
        return None, error(prog, f"cannot confirm the caller's identity: {exc}", EXIT_CREDENTIALS)
