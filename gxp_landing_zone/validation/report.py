"""Writes the traceability matrix for its readers: index.html for QA and auditors, CSV for
spreadsheets, JSON for machines, Markdown for pull-request review. Every file renders the
same dict from traceability.py; nothing here decides a status."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .report_records import RECORD_HEADER, RESULT_LABEL, _record_cells, _record_row, _records_by_account  # noqa: F401
from .statuses import MEANINGS

TRACE_COLUMNS = (
    "framework", "clause", "clause_title", "kind", "regime", "status", "control", "control_title", "rationale",
    "evidence_level", "stack", "logical_id", "resource_type", "outcome", "exception", "deviation_reason",
)
DEVIATION_COLUMNS = ("rule_id", "pack", "stack", "logical_id", "resource_type", "path", "reason")
EXCEPTION_COLUMNS = ("id", "risk", "reason", "risk_rationale", "compensating", "rules", "clauses", "resources", "rows")
SHARED_NOTE = "The customer's procedures are also needed."
STATUS_MEANING = MEANINGS


def write_report(out_dir: Path, traceability: dict) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    from .report_html import write_html

    writers = {
        "traceability.json": _json,
        "traceability.csv": _trace_csv,
        "deviations.csv": _deviations_csv,
        "exceptions.csv": _exceptions_csv,
        "traceability.md": _markdown,
        "index.html": write_html,
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
    levels = {c["id"]: c.get("evidence_level", "") for c in t["controls"]}
    rows = []
    for fw in t["frameworks"]:
        for clause in fw["clauses"]:
            base = {"framework": fw["id"], "clause": clause["id"], "clause_title": clause["title"],
                    "kind": clause["kind"], "regime": clause.get("regime", ""), "status": clause["status"]}
            if not clause["controls"]:
                rows.append(base)
            for cid in clause["controls"]:
                control = {**base, "control": cid, "control_title": titles.get(cid, ""),
                           "rationale": (clause.get("rationales") or {}).get(cid) or "", "evidence_level": levels.get(cid, "")}
                rows.extend(
                    {**control, "stack": r["stack"], "logical_id": r["logical_id"], "resource_type": r["type"],
                     "outcome": r["outcome"], "exception": r.get("exception") or "",
                     "deviation_reason": r["deviation_reason"] or ""}
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


def exception_cells(e: dict) -> dict:
    from .exceptions import resources_by_stack

    return {**e, "rules": "; ".join(e["rules"]),
            "clauses": "; ".join(f"{fw} {', '.join(ids)}" for fw, ids in e["clauses"].items()),
            "resources": "; ".join(f"{stack}: {', '.join(ids)}" for stack, ids in resources_by_stack(e))}


def _exceptions_csv(path: Path, t: dict) -> None:
    _write_csv(path, EXCEPTION_COLUMNS, [exception_cells(e) for e in t.get("exceptions", [])])


def _records_csv(path: Path, t: dict) -> None:
    from .traceability import RECORD_COLUMNS

    _write_csv(path, RECORD_COLUMNS, [_record_cells(r) for r in t.get("records", [])])


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
            ("Clause", "Title", "Kind", "Status", "Why", "Served by (how)"),
            [(c["id"], c["title"], c["kind"],
              c["status"] + (f"; customer part {c['customer_part']}" if c.get("customer_part") else ""),
              c.get("status_reason", ""),
              "; ".join([f"{cid}: {(c.get('rationales') or {}).get(cid) or ''}" for cid in c["controls"]]
                        + [f"{d['code']} ({d['title']})" for d in c.get("documents", [])]))
             for c in fw["clauses"]],
        )
    lines += ["## Accepted design exceptions", ""]
    lines += _md_table(
        ("ID", "Risk", "Reason", "Compensating", "Rules", "Resources"),
        [(e["id"], e["risk"], e["reason"], e["compensating"], ", ".join(e["rules"]), len(e["resources"]))
         for e in t.get("exceptions", [])],
    ) if t.get("exceptions") else ["No exceptions.", ""]
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


