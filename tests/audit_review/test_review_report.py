"""The scheduled audit-trail review report against moto: the saved queries run for the period just ended, the
report (JSON and printable HTML) filed in a locked bucket with counts and rows per data class and query, the
period, the saved queries' IDs and SHA-256s and Athena's execution IDs, and the audit bus told that it awaits
review.

moto's EventBridge accepts the notice but cannot deliver it to a target here (it needs jsonpath_ng, which is not
installed), so the notices are read where the function hands them to EventBridge.

moto's Athena runs no SQL: it returns the results queued for it, in the order queries start (moto's
"athena query-results" API, used here through its backend). Where moto cannot answer as Athena does (a query
that FAILED), a botocore Stubber stands in for Athena's ListNamedQueries, GetNamedQuery, StartQueryExecution and
GetQueryExecution.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import boto3
import pytest
from botocore.stub import ANY, Stubber
from moto import mock_aws
from moto.athena.models import QueryResults, athena_backends
from moto.core import DEFAULT_ACCOUNT_ID

from gxp_landing_zone.audit_review.runtime import review as runtime
from gxp_landing_zone.audit_review.runtime.events import FAILED, READY
from gxp_landing_zone.audit_review.runtime.period import SAVED_PERIOD, Period, parse_time
from gxp_landing_zone.audit_review.runtime.review import ScheduledReview
from gxp_landing_zone.constructs.trail_review import ReviewedClass, queries
from gxp_landing_zone.validation.print_css import PRINT_CSS

REGION = "us-east-1"
WORKGROUP, DATABASE, BUCKET, BUS = "gxp-audit-trail-review", "gxp_audit_trail", "exbio-audit-reviews", "gxp-compliance-events"
SESSION = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
CLASSES = ("raw-lab-data", "submission-archive")
DUE = "2026-11-30T06:00:00Z"
COLUMNS = ["eventtime", "eventname", "object_key", "errorcode", "principal", "sourceipaddress", "vpcendpointid"]


def _row(i: int) -> list[str]:
    return [f"2026-11-2{i % 7}T10:00:00Z", "DeleteObject", f"run-{i}/trace.raw", "AccessDenied",
            "arn:aws:sts::444444444444:assumed-role/intruder/x", "10.0.0.1", "vpce-1"]


def queue_results(*row_counts: int) -> None:
    """Results for the next queries to start, in start order (the saved queries' names, sorted)."""
    backend = athena_backends[DEFAULT_ACCOUNT_ID][REGION]
    for count in row_counts:
        rows = [{"Data": [{"VarCharValue": c} for c in COLUMNS]}] + [
            {"Data": [{"VarCharValue": v} for v in _row(i)]} for i in range(count)]
        backend.query_results_queue.append(QueryResults(rows, [{"Name": c, "Type": "varchar"} for c in COLUMNS]))


class Bus:
    """moto's EventBridge client, keeping every event put on it (as the bus's rules would receive it)."""

    def __init__(self, client):
        self.client, self.sent = client, []

    def put_events(self, Entries):
        answer = self.client.put_events(Entries=Entries)
        self.sent += [{"detail-type": e["DetailType"], "source": e["Source"], "bus": e["EventBusName"],
                       "detail": json.loads(e["Detail"])} for e in Entries]
        return answer


@pytest.fixture
def estate():
    """The review workgroup with the saved queries of two classes, the locked reports bucket, and the audit bus."""
    with mock_aws():
        athena, s3, events = (SESSION.client(s) for s in ("athena", "s3", "events"))
        athena.create_work_group(Name=WORKGROUP, Configuration={"EnforceWorkGroupConfiguration": True})
        for name in CLASSES:
            reviewed = ReviewedClass(name, f"exbio-records-{name}-____________-%", f"alias/gxp/records/{name}", ())
            for kind, sql in queries(f'"{DATABASE}"."organization_trail"', reviewed).items():
                athena.create_named_query(Name=f"{name}: {kind}", Database=DATABASE, QueryString=sql, WorkGroup=WORKGROUP)
        s3.create_bucket(Bucket=BUCKET, ObjectLockEnabledForBucket=True)
        s3.put_object_lock_configuration(Bucket=BUCKET, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})
        events.create_event_bus(Name=BUS)
        yield {"athena": athena, "s3": s3, "events": Bus(events)}


def reviewer(estate, **overrides) -> ScheduledReview:
    settings = {"athena": estate["athena"], "s3": estate["s3"], "events": estate["events"], "workgroup": WORKGROUP,
                "database": DATABASE, "bucket": BUCKET, "event_bus": BUS, "period_days": 7, "rows_per_query": 500,
                "poll_seconds": 0, **overrides}
    return ScheduledReview(**settings)


