"""The scheduled audit-trail review report (Annex 11 9: audit trails "regularly reviewed").

Every ``period_days`` the audit account runs the saved review queries over the organization trail for the
period just ended and files the results, under Object Lock, as a report that awaits a reviewer. The review
itself is the reviewer's act; the period is how often one is asked for.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from .base import Strict

MIN_PERIOD_DAYS = 1
# A longer gap between reviews would leave more than a month of changes and deletions unexamined, and one
# report would hold more trail rows than a reviewer can read in one sitting.
MAX_PERIOD_DAYS = 31
MIN_ROWS = 10
MAX_ROWS = 5000


class AuditReview(Strict):
    """How often the audit-trail review report is produced, and how much of each query it lists."""

    period_days: int = Field(
        default=7,
        description=f"days between two review reports, and the days each covers ({MIN_PERIOD_DAYS}..{MAX_PERIOD_DAYS}); "
        "e.g. 7 for a weekly review",
    )
    rows_per_query: int = Field(
        default=500,
        description=f"rows of each query listed in the report ({MIN_ROWS}..{MAX_ROWS}); every row is counted, and "
        "a longer result says how many were left out and names the query execution that holds them all, e.g. 500",
    )

    @field_validator("period_days")
    @classmethod
    def _period(cls, value: int) -> int:
        if not MIN_PERIOD_DAYS <= value <= MAX_PERIOD_DAYS:
            raise ValueError(
                f"{value} days is outside {MIN_PERIOD_DAYS}..{MAX_PERIOD_DAYS}; audit trails are reviewed regularly "
                "(Annex 11 9): give the days between two reviews, e.g. 7 for weekly"
            )
        return value

    @field_validator("rows_per_query")
    @classmethod
    def _rows(cls, value: int) -> int:
        if not MIN_ROWS <= value <= MAX_ROWS:
            raise ValueError(f"{value} is outside {MIN_ROWS}..{MAX_ROWS} rows per query; e.g. 500")
        return value

    def rate_expression(self) -> str:
        """EventBridge Scheduler's rate expression: a singular unit for 1, plural above
        (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html)."""
        return f"rate({self.period_days} {'day' if self.period_days == 1 else 'days'})"
