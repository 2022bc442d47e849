"""The scheduled audit-trail review report (Annex 11 9: audit trails "regularly reviewed").

Invoked by the EventBridge Scheduler schedule every period. It runs every saved query of the review
workgroup for the period just ended, and files the result in the locked reports bucket as JSON and as a
printable page: per data class and query, the rows found (counted in full, listed up to a limit), the
saved query's ID and the SHA-256 of its text, the SHA-256 of the text actually run, and Athena's query
execution ID. Then it tells the audit bus that a report awaits review.

The report is the input to a review, not the review: it says so, and it carries an empty sign-off block.
Whether the trail was reviewed is recorded by the reviewer (see docs/regulated-records.md).

Environment: WORKGROUP, DATABASE, REPORTS_BUCKET, EVENT_BUS_NAME, PERIOD_DAYS, ROWS_PER_QUERY.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from .events import EVENT_SOURCE, FAILED, READY
from .period import Period, iso, parse_time
from .render import render_html

log = logging.getLogger(__name__)
PREFIX = "audit-trail-reviews/"
TERMINAL = ("SUCCEEDED", "FAILED", "CANCELLED")
STATEMENT = (
    "This report lists what the saved audit-trail review queries found in the organization trail for the period "
    "stated. It is not a review. It awaits a reviewer, who examines every query's rows, follows up what needs it, "
    "and records the review (name, date, conclusion, signature) under the company's audit-trail review procedure."
)


def sha256(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


@dataclass
class QueryRun:
    """One saved query, as run for the period."""

    named_query_id: str
    name: str
    saved_sql: str
    run_sql: str | None
    execution_id: str | None = None
    state: str = "NOT RUN"
    reason: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    row_count: int = 0

    def as_dict(self) -> dict[str, Any]:
        data_class, _, kind = self.name.partition(": ")
        return {
            "data_class": data_class, "kind": kind, "name": self.name, "named_query_id": self.named_query_id,
            "saved_sql_sha256": sha256(self.saved_sql), "run_sql_sha256": sha256(self.run_sql) if self.run_sql else None,
            "run_sql": self.run_sql, "query_execution_id": self.execution_id, "state": self.state,
            "reason": self.reason, "columns": self.columns, "row_count": self.row_count,
            "rows_listed": len(self.rows), "rows": self.rows,
        }


class ScheduledReview:
    def __init__(self, *, athena: Any, s3: Any, events: Any, workgroup: str, database: str, bucket: str,
                 event_bus: str, period_days: int, rows_per_query: int, poll_seconds: float = 2.0,
                 max_running: int = 5, deadline: Callable[[], float] | None = None) -> None:
        self.athena, self.s3, self.events = athena, s3, events
        self.workgroup, self.database, self.bucket, self.event_bus = workgroup, database, bucket, event_bus
        self.period_days, self.rows_per_query = period_days, rows_per_query
        self.poll_seconds, self.max_running = poll_seconds, max_running
        # Seconds left before the function must stop; queries still running then are reported as such.
        self.deadline = deadline or (lambda: float("inf"))

    # -- the saved queries ---------------------------------------------------------------------------

    def saved_queries(self, period: Period) -> list[QueryRun]:
        found, token = [], None
        while True:
            page = self.athena.list_named_queries(WorkGroup=self.workgroup, **({"NextToken": token} if token else {}))
            for query_id in page.get("NamedQueryIds") or []:
                query = self.athena.get_named_query(NamedQueryId=query_id)["NamedQuery"]
                sql = query.get("QueryString") or ""
                run = QueryRun(query_id, query.get("Name") or query_id, sql, period.narrow(sql))
                if run.run_sql is None:
                    run.reason = "the saved query does not state the review period as the saved queries do; not run"
                found.append(run)
            token = page.get("NextToken")
            if not token:
                return sorted(found, key=lambda r: r.name)

    # -- running them ----------------------------------------------------------------------------------

    def _start(self, run: QueryRun, period: Period) -> None:
        # The same period and text start one execution, however often the invocation is retried: Athena returns the
        # first execution for a repeated ClientRequestToken (32-128 characters; a SHA-256 in hex is 64)
        # (https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html).
        token = sha256(f"{iso(period.end)} {run.named_query_id} {run.run_sql}")
        started = self.athena.start_query_execution(
            QueryString=run.run_sql, WorkGroup=self.workgroup, ClientRequestToken=token,
            QueryExecutionContext={"Database": self.database},
        )
        run.execution_id, run.state = started["QueryExecutionId"], "QUEUED"

    def _poll(self, run: QueryRun) -> None:
        status = self.athena.get_query_execution(QueryExecutionId=run.execution_id)["QueryExecution"]["Status"]
        run.state = status.get("State", "UNKNOWN")
        if run.state in ("FAILED", "CANCELLED"):
            run.reason = status.get("StateChangeReason") or f"Athena ended the query {run.state}"

    def _results(self, run: QueryRun) -> None:
        token, first = None, True
        while True:
            page = self.athena.get_query_results(QueryExecutionId=run.execution_id, **({"NextToken": token} if token else {}))
            result = page.get("ResultSet") or {}
            rows = [[d.get("VarCharValue", "") for d in row.get("Data", [])] for row in result.get("Rows") or []]
            if first:
                run.columns = [c.get("Name", "") for c in (result.get("ResultSetMetadata") or {}).get("ColumnInfo") or []]
                # Athena repeats the column names as the first row of the first page.
                if rows and rows[0] == run.columns:
                    rows = rows[1:]
            run.row_count += len(rows)
            run.rows.extend(rows[: max(0, self.rows_per_query - len(run.rows))])
            token, first = page.get("NextToken"), False
            if not token:
                return

    def run_all(self, runs: list[QueryRun], period: Period) -> None:
        waiting = [r for r in runs if r.run_sql is not None]
        running: list[QueryRun] = []
        while waiting or running:
            while waiting and len(running) < self.max_running:
                run = waiting.pop(0)
                self._start(run, period)
                running.append(run)
            for run in list(running):
                self._poll(run)
                if run.state in TERMINAL:
                    running.remove(run)
                    if run.state == "SUCCEEDED":
                        self._results(run)
            if running and self.deadline() < 30:
                for run in running + waiting:
                    run.reason = "still running when the report had to be written; its execution ID holds the result"
                return
            if running:
                time.sleep(self.poll_seconds)

    # -- the report ------------------------------------------------------------------------------------

    def report(self, period: Period, runs: list[QueryRun], invocation: dict[str, Any]) -> dict[str, Any]:
        queries = [r.as_dict() for r in runs]
        classes: dict[str, dict[str, int]] = {}
        for q in queries:
            totals = classes.setdefault(q["data_class"], {"queries": 0, "rows": 0, "not_succeeded": 0})
            totals["queries"] += 1
            totals["rows"] += q["row_count"]
            totals["not_succeeded"] += q["state"] != "SUCCEEDED"
        return {
            "title": "Audit-trail review report", "status": "AWAITING REVIEW", "statement": STATEMENT,
            "period": {"start": iso(period.start), "end": iso(period.end), "days": period.days},
            "generated_at": iso(datetime.now(timezone.utc)), "invocation": invocation,
            "workgroup": self.workgroup, "database": self.database, "rows_per_query": self.rows_per_query,
            "complete": bool(runs) and all(q["state"] == "SUCCEEDED" for q in queries),
            "classes": classes, "queries": queries,
        }

    def file(self, report: dict[str, Any]) -> dict[str, Any]:
        end = parse_time(report["period"]["end"])
        base = f"{PREFIX}{end:%Y/%m/%d}/{end:%Y%m%dT%H%M%SZ}-{report['period']['days']}d/"
        filed = {"bucket": self.bucket}
        for name, body, content_type in (
            ("json", json.dumps(report, indent=2, sort_keys=True).encode(), "application/json"),
            ("html", render_html(report).encode(), "text/html; charset=utf-8"),
        ):
            key = f"{base}report.{name}"
            # S3 checks the SHA-256 on receipt and stores it with the version (11.10(c): accurate copies).
            put = self.s3.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type,
                                     ChecksumAlgorithm="SHA256")
            filed[name] = {"key": key, "version_id": put.get("VersionId"), "sha256": sha256(body)}
        return filed

    def notify(self, detail_type: str, detail: dict[str, Any]) -> None:
        answer = self.events.put_events(Entries=[{
            "Source": EVENT_SOURCE, "DetailType": detail_type, "EventBusName": self.event_bus,
            "Detail": json.dumps(detail, sort_keys=True, default=str),
        }])
        if answer.get("FailedEntryCount"):
            raise RuntimeError(f"the audit bus refused the notice: {answer.get('Entries')}")

    def run(self, event: dict[str, Any]) -> dict[str, Any]:
        scheduled = event.get("scheduled_time")
        period = Period.ending(parse_time(scheduled) if scheduled else datetime.now(timezone.utc), self.period_days)
        invocation = {k: event.get(k) for k in ("scheduled_time", "execution_id", "schedule_arn", "attempt")}
        try:
            runs = self.saved_queries(period)
            self.run_all(runs, period)
            report = self.report(period, runs, invocation)
            filed = self.file(report)
        except Exception as exc:
            # A review that was due and produced nothing must be known, not only logged.
            self.notify(FAILED, {"period": {"start": iso(period.start), "end": iso(period.end)},
                                 "error": f"{exc.__class__.__name__}: {exc}"[:1000], "invocation": invocation})
            raise
        detail = {
            "status": report["status"], "complete": report["complete"], "period": report["period"],
            "report": filed, "rows_by_class": {c: t["rows"] for c, t in report["classes"].items()},
            "queries_not_succeeded": [q["name"] for q in report["queries"] if q["state"] != "SUCCEEDED"],
        }
        self.notify(READY, detail)
        log.info("audit-trail review report filed: %s", json.dumps(detail, default=str))
        return detail


_review: ScheduledReview | None = None


def handler(event, context):
    global _review
    if _review is None:
        import boto3

        _review = ScheduledReview(
            athena=boto3.client("athena"), s3=boto3.client("s3"), events=boto3.client("events"),
            workgroup=os.environ["WORKGROUP"], database=os.environ["DATABASE"], bucket=os.environ["REPORTS_BUCKET"],
            event_bus=os.environ["EVENT_BUS_NAME"], period_days=int(os.environ["PERIOD_DAYS"]),
            rows_per_query=int(os.environ["ROWS_PER_QUERY"]),
        )
    _review.deadline = lambda: context.get_remaining_time_in_millis() / 1000
    return _review.run(event if isinstance(event, dict) else {})
