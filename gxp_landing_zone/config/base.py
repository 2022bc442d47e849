"""The one contract every config model shares, and the few value types it needs.

``Strict`` forbids unknown keys (a misspelt setting is an error, not an ignored default) and
validates in pydantic's strict mode. Strict mode matters because YAML makes ``true``/``false``
out of ``true``, ``yes``, ``on`` and friends, and Python's ``bool`` is an ``int``: in lax mode
``retention_years: true`` would be read as one year and ``max_vcpus: 1.9`` as one vCPU. Every
model in this package derives from ``Strict``, so no field can quietly opt out;
tests/test_config_fuzz.py walks the models and checks that a boolean is refused wherever a
number is expected.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Iterable

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

# Only the calendar form: Python also reads week dates (2026-W44-1) and compact forms.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def one_of(choices: Iterable[int], what: str) -> Any:
    """A whole number from a fixed set.

    Not ``Literal[1, 3, ...]``: pydantic compares a literal by equality, even in strict mode, and
    ``True == 1`` in Python, so ``cloudwatch_retention_days: true`` would pass as 1 day.
    """
    allowed = tuple(choices)

    def check(value: int) -> int:
        if value not in allowed:
            raise ValueError(f"{value} is not {what}; use one of: {', '.join(map(str, allowed))}")
        return value

    return Annotated[int, Field(strict=True, json_schema_extra={"enum": list(allowed)}), AfterValidator(check)]


def _calendar_date(value: object) -> object:
    # The YAML loader hands dates over as the text the file holds (see loader.py), so that an
    # impossible date such as 2026-02-30 is reported here, against its field, like any other value.
    if isinstance(value, dt.datetime):
        raise ValueError("give a date without a time of day, e.g. 2026-11-01")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError("must be a date written YYYY-MM-DD, e.g. 2026-11-01")
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError("not in YYYY-MM-DD form")
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a calendar date ({exc}); write YYYY-MM-DD, e.g. 2026-11-01") from None


CalendarDate = Annotated[dt.date, BeforeValidator(_calendar_date)]
