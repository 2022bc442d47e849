"""Writes the traceability matrix for its readers: index.html for QA and auditors, CSV for
spreadsheets, JSON for machines, Markdown for pull-request review. Every file renders the
same dict from traceability.py; nothing here decides a status."""

from __future__ import annotations

import csv
import json
from html import escape
from pathlib import Path

TRACE_COLUMNS = (
    "framework", "clause", "clause_title", "kind", "status", "control", "control_title",
    "stack", "logical_id", "resource_type", "outcome", "deviation_reason",
)
DEVIATION_COLUMNS = ("rule_id", "pack", "stack", "logical_id", "resource_type", "path", "reason")
SHARED_NOTE = "The customer's procedures are also needed."
STATUS_MEANING = {
    "met": "every resource the clause's controls apply to passed",
    "met with deviation": "an exception was accepted; the reason is in the deviation log",
    "not met": "at least one resource failed a control and no exception was accepted",
    "no resources in scope": "the controls exist, but the estate has no resource they apply to",
    "not yet covered": "no control serves this clause yet",
    "customer responsibility": "met by the customer's procedures (training, written policies, agreements)",
}
RESULT_LABEL = {"COMPLIANT": "compliant", "NON_COMPLIANT": "not compliant", "CANNOT_PROVE": "cannot be proven"}


def write_report(out_dir: Path, traceability: dict) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    writers = {
        "traceability.json": _json,
        "traceability.csv": _trace_csv,
        "deviations.csv": _deviations_csv,
        "traceability.md": _markdown,
        "index.html": _html,
    }
    if traceability.get("records"):
        writers["records.csv"] = _records_csv
    written = []
    for name, render in writers.items():
        path = out_dir / name
        render(path, traceability)
        written.append(path)
    return written


# -- machine-readable ------------------------------------------------------------------------