def notices(estate) -> list[dict]:
    sent = estate["events"].sent
    assert all(n["source"] == "gxp.audit-review" and n["bus"] == BUS for n in sent)
    return sent


def filed(estate, detail: dict, kind: str) -> bytes:
    where = detail["report"][kind]
    body = estate["s3"].get_object(Bucket=BUCKET, Key=where["key"], VersionId=where["version_id"])["Body"].read()
    assert hashlib.sha256(body).hexdigest() == where["sha256"]
    return body


def test_the_report_is_filed_locked_with_every_query_and_awaits_review(estate):
    queue_results(3, 0, 2)  # raw-lab-data: attempted deletions, changes, lock and policy changes
    detail = reviewer(estate).run({"scheduled_time": DUE, "execution_id": "d32c5kddcf5bb8c3"})
    report = json.loads(filed(estate, detail, "json"))
    assert report["status"] == "AWAITING REVIEW" and "It is not a review" in report["statement"]
    assert report["period"] == {"start": "2026-11-23T06:00:00Z", "end": DUE, "days": 7}
    assert report["complete"] and len(report["queries"]) == 8
    assert report["classes"]["raw-lab-data"] == {"queries": 4, "rows": 5, "not_succeeded": 0}
    assert report["classes"]["submission-archive"]["rows"] == 0
    deletions = next(q for q in report["queries"] if q["name"] == "raw-lab-data: attempted deletions")
    saved = estate["athena"].get_named_query(NamedQueryId=deletions["named_query_id"])["NamedQuery"]["QueryString"]
    assert deletions["saved_sql_sha256"] == hashlib.sha256(saved.encode()).hexdigest()
    assert deletions["run_sql_sha256"] == hashlib.sha256(deletions["run_sql"].encode()).hexdigest()
    assert deletions["row_count"] == 3 and deletions["rows"][0] == _row(0) and deletions["columns"] == COLUMNS
    execution = estate["athena"].get_query_execution(QueryExecutionId=deletions["query_execution_id"])["QueryExecution"]
    assert execution["Query"] == deletions["run_sql"] and execution["WorkGroup"] == WORKGROUP
    # The objects are kept under the bucket's COMPLIANCE default, with the SHA-256 S3 checked on receipt.
    head = estate["s3"].head_object(Bucket=BUCKET, Key=detail["report"]["json"]["key"], ChecksumMode="ENABLED")
    assert head["ObjectLockMode"] == "COMPLIANCE" and head.get("ChecksumSHA256")
    html = filed(estate, detail, "html").decode()
    assert PRINT_CSS in html and "AWAITING REVIEW" in html and "Reviewed by (name, role)" in html
    assert deletions["query_execution_id"] in html and deletions["saved_sql_sha256"] in html and "run-2/trace.raw" in html
    (notice,) = notices(estate)
    assert notice["detail-type"] == READY and notice["detail"]["rows_by_class"] == {"raw-lab-data": 5, "submission-archive": 0}
    assert notice["detail"]["report"]["html"]["key"].startswith("audit-trail-reviews/2026/11/30/20261130T060000Z-7d/")


def test_each_query_runs_for_the_period_only(estate):
    detail = reviewer(estate, period_days=1).run({"scheduled_time": DUE})
    report = json.loads(filed(estate, detail, "json"))
    for q in report["queries"]:
        assert SAVED_PERIOD not in q["run_sql"]
        assert ("timestamp BETWEEN '2026/11/29' AND '2026/11/30' AND eventtime >= '2026-11-29T06:00:00Z' "
                "AND eventtime < '2026-11-30T06:00:00Z'") in q["run_sql"]


def test_consecutive_periods_neither_overlap_nor_leave_a_gap():
    first = Period.ending(parse_time("2026-11-23T06:00:00Z"), 7)
    second = Period.ending(parse_time(DUE), 7)
    assert first.end == second.start and second.days == 7
    assert Period.ending(datetime(2026, 11, 30, 7, 0, 0, 123456, tzinfo=timezone.utc), 7).end.microsecond == 0


def test_a_long_result_is_counted_in_full_and_listed_up_to_the_limit(estate):
    queue_results(12)
    detail = reviewer(estate, rows_per_query=10).run({"scheduled_time": DUE})
    first = json.loads(filed(estate, detail, "json"))["queries"][0]
    assert first["row_count"] == 12 and first["rows_listed"] == 10
    assert "12 rows, the first 10 listed" in filed(estate, detail, "html").decode()


