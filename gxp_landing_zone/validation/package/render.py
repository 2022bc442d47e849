"""Writes the validation package dict as a folder: self-contained HTML pages (one per document,
linked from index.html), CSV for spreadsheets, JSON with its schema, SVG diagrams and the OSCAL
component definition. Nothing here decides a status or a verdict; builder.py does."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from ..report import STATUS_MEANING
from ..report_html import CSS as REPORT_CSS
from .builder import clause_key
from .tables import csv_rows, write_csv
from .schema import SCHEMA, validate

CSS = REPORT_CSS + """
nav{margin-bottom:1rem;font-size:.9em}
.verdict-pass{background:#dff3e0;font-weight:600}
.verdict-fail{background:#fbd5d5;font-weight:600}
.verdict-not-executed{background:#e8e8e8}
.verdict-manual{background:#fff4d6}
.na{color:#777}
td.sig{height:2.2rem;width:25%}
ol.steps li{margin-bottom:.25rem}
svg{max-width:100%;height:auto;border:1px solid #ddd}
"""

DOCUMENTS = (
    # (file stem, title, what it is for)
    ("urs", "User requirements specification", "one requirement per control objective, traced to its clauses"),
    ("traceability", "Traceability matrix", "requirement -> clause -> control -> rule -> IQ/OQ test, one row per clause"),
    ("iq-protocol", "Installation qualification protocol", "steps, expected results and acceptance criteria per deployed-state check"),
    ("oq-protocol", "Operational qualification protocol", "behavioural tests in a validation account"),
    ("iq-executed", "Executed IQ protocol", "the results of an IQ run, with the hash-chain verdict of each record"),
    ("oq-executed", "Executed OQ protocol", "the steps of an OQ run with their outcomes, restorations and the test data kept"),
    ("deviations", "Deviation log", "every accepted exception, with its reason"),
    ("change-control", "Change-control runbook", "propose, review via snapshot and report diff, approve, deploy, re-qualify"),
    ("diagrams", "Architecture and data-flow diagrams", "accounts and stacks; record creation -> signature -> archive -> retention"),
    ("customer-responsibilities", "Customer responsibilities", "procedural clauses and the evidence each needs"),
)


def _e(value) -> str:
    return escape(str(value if value is not None else ""), quote=True)


def _table(header, rows, ids=None) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        attr = f' id="{_e(ids[i])}"' if ids else ""
        body.append(f"<tr{attr}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _status(status: str) -> str:
    return f'<span class="status status-{"-".join(status.split())}">{_e(status)}</span>'


def _links(ids, page: str) -> str:
    return ", ".join(f'<a href="{page}#{_e(i)}">{_e(i)}</a>' for i in ids) or '<span class="na">-</span>'


def _page(p: dict, title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}: {_e(p["estate"])}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head><body>'
        f'<nav><a href="index.html">Validation package index</a></nav>'
        f'<h1>{_e(title)}</h1><p class="muted">{_e(p["estate"])} · generated at {_e(p["generated_at"])} '
        f'from {_e(p["estate"])}</p>{body}</body></html>'
    )


def _approval(document: str) -> str:
    rows = [[_e(role), "", "", ""] for role in ("Prepared by", "Reviewed by (QA)", "Approved by (system owner)")]
    return f'<h2 id="approval">Approval of the {_e(document)}</h2>' + _table(
        ("Role", "Name", "Signature", "Date"), rows).replace("<td></td>", '<td class="sig"></td>')


def _downloads(*names: str) -> str:
    return '<p class="muted">Also as ' + ", ".join(f'<a href="{n}">{n}</a>' for n in names) + ".</p>"


def _clauses(clauses: dict) -> str:
    return "<br>".join(f"{_e(fw)}: {_e(', '.join(ids))}" for fw, ids in clauses.items() if ids)


# -- pages ----------------------------------------------------------------------------------------


def _index(p: dict, written: set[str]) -> str:
    docs = [[f'<a href="{stem}.html">{_e(title)}</a>', _e(what)]
            for stem, title, what in DOCUMENTS if f"{stem}.html" in written]
    views = [[f'<a href="framework-{_e(fw["id"])}.html">{_e(fw["label"])}</a>', _e(fw["title"]),
              ", ".join(f"{_e(s)}: {n}" for s, n in fw["summary"].items() if n)] for fw in p["frameworks"]]
    data = [[f'<a href="{n}">{n}</a>', _e(w)] for n, w in (
        ("validation-package.json", "the whole package for machines"),
        ("validation-package.schema.json", "JSON Schema the package validates against"),
        ("oscal/component-definition.json", "the control registry as an OSCAL component definition"),
        ("architecture.svg", "architecture diagram"),
        ("data-flow.svg", "data-flow diagram"),
    )]
    executed, executed_oq = p["executed"], p.get("executed_oq")
    state = ("IQ executed: " + ", ".join(f"{k} {v}" for k, v in executed["summary"].items())
             if executed else "IQ not executed yet: rebuild with --iq-results after running make iq.")
    state += (" OQ executed: " + ", ".join(f"{k} {v}" for k, v in executed_oq["summary"].items()) + "."
              if executed_oq else " OQ not executed yet: rebuild with --oq-results after running make oq.")
    findings = (f'<p><strong>{len(p["findings"])} open finding(s): synthesis failed; the matrix shows which clauses '
                "are not met.</strong></p>") if p["findings"] else ""
    body = (
        findings +
        f'<p>{len(p["requirements"])} user requirements, {len(p["matrix"])} clauses traced, '
        f'{len(p["iq_protocol"])} IQ tests, {sum(t["applicable"] for t in p["oq_protocol"])} applicable OQ tests '
        f'({sum(t["automated"] for t in p["oq_protocol"])} automated by the OQ runner), '
        f'{len(p["deviations"])} deviations, {len(p["customer_responsibilities"])} clauses with a customer share. {_e(state)}</p>'
        '<h2 id="documents">Documents</h2>' + _table(("Document", "Contents"), docs) +
        '<h2 id="frameworks">Per framework</h2>' + _table(("View", "Regulation", "Clause status"), views) +
        '<h2 id="data">Data files</h2>' + _table(("File", "Contents"), data)
    )
    return _page(p, "Computer-system-validation package", body)


def _urs(p: dict) -> str:
    rows = [[_e(r["id"]), _e(r["title"]), _e(r["requirement"]), _clauses(r["clauses"]),
             f'<a href="traceability.html#matrix-controls">{_e(r["control"])}</a>',
             _links([r["verified_by"]["iq"]] if r["verified_by"]["iq"] else [], "iq-protocol.html"),
             _links(r["verified_by"]["oq"], "oq-protocol.html")] for r in p["requirements"]]
    body = (_downloads("urs.csv") +
            "<p>Each requirement is the objective of one control; the control is checked on every synthesized "
            "template, and where a deployed-state check exists, by the IQ test named.</p>" +
            _table(("ID", "Title", "Requirement", "Clauses", "Control", "IQ", "OQ"), rows,
                   ids=[r["id"] for r in p["requirements"]]) + _approval("user requirements specification"))
    return _page(p, "User requirements specification", body)


def _matrix_rows(p: dict, rows: list[dict]) -> str:
    """One row per clause (its anchor is m-<key>); a clause served by several controls spans one
    sub-row per control, so each requirement -> control -> rule -> test chain reads across."""
    verified = {r["control"]: r for r in p["requirements"]}
    dash = '<span class="na">-</span>'
    head = "".join(f"<th>{h}</th>" for h in ("Framework", "Clause", "Kind", "Status", "Requirement", "Control",
                                               "Rule (module.function)", "IQ", "OQ"))
    body = []
    for r in rows:
        span = max(1, len(r["controls"]))
        status = _status(r["status"]) + (
            f'<br><a href="customer-responsibilities.html#cust-{_e(r["key"])}">customer part</a>'
            if r["kind"] != "technical" else "")
        clause = (f'<td rowspan="{span}">{_e(r["framework"])}</td>'
                  f'<td rowspan="{span}"><strong>{_e(r["clause"])}</strong><br>{_e(r["clause_title"])}</td>'
                  f'<td rowspan="{span}">{_e(r["kind"])}</td><td rowspan="{span}">{status}</td>')
        chains = []
        for cid in r["controls"]:
            v = verified.get(cid)
            if v is None:
                chains.append(f"<td>{dash}</td><td>{_e(cid)}</td>" + f"<td>{dash}</td>" * 3)
                continue
            rule = v["verified_by"]["synthesis"].removeprefix("gxp_landing_zone.validation.")
            chains.append(
                f'<td>{_links([v["id"]], "urs.html")}</td><td>{_e(cid)}</td><td><code>{_e(rule)}</code></td>'
                f'<td>{_links([v["verified_by"]["iq"]] if v["verified_by"]["iq"] else [], "iq-protocol.html")}</td>'
                f'<td>{_links(v["verified_by"]["oq"], "oq-protocol.html")}</td>')
        chains = chains or [f"<td>{dash}</td>" * 5]
        body.append(f'<tr id="m-{_e(r["key"])}" class="clause">{clause}{chains[0]}</tr>')
        body.extend(f"<tr>{c}</tr>" for c in chains[1:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _traceability(p: dict) -> str:
    config_rules = {r["control"]: r["config_rule"] for r in p["requirements"]}
    legend = "".join(f"<li>{_status(s)} {_e(m)}</li>" for s, m in STATUS_MEANING.items())
    body = (_downloads("traceability.csv") + f"<ul>{legend}</ul>" +
            '<h2 id="matrix-clauses">Matrix</h2>' + _matrix_rows(p, p["matrix"]) +
            '<h2 id="matrix-controls">Controls without a deployed-state check</h2>'
            "<p>Proven at synthesis only; the change-control runbook keeps them in force, and where an AWS Config "
            "managed rule exists it monitors the deployed state continuously.</p>" +
            _table(("Control", "AWS Config managed rule"),
                   [[_e(cid), _e(config_rules.get(cid) or "-")] for cid in p["controls_without_deployed_check"]])
            + _approval("traceability matrix"))
    return _page(p, "Traceability matrix", body)


def _iq(p: dict) -> str:
    parts = [_downloads("iq-protocol.csv"),
             "<p>Purpose: show that the deployed accounts are installed as specified. Prerequisite: the estate "
             "deployed from the approved commit; read access to every listed account.</p>"]
    for t in p["iq_protocol"]:
        steps = "".join(f"<li>{_e(s)}</li>" for s in t["steps"])
        parts.append(
            f'<section class="control" id="{_e(t["id"])}"><h2>{_e(t["id"])}: {_e(t["title"])}</h2>'
            f'<p>Requirement <a href="urs.html#{_e(t["requirement"])}">{_e(t["requirement"])}</a> · control '
            f'{_e(t["control"])} · check <code>{_e(t["check"])}</code>'
            + (f' · AWS Config rule {_e(t["config_rule"])}' if t["config_rule"] else "") + "</p>"
            f'<p>Accounts: {_e(", ".join(t["accounts"]))} · regions: {_e(", ".join(t["regions"]))}</p>'
            f'<ol class="steps">{steps}</ol><p><strong>Expected result:</strong> {_e(t["expected"])}</p>'
            f'<p><strong>Acceptance criterion:</strong> {_e(t["acceptance"])}</p></section>')
    parts.append(_approval("IQ protocol"))
    return _page(p, "Installation qualification protocol", "".join(parts))


def _oq(p: dict) -> str:
    parts = [_downloads("oq-protocol.csv"),
             "<p>Tests marked <em>automated</em> are executed step by step by the OQ runner "
             "(<code>make oq</code>: python -m gxp_landing_zone.validation.oq) in a regulated validation account, "
             "which records each step in a hash-chained record and puts back anything a step changed; the others "
             "are executed by hand with this form. The runner's test object versions stay under COMPLIANCE Object "
             "Lock until their retain-until date, tagged gxp:test-data=true and listed in the record as test data.</p>"]
    for t in p["oq_protocol"]:
        rows = [[str(i + 1), _e(s["action"]), _e(s["expected"]), "", ""] for i, s in enumerate(t["steps"])]
        state = "" if t["applicable"] else f'<p class="na">Not applicable: {_e(t["not_applicable_reason"])}.</p>'
        how = ("Automated by the OQ runner" if t["automated"] else "Manual: executed by hand")
        parts.append(
            f'<section class="control" id="{_e(t["id"])}"><h2>{_e(t["id"])}: {_e(t["title"])}</h2>{state}'
            f'<p><strong>{_e(how)}</strong></p>'
            f'<p>Requirements: {_links(t["requirements"], "urs.html")} · controls: {_e(", ".join(t["controls"]) or "-")}</p>'
            f'<p><strong>Preconditions:</strong> {_e(t["preconditions"])}</p>'
            + _table(("Step", "Action", "Expected result", "Observed result", "Pass/fail, initials, date"), rows)
            + f'<p><strong>Acceptance criterion:</strong> {_e(t["acceptance"])}</p></section>')
    parts.append(_approval("OQ protocol"))
    return _page(p, "Operational qualification protocol", "".join(parts))


def _executed(p: dict) -> str:
    x = p["executed"]
    files = _table(("Record", "Entries", "Hash chain"),
                   [[_e(f["file"]), _e(f["entries"]), _e(f["chain"])] for f in x["files"]])
    parts = [_downloads("iq-executed.csv"), "<h2 id=\"records\">Records read</h2>", files,
             "<p>Summary: " + _e(", ".join(f"{k} {v}" for k, v in x["summary"].items())) + "</p>"]
    if x["unmatched_controls"]:
        parts.append(f"<p>Results for controls without an IQ test here: {_e(', '.join(x['unmatched_controls']))}</p>")
    for t in x["tests"]:
        rows = [[_e(r["resource"]), _e(r["expected"]), f"<code>{_e(r['observed'])}</code>",
                 "pass" if r["passed"] else "<strong>fail</strong>", _e(r["checked_at"]), _e(r["caller"])]
                for r in t["results"]]
        parts.append(
            f'<section class="control" id="exec-{_e(t["id"])}"><h2><a href="iq-protocol.html#{_e(t["id"])}">{_e(t["id"])}</a> '
            f'<span class="verdict-{"-".join(t["verdict"].split())}">{_e(t["verdict"])}</span></h2>'
            + (_table(("Resource", "Expected", "Observed", "Result", "Checked at", "Caller"), rows) if rows else "")
            + "</section>")
    parts.append(_approval("executed IQ protocol"))
    return _page(p, "Executed IQ protocol", "".join(parts))


def _oq_executed(p: dict) -> str:
    x = p["executed_oq"]
    files = _table(("Record", "Entries", "Hash chain"),
                   [[_e(f["file"]), _e(f["entries"]), _e(f["chain"])] for f in x["files"]])
    parts = [_downloads("oq-executed.csv"), '<h2 id="records">Records read</h2>', files,
             "<p>Summary: " + _e(", ".join(f"{k} {v}" for k, v in x["summary"].items())) + "</p>"]
    if x["unmatched_tests"]:
        parts.append(f"<p>Results for tests not in this protocol: {_e(', '.join(x['unmatched_tests']))}</p>")
    for t in x["tests"]:
        rows = [[_e(s["step"]), _e(s["kind"]), _e(s["action"]), _e(s["resource"]), _e(s["expected"]),
                 f"<code>{_e(s['observed'])}</code>",
                 f'<span class="verdict-{"-".join(s["outcome"].split())}">{_e(s["outcome"])}</span>',
                 _e(s["checked_at"]), _e(s["caller"])] for s in t["steps"]]
        how = "automated" if t["automated"] else "manual"
        parts.append(
            f'<section class="control" id="exec-{_e(t["id"])}"><h2><a href="oq-protocol.html#{_e(t["id"])}">{_e(t["id"])}</a> '
            f'<span class="verdict-{"-".join(t["verdict"].split())}">{_e(t["verdict"])}</span> '
            f'<span class="muted">({how})</span></h2>'
            + (_table(("Step", "Kind", "Action", "Resource", "Expected", "Observed", "Outcome", "Time", "Caller"), rows)
               if rows else "")
            + "</section>")
    parts.append('<h2 id="test-data">Test data kept</h2><p>Locked test versions cannot be deleted before their '
                 "retain-until date (that is what OQ-REC-01 proves) and signatures stay in the append-only ledger; "
                 "they are labelled test data, never GxP records.</p>"
                 + _table(("Test", "Resource", "Details"), [
                     [_e(t["id"]), _e(s["resource"]), f"<code>{_e(s['observed'])}</code>"]
                     for t in x["tests"] for s in t["steps"] if s["kind"] == "test data"]))
    parts.append(_approval("executed OQ protocol"))
    return _page(p, "Executed OQ protocol", "".join(parts))


def _deviations(p: dict) -> str:
    rows = [[_e(d["rule_id"]), _e(d["pack"]), _e(d["stack"]), _e(d["logical_id"]), _e(d["resource_type"]),
             _e(d["reason"])] for d in p["deviations"]]
    body = (_downloads("deviations.csv") +
            "<p>Every exception accepted at synthesis, of any rule pack, with the reason recorded in the code "
            "beside the resource. A new entry is reviewed under change control.</p>" +
            _table(("Rule", "Pack", "Stack", "Logical ID", "Type", "Reason"), rows) + _approval("deviation log"))
    return _page(p, "Deviation log", body)


def _change_control(p: dict) -> str:
    rows = [[_e(s["step"]), f"<strong>{_e(s['name'])}</strong>", _e(s["who"]), _e(s["how"]), _e(s["record"])]
            for s in p["change_control"]]
    body = ("<p>Applies to any change of the regulated boundary: the config, a stack, a construct, a control or "
            "an acknowledgement.</p>" + _table(("Step", "Stage", "Who", "How", "Record kept"), rows,
                                               ids=[f"step-{s['step']}" for s in p["change_control"]]))
    return _page(p, "Change-control runbook", body)


def _diagrams(p: dict, architecture: str, flow: str) -> str:
    body = ('<h2 id="architecture">Architecture</h2><p><a href="architecture.svg">architecture.svg</a></p>' + architecture +
            '<h2 id="data-flow">Data flow: record creation -> signature -> archive -> retention</h2>'
            '<p><a href="data-flow.svg">data-flow.svg</a></p>' + flow)
    return _page(p, "Architecture and data-flow diagrams", body)


def _customer(p: dict) -> str:
    rows = [[_e(r["framework"]), f"<strong>{_e(r['clause'])}</strong> {_e(r['title'])}", _e(r["kind"]), _e(r["share"]),
             _e(", ".join(r["controls"])) or '<span class="na">-</span>', _e(r["evidence"])]
            for r in p["customer_responsibilities"]]
    body = (_downloads("customer-responsibilities.csv") +
            "<p>The landing zone cannot meet these clauses (procedural) or meets only their technical part "
            "(shared). The regulated company keeps the evidence listed.</p>" +
            _table(("Framework", "Clause", "Kind", "Customer's share", "Controls (platform part)", "Evidence needed"),
                   rows, ids=["cust-" + clause_key(r["framework"], r["clause"]) for r in p["customer_responsibilities"]]))
    return _page(p, "Customer responsibilities", body)


def _framework(p: dict, fw: dict) -> str:
    rows = [r for r in p["matrix"] if r["framework"] == fw["id"]]
    summary = _table(("Status", "Clauses"), [[_status(s), _e(n)] for s, n in fw["summary"].items()])
    body = (f'<p>{_e(fw["title"])} · {_e(fw["edition"])}</p>' + summary +
            f'<p>Full rows in the <a href="traceability.html#matrix-clauses">traceability matrix</a>.</p>' +
            _matrix_rows(p, rows))
    return _page(p, f"{fw['label']} view", body)


def write_package(p: dict, out: Path, *, architecture: str, data_flow: str, oscal_writer=None) -> list[Path]:
    problems = validate(p)
    if problems:
        # The schema is the contract with whoever reads the JSON; never ship a package that breaks it.
        raise ValueError("validation package does not match its schema: " + "; ".join(problems[:10]))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    pages = {
        "urs.html": _urs(p),
        "traceability.html": _traceability(p),
        "iq-protocol.html": _iq(p),
        "oq-protocol.html": _oq(p),
        "deviations.html": _deviations(p),
        "change-control.html": _change_control(p),
        "diagrams.html": _diagrams(p, architecture, data_flow),
        "customer-responsibilities.html": _customer(p),
        **{f"framework-{fw['id']}.html": _framework(p, fw) for fw in p["frameworks"]},
    }
    if p["executed"]:
        pages["iq-executed.html"] = _executed(p)
    else:
        # A stale executed protocol from an earlier build must not sit beside a package without results.
        for stale in ("iq-executed.html", "iq-executed.csv"):
            (out / stale).unlink(missing_ok=True)
    if p.get("executed_oq"):
        pages["oq-executed.html"] = _oq_executed(p)
    else:
        for stale in ("oq-executed.html", "oq-executed.csv"):
            (out / stale).unlink(missing_ok=True)
    pages["index.html"] = _index(p, set(pages))
    written = []
    for name, html in pages.items():
        (out / name).write_text(html, encoding="utf-8")
        written.append(out / name)
    for name, (columns, rows) in csv_rows(p).items():
        write_csv(out / name, columns, rows)
        written.append(out / name)
    for name, text in (("architecture.svg", architecture), ("data-flow.svg", data_flow)):
        (out / name).write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n", encoding="utf-8")
        written.append(out / name)
    for name, data in (("validation-package.json", p), ("validation-package.schema.json", SCHEMA)):
        (out / name).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(out / name)
    if oscal_writer is not None:
        written.append(oscal_writer(out / "oscal" / "component-definition.json"))
    return written
