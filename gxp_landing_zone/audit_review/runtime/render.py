"""The printable page of an audit-trail review report: the period, what it is (input to a review, awaiting a
reviewer), per data class the rows each saved query found with its IDs and hashes, and a sign-off block the
reviewer completes under the company's procedure. Printed with the project's print CSS."""

from __future__ import annotations

from html import escape
from typing import Any

from ...validation.print_css import PRINT_CSS, page_label

CSS = (
    "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#111}table{border-collapse:collapse;width:100%;"
    "margin:.4rem 0 1rem}th,td{border:1px solid #999;padding:.2rem .35rem;text-align:left;vertical-align:top}"
    "th{background:#eee}.status{font-size:1.2rem;font-weight:700;color:#8a4b00}.bad{color:#a40000;font-weight:700}"
    ".sign td{height:2.2rem}code{font-size:.85em}"
)


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _query(q: dict[str, Any]) -> str:
    state = q["state"] if q["state"] == "SUCCEEDED" else f"{q['state']}: {q.get('reason') or ''}"
    listed = (f"{q['row_count']} rows" if q["rows_listed"] == q["row_count"]
              else f"{q['row_count']} rows, the first {q['rows_listed']} listed; the query execution holds them all")
    head = (
        f"<h3>{_e(q['name'])}</h3><table><tbody>"
        f"<tr><th>Result</th><td class=\"{'' if q['state'] == 'SUCCEEDED' else 'bad'}\">{_e(state)}</td></tr>"
        f"<tr><th>Rows</th><td>{_e(listed)}</td></tr>"
        f"<tr><th>Saved query ID</th><td><code>{_e(q['named_query_id'])}</code></td></tr>"
        f"<tr><th>SHA-256 of the saved query</th><td><code>{_e(q['saved_sql_sha256'])}</code></td></tr>"
        f"<tr><th>SHA-256 of the query run</th><td><code>{_e(q['run_sql_sha256'])}</code></td></tr>"
        f"<tr><th>Athena query execution ID</th><td><code>{_e(q['query_execution_id'])}</code></td></tr>"
        "</tbody></table>"
    )
    if not q["rows"]:
        return head
    columns = "".join(f"<th>{_e(c)}</th>" for c in q["columns"])
    rows = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in q["rows"])
    return head + f"<table><thead><tr>{columns}</tr></thead><tbody>{rows}</tbody></table>"


def render_html(report: dict[str, Any]) -> str:
    period = report["period"]
    title = f"Audit-trail review report, {period['start']} to {period['end']}"
    summary = "".join(
        f"<tr><td>{_e(name)}</td><td>{t['queries']}</td><td>{t['rows']}</td>"
        f"<td class=\"{'bad' if t['not_succeeded'] else ''}\">{t['not_succeeded']}</td></tr>"
        for name, t in sorted(report["classes"].items())
    )
    by_class: dict[str, list[str]] = {}
    for q in report["queries"]:
        by_class.setdefault(q["data_class"], []).append(_query(q))
    sections = "".join(f"<section><h2>{_e(name)}</h2>{''.join(parts)}</section>" for name, parts in sorted(by_class.items()))
    complete = ("Every saved query ran for the whole period." if report["complete"]
                else "<span class=\"bad\">Not every saved query ran: see the queries marked below.</span>")
    return (
        f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{_e(title)}</title>"
        f"<style>{CSS}{PRINT_CSS}{page_label('Audit-trail review ' + period['end'])}</style></head><body>"
        f"<h1>{_e(title)}</h1><p class=\"status\">{_e(report['status'])}</p><p>{_e(report['statement'])}</p>"
        "<table><tbody>"
        f"<tr><th>Period</th><td>{_e(period['start'])} to {_e(period['end'])} ({period['days']} days; end excluded)</td></tr>"
        f"<tr><th>Generated</th><td>{_e(report['generated_at'])}</td></tr>"
        f"<tr><th>Athena workgroup / database</th><td>{_e(report['workgroup'])} / {_e(report['database'])}</td></tr>"
        f"<tr><th>Schedule execution</th><td>{_e((report.get('invocation') or {}).get('execution_id'))}</td></tr>"
        f"<tr><th>Completeness</th><td>{complete}</td></tr></tbody></table>"
        "<h2>Summary by data class</h2><table><thead><tr><th>Data class</th><th>Queries</th><th>Rows found</th>"
        f"<th>Queries not completed</th></tr></thead><tbody>{summary}</tbody></table>"
        f"{sections}"
        "<section><h2>Review (completed by the reviewer)</h2><table class=\"sign\"><tbody>"
        "<tr><th>Reviewed by (name, role)</th><td></td></tr><tr><th>Date</th><td></td></tr>"
        "<tr><th>Conclusion and follow-up (deviation or incident numbers)</th><td></td></tr>"
        "<tr><th>Signature</th><td></td></tr></tbody></table></section>"
        "</body></html>"
    )