def _json(path: Path, t: dict) -> None:
    path.write_text(json.dumps(t, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def trace_rows(t: dict) -> list[dict]:
    """One row per framework x clause x control x resource; a clause or control with nothing
    under it still gets a row, so a gap is visible in the spreadsheet rather than missing."""
    titles = {c["id"]: c["title"] for c in t["controls"]}
    rows = []
    for fw in t["frameworks"]:
        for clause in fw["clauses"]:
            base = {"framework": fw["id"], "clause": clause["id"], "clause_title": clause["title"],
                    "kind": clause["kind"], "status": clause["status"]}
            if not clause["controls"]:
                rows.append(base)
            for cid in clause["controls"]:
                control = {**base, "control": cid, "control_title": titles.get(cid, "")}
                rows.extend(
                    {**control, "stack": r["stack"], "logical_id": r["logical_id"], "resource_type": r["type"],
                     "outcome": r["outcome"], "deviation_reason": r["deviation_reason"] or ""}
                    for r in clause["resources"].get(cid, ())
                )
                if not clause["resources"].get(cid):
                    rows.append(control)
    return rows


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    # utf-8-sig: Excel opens BOM-less UTF-8 as a legacy code page and garbles the Japanese titles.
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, fieldnames=columns, restval="", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _trace_csv(path: Path, t: dict) -> None:
    _write_csv(path, TRACE_COLUMNS, trace_rows(t))


def _deviations_csv(path: Path, t: dict) -> None:
    _write_csv(path, DEVIATION_COLUMNS, t["deviations"])


def _controls_summary(row: dict) -> str:
    controls = row.get("controls") or {}
    failed = [c for c, r in controls.items() if r != "compliant"]
    if not controls:
        return "not evaluated"
    return f"{len(controls)} controls passed" if not failed else "not met or deviation: " + ", ".join(failed)


def _record_cells(row: dict) -> dict:
    return {
        **row,
        "de_identified": "yes" if row["de_identified"] else "no",
        "replication_targets": "; ".join(row["replication_targets"]) or "none",
        "controls": _controls_summary(row),
    }


def _records_csv(path: Path, t: dict) -> None:
    from .traceability import RECORD_COLUMNS

    _write_csv(path, RECORD_COLUMNS, [_record_cells(r) for r in t.get("records", [])])


def _records_by_account(t: dict) -> dict[tuple[str, str, str], list[dict]]:
    grouped: dict[tuple[str, str, str], list[dict]] = {}
    for row in t.get("records", []):
        grouped.setdefault((row["account"], row["account_id"], row["jurisdiction"]), []).append(row)
    return grouped


RECORD_HEADER = ("Class", "Bucket", "Retention", "Key", "Region", "Jurisdiction", "Replication target", "Controls")


def _record_row(row: dict) -> tuple:
    cells = _record_cells(row)
    return (cells["data_class"] + (" (de-identified)" if row["de_identified"] else ""), cells["bucket"],
            f'{cells["retention"]} ({cells["retention_days"]} days, {cells["lock_mode"]})', cells["key"],
            cells["region"], cells["jurisdiction"], cells["replication_targets"], cells["controls"])


# -- Markdown ----------------------------------------------------------------------------------


def _cell(value) -> str:
    return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")


def _md_table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def _markdown(path: Path, t: dict) -> None:
    lines = [f"# Compliance traceability: {t['estate']}", "",
             f"Generated at {t['generated_at']} from {t['estate']}.", ""]
    for fw in t["frameworks"]:
        counts = t["summary"]["frameworks"][fw["id"]]
        lines += [f"## {fw['title']}", "", f"Edition: {fw['edition']}", "",
                  ", ".join(f"{s}: {counts[s]}" for s in t["statuses"] if counts[s]), ""]
        lines += _md_table(
            ("Clause", "Title", "Kind", "Status", "Controls"),
            [(c["id"], c["title"], c["kind"],
              c["status"] + (f" ({SHARED_NOTE})" if c["customer_part"] else ""), ", ".join(c["controls"]))
             for c in fw["clauses"]],
        )
    lines += ["## Deviations", ""]
    lines += _md_table(
        ("Rule", "Pack", "Stack", "Logical ID", "Reason"),
        [(d["rule_id"], d["pack"], d["stack"], d["logical_id"], d["reason"]) for d in t["deviations"]],
    ) if t["deviations"] else ["No deviations.", ""]
    if t.get("records"):
        lines += ["## Regulated records", ""]
        for (role, account_id, jurisdiction), rows in _records_by_account(t).items():
            lines += [f"### {role} ({account_id}, {jurisdiction})", ""]
            lines += _md_table(RECORD_HEADER, [_record_row(r) for r in rows])
    if t["findings"]:
        lines += ["## Open findings", ""]
        lines += _md_table(("Rule", "Pack", "Severity", "Resource", "Description"),
                           [(f["rule_id"], f["pack"], f["severity"], f["path"], f["description"]) for f in t["findings"]])
    path.write_text("\n".join(lines), encoding="utf-8")


# -- HTML --------------------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1b1b;line-height:1.4}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #c8c8c8;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}
.text,.note,.muted{color:#555;font-size:.9em}
.status{font-weight:600;white-space:nowrap;padding:.05rem .35rem;border-radius:3px}
.status-met{background:#dff3e0}
.status-met-with-deviation{background:#fff3c4}
.status-not-met{background:#fbd5d5}
.status-no-resources-in-scope{background:#e8e8e8}
.status-not-yet-covered{background:#fde2c8}
.status-customer-responsibility{background:#dde8f8}
.result-not-compliant,.result-check-error{color:#a40000;font-weight:600}
section.control{border-top:1px solid #c8c8c8;padding-top:.5rem}
@media print{a{color:inherit;text-decoration:none}section{break-inside:avoid-page}}
"""


def _e(value) -> str:
    return escape(str(value if value is not None else ""), quote=True)


def _slug(text: str) -> str:
    return "-".join(text.lower().split())


def clause_anchor(framework_id: str, clause_id: str) -> str:
    return f"clause-{framework_id}-{'_'.join(clause_id.split())}"


def control_anchor(control_id: str) -> str:
    return f"control-{control_id}"


def _status(status: str) -> str:
    return f'<span class="status status-{_slug(status)}">{_e(status)}</span>'


def _table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    """``rows`` hold already-escaped HTML cells."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _summary(t: dict) -> str:
    s = t["summary"]
    counts = _table(
        ("Framework", *t["statuses"]),
        [[f'<a href="#framework-{_e(fw["id"])}">{_e(fw["title"])}</a>',
          *(_e(s["frameworks"][fw["id"]][st]) for st in t["statuses"])] for fw in t["frameworks"]],
    )

    def packs(by_pack: dict) -> str:
        return ", ".join(f"{_e(p)}: {_e(n)}" for p, n in by_pack.items()) or "none"

    facts = [
        ("Controls", _e(s["controls"])),
        ("Resources evaluated", _e(s["resources_evaluated"])),
        ("Deviations accepted", packs(s["deviations_by_pack"])),
        ("Open findings", packs(s["findings_by_pack"])),
    ]
    if s.get("unregistered_controls"):
        facts.append(("Evaluations for controls not in the registry", _e(", ".join(s["unregistered_controls"]))))
    legend = "".join(f"<li>{_status(st)} {_e(STATUS_MEANING.get(st, ''))}</li>" for st in t["statuses"])
    return (
        '<section id="summary"><h2>Summary</h2>' + counts
        + "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"
        + f"<h3>Status meanings</h3><ul>{legend}</ul>"
        + f'<p class="note">Shared clauses that are met also need the customer\'s procedures; '
        f"procedural clauses are the customer's alone.</p></section>"
    )


def _framework(fw: dict) -> str:
    rows = []
    for c in fw["clauses"]:
        note = f'<div class="note">{_e(SHARED_NOTE)}</div>' if c["customer_part"] else ""
        links = ", ".join(f'<a href="#{_e(control_anchor(cid))}">{_e(cid)}</a>' for cid in c["controls"])
        rows.append([
            f'<span id="{_e(clause_anchor(fw["id"], c["id"]))}">{_e(c["id"])}</span>',
            f'<strong>{_e(c["title"])}</strong><div class="text">{_e(c["text"])}</div>',
            _e(c["kind"]), _status(c["status"]) + note, links or '<span class="muted">none</span>',
        ])
    return (
        f'<section id="framework-{_e(fw["id"])}"><h2>{_e(fw["title"])}</h2>'
        f'<p class="muted">{_e(fw["edition"])}</p>'
        + _table(("Clause", "Requirement", "Kind", "Status", "Controls"), rows) + "</section>"
    )


def _resource_result(r: dict) -> str:
    if r["deviation_reason"] is not None:
        return '<span class="result-deviation">deviation accepted</span>'
    label = RESULT_LABEL.get(r["outcome"], r["outcome"])
    return f'<span class="result-{_slug(label)}">{_e(label)}</span>'


def _control(c: dict, t: dict) -> str:
    titles = {fw["id"]: fw["title"] for fw in t["frameworks"]}
    cited = "; ".join(
        f"{_e(titles.get(fw, fw))}: "
        + ", ".join(f'<a href="#{_e(clause_anchor(fw, cid))}">{_e(cid)}</a>' for cid in ids)
        for fw, ids in c["clauses"].items() if ids
    )
    n = c["counts"]
    facts = [
        ("Clauses", cited),
        ("Applies to", _e(", ".join(c["resource_types"]))),
        ("Checked by", f"<code>{_e(c['rule'])}</code>"),
        ("AWS Config rule after deployment", _e(c["config_rule"] or "none")),
        ("Evidence", _e(c["evidence"])),
        ("Result", f"{n['compliant']} compliant, {n['deviation']} with accepted deviation, {n['not_met']} not met"),
    ]
    resources = _table(
        ("Stack", "Logical ID", "Type", "Result", "Deviation reason"),
        [[_e(r["stack"]), _e(r["logical_id"]), _e(r["type"]), _resource_result(r), _e(r["deviation_reason"])]
         for r in c["resources"]],
    ) if c["resources"] else '<p class="muted">No resources of these types in the estate.</p>'
    return (
        f'<section class="control" id="{_e(control_anchor(c["id"]))}"><h3>{_e(c["id"])}: {_e(c["title"])}</h3>'
        f'<p>{_e(c["statement"])}</p><dl>'
        + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>" + resources + "</section>"
    )


def _html(path: Path, t: dict) -> None:
    deviations = _table(
        ("Rule", "Pack", "Stack", "Logical ID", "Type", "Resource path", "Reason"),
        [[_e(d[k]) for k in ("rule_id", "pack", "stack", "logical_id", "resource_type", "path", "reason")]
         for d in t["deviations"]],
    ) if t["deviations"] else "<p>No deviations.</p>"
    findings = _table(
        ("Rule", "Pack", "Severity", "Resource path", "Description"),
        [[_e(f[k]) for k in ("rule_id", "pack", "severity", "path", "description")] for f in t["findings"]],
    ) if t["findings"] else "<p>No open findings.</p>"
    records = "".join(
        f"<h3>{_e(role)} ({_e(account_id)}, {_e(jurisdiction)})</h3>"
        + _table(RECORD_HEADER, [[_e(cell) for cell in _record_row(r)] for r in rows])
        for (role, account_id, jurisdiction), rows in _records_by_account(t).items()
    ) or "<p>No regulated accounts.</p>"
    nav = " | ".join(
        [f'<a href="#framework-{_e(fw["id"])}">{_e(fw["id"])}</a>' for fw in t["frameworks"]]
        + ['<a href="#records">Records</a>', '<a href="#controls">Controls</a>', '<a href="#deviations">Deviations</a>', '<a href="#findings">Findings</a>']
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Compliance traceability: {_e(t['estate'])}</title><style>{CSS}</style></head><body>"
        f"<h1>Compliance traceability: {_e(t['estate'])}</h1>"
        f'<p class="muted">Generated at {_e(t["generated_at"])} from {_e(t["estate"])}.</p>'
        f"<nav>{nav}</nav>"
        + _summary(t)
        + "".join(_framework(fw) for fw in t["frameworks"])
        + f'<section id="records"><h2>Regulated records</h2>{records}</section>'
        + '<section id="controls"><h2>Controls</h2>' + "".join(_control(c, t) for c in t["controls"]) + "</section>"
        + f'<section id="deviations"><h2>Deviations</h2>{deviations}</section>'
        + f'<section id="findings"><h2>Open findings</h2>{findings}</section>'
        + "</body></html>\n"
    )
    path.write_text(page, encoding="utf-8")