def test_a_saved_query_changed_outside_the_review_format_is_not_run_and_says_so(estate):
    athena = estate["athena"]
    athena.create_named_query(Name="raw-lab-data: everything", Database=DATABASE, WorkGroup=WORKGROUP,
                              QueryString='SELECT * FROM "gxp_audit_trail"."organization_trail"')
    detail = reviewer(estate).run({"scheduled_time": DUE})
    report = json.loads(filed(estate, detail, "json"))
    odd = next(q for q in report["queries"] if q["name"] == "raw-lab-data: everything")
    assert odd["state"] == "NOT RUN" and odd["query_execution_id"] is None and "not run" in odd["reason"]
    assert not report["complete"] and detail["queries_not_succeeded"] == ["raw-lab-data: everything"]


def test_a_failed_query_is_reported_with_athenas_reason(estate):
    athena = SESSION.client("athena")
    sql = f"SELECT 1 FROM t WHERE {SAVED_PERIOD}"
    with Stubber(athena) as stub:
        stub.add_response("list_named_queries", {"NamedQueryIds": ["q-1"]}, {"WorkGroup": WORKGROUP})
        stub.add_response("get_named_query", {"NamedQuery": {"Name": "raw-lab-data: changes", "Database": DATABASE,
                                                             "QueryString": sql}}, {"NamedQueryId": "q-1"})
        stub.add_response("start_query_execution", {"QueryExecutionId": "e-1"}, {
            "QueryString": ANY, "WorkGroup": WORKGROUP, "ClientRequestToken": ANY,
            "QueryExecutionContext": {"Database": DATABASE}})
        stub.add_response("get_query_execution", {"QueryExecution": {"Status": {
            "State": "FAILED", "StateChangeReason": "TABLE_NOT_FOUND: line 1:15: Table t does not exist"}}},
            {"QueryExecutionId": "e-1"})
        detail = reviewer(estate, athena=athena).run({"scheduled_time": DUE})
    report = json.loads(filed(estate, detail, "json"))
    (q,) = report["queries"]
    assert q["state"] == "FAILED" and "TABLE_NOT_FOUND" in q["reason"] and q["query_execution_id"] == "e-1"
    assert not report["complete"] and report["classes"]["raw-lab-data"]["not_succeeded"] == 1
    assert "TABLE_NOT_FOUND" in filed(estate, detail, "html").decode()


def test_a_report_that_cannot_be_filed_tells_the_audit_bus_and_fails(estate):
    with pytest.raises(Exception, match="NoSuchBucket"):
        reviewer(estate, bucket="no-such-bucket").run({"scheduled_time": DUE})
    (notice,) = notices(estate)
    assert notice["detail-type"] == FAILED and "NoSuchBucket" in notice["detail"]["error"]
    assert notice["detail"]["period"]["end"] == DUE


def test_the_handler_reads_its_settings_from_the_environment(estate, monkeypatch):
    for name, value in (("WORKGROUP", WORKGROUP), ("DATABASE", DATABASE), ("REPORTS_BUCKET", BUCKET),
                        ("EVENT_BUS_NAME", BUS), ("PERIOD_DAYS", "7"), ("ROWS_PER_QUERY", "500"),
                        ("AWS_DEFAULT_REGION", REGION), ("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(runtime, "_review", None)
    monkeypatch.setattr(runtime.time, "sleep", lambda seconds: None)

    class Context:
        @staticmethod
        def get_remaining_time_in_millis():
            return 600_000

    detail = runtime.handler({"scheduled_time": DUE, "execution_id": "x"}, Context())
    assert detail["complete"] and detail["period"]["end"] == DUE


def test_the_function_code_runs_from_its_asset_alone(tmp_path):
    """The assembled asset holds the runtime and the print CSS; its handler imports with nothing else of the project."""
    import subprocess
    import sys

    from gxp_landing_zone.audit_review.deployment import HANDLER, runtime_root

    module, _, function = HANDLER.rpartition(".")
    code = f"import {module} as m; assert callable(m.{function}); import sys; assert 'aws_cdk' not in sys.modules"
    done = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {runtime_root()!r}); {code}"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_printed_report_clips_no_column(estate, tmp_path):
    """Printed landscape in headless Chromium, as every page of the project: long ARNs and keys wrap in their cells."""
    from gxp_landing_zone.validation.package.graphviz import print_pages

    queue_results(40)
    detail = reviewer(estate).run({"scheduled_time": DUE})
    page = tmp_path / "report.html"
    page.write_bytes(filed(estate, detail, "html"))
    (seen,) = print_pages([(page, tmp_path / "report.pdf")]).values()
    assert seen["clipped"] == [] and seen["repeated_headers"], seen["clipped"][:5]
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
