"""The review period: which days of the trail a report covers, and how a saved query is narrowed to them.

The saved queries read the last 30 days, so a reviewer can run them in the console as they are. The scheduled
report runs the same text with that one condition replaced by the period's bounds: the partition days it spans
(so Athena scans only those) and the event times inside it (so consecutive reports neither overlap nor leave a
gap). A saved query without the condition is not run, and the report says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

# As the saved queries state it (constructs/trail_review.py builds them with this very text).
SAVED_PERIOD = "timestamp >= date_format(current_date - interval '30' day, '%Y/%m/%d')"


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive, UTC
    end: datetime  # exclusive, UTC

    @classmethod
    def ending(cls, end: datetime, days: int) -> "Period":
        end = end.astimezone(timezone.utc).replace(microsecond=0)
        return cls(end - timedelta(days=days), end)

    @property
    def days(self) -> int:
        return round((self.end - self.start) / timedelta(days=1))

    def condition(self) -> str:
        """CloudTrail writes eventtime as 2026-11-23T19:30:00Z, so the ISO text compares as the time does."""
        first, last = self.start.strftime("%Y/%m/%d"), self.end.strftime("%Y/%m/%d")
        return (f"timestamp BETWEEN '{first}' AND '{last}' AND eventtime >= '{iso(self.start)}' "
                f"AND eventtime < '{iso(self.end)}'")

    def narrow(self, sql: str) -> str | None:
        """The saved query for this period, or None when it does not hold the saved period condition once."""
        if sql.count(SAVED_PERIOD) != 1:
            return None
        return sql.replace(SAVED_PERIOD, self.condition())


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """EventBridge Scheduler's <aws.scheduler.scheduled-time> (e.g. 2022-03-22T18:59:43Z)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
