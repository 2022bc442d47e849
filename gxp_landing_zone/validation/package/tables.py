"""The package's tables for spreadsheets: one CSV per document, the same rows the HTML pages show."""

from __future__ import annotations

import csv
from pathlib import Path

from ..report import DEVIATION_COLUMNS
from .builder import requirement_id

URS_COLUMNS = ("id", "control", "title", "requirement", "part11", "annex11", "jp-eres", "synthesis_rule", "iq_test", "oq_tests", "config_rule")
MATRIX_COLUMNS = ("framework", "clause", "clause_title", "kind", "status", "requirement", "control", "rule", "iq_test", "oq_tests")
IQ_COLUMNS = ("id", "requirement", "control", "title", "method", "check", "accounts", "regions", "steps", "expected", "acceptance")
OQ_COLUMNS = ("id", "title", "applicable", "automated", "controls", "requirements", "step", "action", "expected", "acceptance")
OQ_EXECUTED_COLUMNS = ("id", "automated", "verdict", "file", "step", "kind", "action", "resource", "expected", "observed",
                       "outcome", "checked_at", "caller")
EXECUTED_COLUMNS = ("id", "control", "verdict", "file", "resource", "expected", "observed", "passed", "checked_at", "caller")
CUSTOMER_COLUMNS = ("framework", "clause", "title", "kind", "share", "controls", "evidence")


def write_csv(path: Path, columns, rows) -> None:
    # utf-8-sig for Excel, as in the compliance report.
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, fieldnames=columns, restval="", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def csv_rows(p: dict) -> dict[str, tuple]:
    urs = [{"id": r["id"], "control": r["control"], "title": r["title"], "requirement": r["requirement"],
            **{fw: "; ".join(r["clauses"].get(fw, ())) for fw in ("part11", "annex11", "jp-eres")},
            "synthesis_rule": r["verified_by"]["synthesis"], "iq_test": r["verified_by"]["iq"] or "",
            "oq_tests": "; ".join(r["verified_by"]["oq"]), "config_rule": r["config_rule"] or ""}
           for r in p["requirements"]]
    rules = {r["control"]: r["verified_by"] for r in p["requirements"]}
    matrix = []
    for r in p["matrix"]:
        base = {k: r[k] for k in ("framework", "clause", "clause_title", "kind", "status")}
        if not r["controls"]:
            matrix.append(base)
        for cid in r["controls"]:
            v = rules.get(cid, {})
            matrix.append({**base, "requirement": requirement_id(cid), "control": cid,
                           "rule": v.get("synthesis", ""), "iq_test": v.get("iq") or "", "oq_tests": "; ".join(v.get("oq", ()))})
    iq = [{**t, "accounts": "; ".join(t["accounts"]), "regions": "; ".join(t["regions"]),
           "steps": " | ".join(t["steps"])} for t in p["iq_protocol"]]
    oq = [{"id": t["id"], "title": t["title"], "applicable": "yes" if t["applicable"] else "no",
           "automated": "yes" if t["automated"] else "no",
           "controls": "; ".join(t["controls"]), "requirements": "; ".join(t["requirements"]), "step": i + 1,
           "action": s["action"], "expected": s["expected"], "acceptance": t["acceptance"]}
          for t in p["oq_protocol"] for i, s in enumerate(t["steps"])]
    customer = [{**r, "controls": "; ".join(r["controls"])} for r in p["customer_responsibilities"]]
    out = {
        "urs.csv": (URS_COLUMNS, urs),
        "traceability.csv": (MATRIX_COLUMNS, matrix),
        "iq-protocol.csv": (IQ_COLUMNS, iq),
        "oq-protocol.csv": (OQ_COLUMNS, oq),
        "deviations.csv": (DEVIATION_COLUMNS, p["deviations"]),
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


