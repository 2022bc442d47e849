"""The package's tables for spreadsheets: one CSV per table document, the same rows the HTML pages show."""

from __future__ import annotations

import csv
from pathlib import Path

from ..report import DEVIATION_COLUMNS, EXCEPTION_COLUMNS, exception_cells

URS_COLUMNS = ("id", "user", "need", "risk", "controls", "requirements", "iq_tests", "oq_tests", "pq_tests", "uat_tests")
# One clause column per framework of the catalog (spec_columns), between these two groups.
SPEC_COLUMNS_BEFORE = ("id", "control", "title", "requirement", "user_needs")
SPEC_COLUMNS_AFTER = ("operational", "synthesis_rule", "iq_test", "oq_tests", "evidence_level", "config_rule")


def spec_columns(framework_ids) -> tuple[str, ...]:
    return (*SPEC_COLUMNS_BEFORE, *framework_ids, *SPEC_COLUMNS_AFTER)
MATRIX_COLUMNS = ("framework", "clause", "clause_title", "kind", "status", "status_reason", "requirement", "control",
                  "rationale", "rule", "iq_test", "oq_tests", "documents", "exceptions")
TRACE_COLUMNS = ("requirement", "risk", "control", "test", "result")
RISK_COLUMNS = ("requirement", "failure", "severity", "occurrence", "detectability", "priority", "risk", "depth", "gaps")
IQ_COLUMNS = ("id", "requirement", "control", "title", "method", "check", "targets", "steps", "expected", "acceptance")
OQ_COLUMNS = ("id", "title", "applicable", "automated", "controls", "requirements", "step", "action", "expected", "acceptance")
OQ_EXECUTED_COLUMNS = ("id", "automated", "verdict", "file", "step", "kind", "action", "resource", "expected", "observed",
                       "outcome", "checked_at", "caller")
EXECUTED_COLUMNS = ("id", "control", "verdict", "file", "target", "resource", "expected", "observed", "passed",
                    "checked_at", "caller")
CUSTOMER_COLUMNS = ("framework", "clause", "title", "kind", "share", "controls", "documents", "evidence", "recorded")


def write_csv(path: Path, columns, rows) -> None:
    # utf-8-sig for Excel, as in the compliance report.
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, fieldnames=columns, restval="", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _join(values) -> str:
    return "; ".join(str(v) for v in values)


def csv_rows(p: dict) -> dict[str, tuple]:
    frameworks = [fw["id"] for fw in p["frameworks"]]
    urs = [{"id": n["id"], "user": n["user"], "need": n["need"], "risk": n["risk"], "controls": _join(n["controls"]),
            "requirements": _join(n["requirements"]), **{f"{k}_tests": _join(v) for k, v in n["tests"].items()}}
           for n in p["user_needs"]]
    spec = [{"id": r["id"], "control": r["control"], "title": r["title"], "requirement": r["requirement"],
             "user_needs": _join(r["user_needs"]), **{fw: _join(r["clauses"].get(fw, ())) for fw in frameworks},
             "operational": r["operational"], "synthesis_rule": r["verified_by"]["synthesis"],
             "iq_test": r["verified_by"]["iq"] or "", "oq_tests": _join(r["verified_by"]["oq"]),
             "evidence_level": r["evidence_level"], "config_rule": r["config_rule"] or ""}
            for r in p["requirements"]]
    verified = {r["control"]: r for r in p["requirements"]}
    matrix = []
    for r in p["matrix"]:
        base = {k: r[k] for k in ("framework", "clause", "clause_title", "kind", "status", "status_reason")}
        base |= {"documents": _join(r["documents"]), "exceptions": _join(r["exceptions"])}
        if not r["controls"]:
            matrix.append(base)
        for cid in r["controls"]:
            v = verified.get(cid, {}).get("verified_by", {})
            matrix.append({**base, "requirement": verified.get(cid, {}).get("id", ""), "control": cid,
                           "rationale": r["rationales"].get(cid) or "", "rule": v.get("synthesis", ""),
                           "iq_test": v.get("iq") or "", "oq_tests": _join(v.get("oq", ()))})
    trace = [{"requirement": n["id"], "risk": n["risk"], "control": _join(n["controls"]), "test": test, "result": result}
             for n in p["user_needs"] for test, result in n["results"].items()]
    risk = [{**f, "gaps": _join(f["gaps"])} for f in p["risk"]["fmea"]]
    iq = [{**t, "targets": _join(t["targets"]), "steps": " | ".join(t["steps"])} for t in p["iq_protocol"]]
    oq = [{"id": t["id"], "title": t["title"], "applicable": "yes" if t["applicable"] else "no",
           "automated": "yes" if t["automated"] else "no", "controls": _join(t["controls"]),
           "requirements": _join(t["requirements"]), "step": i + 1, "action": s["action"], "expected": s["expected"],
           "acceptance": t["acceptance"]} for t in p["oq_protocol"] for i, s in enumerate(t["steps"])]
    customer = [{**r, "controls": _join(r["controls"]), "documents": _join(r["documents"]),
                 "recorded": (f"{r['recorded']['evidence']} ({r['recorded']['recorded_by']}, {r['recorded']['date']})"
                              if r["recorded"] else "open")} for r in p["customer_responsibilities"]]
    out = {
        "urs.csv": (URS_COLUMNS, urs),
        "specification.csv": (spec_columns(frameworks), spec),
        "traceability.csv": (MATRIX_COLUMNS, matrix),
        "requirements-trace.csv": (TRACE_COLUMNS, trace),
        "risk-assessment.csv": (RISK_COLUMNS, risk),
        "iq-protocol.csv": (IQ_COLUMNS, iq),
        "oq-protocol.csv": (OQ_COLUMNS, oq),
        "deviations.csv": (DEVIATION_COLUMNS, p["deviations"]),
        "exceptions.csv": (EXCEPTION_COLUMNS + ("approved_by", "approved_on"), [
            {**exception_cells(x), "approved_by": (x.get("approval") or {}).get("approved_by", ""),
             "approved_on": (x.get("approval") or {}).get("date", "")} for x in p["exceptions"]]),
        "customer-responsibilities.csv": (CUSTOMER_COLUMNS, customer),
    }
    if p["executed"]:
        out["iq-executed.csv"] = (EXECUTED_COLUMNS, [
            {"id": t["id"], "control": t["control"], "verdict": t["verdict"], **r}
            for t in p["executed"]["tests"] for r in (t["results"] or [{}])])
    if p.get("executed_oq"):
        out["oq-executed.csv"] = (OQ_EXECUTED_COLUMNS, [
            {"id": t["id"], "automated": "yes" if t["automated"] else "no", "verdict": t["verdict"], **s}
            for t in p["executed_oq"]["tests"] for s in (t["steps"] or [{}])])
    return out
