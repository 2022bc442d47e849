"""index.html of the compliance report: per framework every clause with its status, why it has that
status, and how each control (or package document) serves it; the controls with their evidence
level; the accepted design exceptions; the regimes per account. Renders traceability.py's dict;
decides nothing."""

from __future__ import annotations

from html import escape
from pathlib import Path

from .print_css import PRINT_CSS
from .report_records import RECORD_HEADER, RESULT_LABEL, _record_row, _records_by_account
from .statuses import MEANINGS

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1b1b;line-height:1.4}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #c8c8c8;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}
.text,.note,.muted,.why{color:#555;font-size:.9em}
.status{font-weight:600;padding:.05rem .35rem;border-radius:3px}
.status-met{background:#dff3e0}
.status-verified-at-synthesis-qualification-pending{background:#fff3c4}
.status-customer-part-open{background:#e6eefb}
.status-not-met{background:#fbd5d5}
.status-no-resources-in-scope,.status-not-applicable{background:#e8e8e8}
.status-not-yet-covered{background:#fde2c8}
.status-customer-responsibility{background:#dde8f8}
.level-qualified{color:#1a6b2a;font-weight:600}
.level-synthesis{color:#7a5b00;font-weight:600}
.level-none{color:#a40000;font-weight:600}
.risk-medium,.risk-high,.risk-not-assessed{font-weight:600;color:#8a3b00}
.result-not-compliant,.result-check-error{color:#a40000;font-weight:600}
ul.served{margin:0;padding-left:1rem}
section.control{border-top:1px solid #c8c8c8;padding-top:.5rem}
""" + PRINT_CSS


def _e(value) -> str:
    return escape(str(value if value is not None else ""), quote=True)


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() or ch == " " else " " for ch in text.lower()).split())


def clause_anchor(framework_id: str, clause_id: str) -> str:
    return f"clause-{framework_id}-{'_'.join(clause_id.split())}"


def control_anchor(control_id: str) -> str:
    return f"control-{control_id}"


def status_badge(status: str) -> str:
    return f'<span class="status status-{_slug(status)}">{_e(status)}</span>'


def table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    """``rows`` hold already-escaped HTML cells."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _summary(t: dict) -> str:
    s = t["summary"]
    counts = table(
        ("Framework", *t["statuses"]),
        [[f'<a href="#framework-{_e(fw["id"])}">{_e(fw["title"])}</a>',
          *(_e(s["frameworks"][fw["id"]][st]) for st in t["statuses"])] for fw in t["frameworks"]],
    )

    def packs(by: dict) -> str:
        return ", ".join(f"{_e(p)}: {_e(n)}" for p, n in by.items()) or "none"

    evidence = "no executed IQ/OQ record was given: nothing can be met" if not t.get("qualification_records") else (
        "executed, signed IQ/OQ records were given")
    facts = [
        ("Controls", _e(s["controls"])),
        ("Evidence", ", ".join(f"{_e(k)}: {_e(v)}" for k, v in s.get("evidence_levels", {}).items()) + f" ({_e(evidence)})"),
        ("Resources evaluated", _e(s["resources_evaluated"])),
        ("Accepted design exceptions", f"{_e(s.get('exceptions', 0))} ({packs(s.get('exceptions_by_risk', {}))}); "
                                      f"{packs(s['deviations_by_pack'])} acknowledged rule-resource pairs"),
        ("Open findings", packs(s["findings_by_pack"])),
    ]
    if s.get("operational_controls"):
        facts.append(("Operational controls (no clause claimed)", _e(", ".join(s["operational_controls"]))))
    if s.get("unregistered_controls"):
        facts.append(("Evaluations for controls not in the registry", _e(", ".join(s["unregistered_controls"]))))
    legend = "".join(f"<li>{status_badge(st)} {_e(t.get('status_meanings', MEANINGS).get(st, ''))}</li>"
                     for st in t["statuses"])
    return ('<section id="summary"><h2>Summary</h2>' + counts
            + "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"
            + f"<h3>Status meanings</h3><ul>{legend}</ul></section>")


def _served(c: dict) -> str:
    items = [f'<li><a href="#{_e(control_anchor(cid))}">{_e(cid)}</a>: {_e((c.get("rationales") or {}).get(cid))}</li>'
             for cid in c["controls"]]
    if c.get("documents"):
        docs = ", ".join(f"{_e(d['code'])} {_e(d['title'])}" for d in c["documents"])
        items.append(f"<li>Validation package: {docs}. {_e(c.get('documents_rationale'))}</li>")
    return f'<ul class="served">{"".join(items)}</ul>' if items else '<span class="muted">none</span>'


def _framework(fw: dict) -> str:
    rows = []
    for c in fw["clauses"]:
        notes = [f'<div class="why">{_e(c.get("status_reason"))}</div>']
        if c.get("customer_part"):
            notes.append(f'<div class="note">Customer part: {_e(c["customer_part"])}</div>')
        if c.get("exceptions"):
            notes.append('<div class="note">Exceptions: ' + ", ".join(
                f'<a href="#{_e(x)}">{_e(x)}</a>' for x in c["exceptions"]) + "</div>")
        rows.append([
            f'<span id="{_e(clause_anchor(fw["id"], c["id"]))}">{_e(c["id"])}</span>',
            f'<strong>{_e(c["title"])}</strong><div class="text">{_e(c["text"])}</div>',
            f'{_e(c["kind"])}<div class="muted">{_e(c.get("regime", ""))}</div>',
            status_badge(c["status"]) + "".join(notes),
            _served(c),
        ])
    return (f'<section id="framework-{_e(fw["id"])}"><h2>{_e(fw["title"])}</h2>'
            f'<p class="muted">{_e(fw["edition"])} · regime {_e(fw.get("regime", ""))}</p>'
            + table(("Clause", "Requirement", "Kind", "Status", "How it is served"), rows) + "</section>")


def _resource_result(r: dict) -> str:
    if r["deviation_reason"] is not None:
        return f'<span class="result-deviation">exception <a href="#{_e(r.get("exception"))}">{_e(r.get("exception"))}</a></span>'
    label = RESULT_LABEL.get(r["outcome"], r["outcome"])
    return f'<span class="result-{_slug(label)}">{_e(label)}</span>'


def _control(c: dict, t: dict) -> str:
    titles = {fw["id"]: fw["title"] for fw in t["frameworks"]}
    cited = "; ".join(
        f"{_e(titles.get(fw, fw))}: " + ", ".join(f'<a href="#{_e(clause_anchor(fw, cid))}">{_e(cid)}</a>' for cid in ids)
        for fw, ids in c["clauses"].items() if ids
    ) or _e("none: " + c.get("operational", ""))
    n = c["counts"]
    level = c.get("evidence_level", "")
    qualification = c.get("qualification") or {}
    facts = [
        ("Clauses", cited),
        ("Regimes", _e(", ".join(c.get("regimes", ())))),
        ("Applies to", _e(", ".join(c["resource_types"]))),
        ("Checked by", f"<code>{_e(c['rule'])}</code>"),
        ("AWS Config rule after deployment", _e(c["config_rule"] or "none")),
        ("Evidence level", f'<span class="level-{_e(level)}">{_e(level)}</span>'
         + (f' ({_e(qualification.get("detail"))})' if qualification else " (no executed IQ/OQ record given)")),
        ("Result at synthesis", f"{n['compliant']} compliant, {n['deviation']} under an accepted exception, "
                                f"{n['not_met']} not met"),
    ]
    resources = table(
        ("Stack", "Logical ID", "Type", "Result"),
        [[_e(r["stack"]), _e(r["logical_id"]), _e(r["type"]), _resource_result(r)] for r in c["resources"]],
    ) if c["resources"] else '<p class="muted">No resources of these types in the estate.</p>'
    return (f'<section class="control" id="{_e(control_anchor(c["id"]))}"><h3>{_e(c["id"])}: {_e(c["title"])}</h3>'
            f'<p>{_e(c["statement"])}</p><dl>' + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in facts)
            + "</dl>" + resources + "</section>")


def exceptions_table(entries: list[dict], approvals: dict | None = None) -> str:
    from .exceptions import resources_by_stack

    rows = []
    for e in entries:
        approval = (approvals or {}).get(e["id"])
        approved = (f"{_e(approval['approved_by'])}, {_e(approval['date'])}" if approval
                    else '<span class="muted">pending</span>')
        covered = "<br>".join(f"<strong>{_e(stack)}</strong>: {_e(', '.join(ids))}" for stack, ids in resources_by_stack(e))
        rows.append([
            f'<span id="{_e(e["id"])}">{_e(e["id"])}</span>',
            f'<span class="risk-{_slug(e["risk"])}">{_e(e["risk"])}</span><div class="why">{_e(e["risk_rationale"])}</div>',
            _e(e["reason"]),
            "<br>".join(f"{_e(fw)} {_e(', '.join(ids))}" for fw, ids in e["clauses"].items()) or '<span class="muted">-</span>',
            _e(e["compensating"]),
            approved,
            f'{_e(", ".join(e["rules"]))}<div class="muted">{len(e["resources"])} resources</div>{covered}',
        ])
    return table(("ID", "Risk", "Reason", "Clauses", "Compensating control", "Approved (by, date)",
                  "Rules and resources covered"), rows) if rows else "<p>No accepted exceptions.</p>"


def _regimes(t: dict) -> str:
    if not t.get("regimes"):
        return ""
    rows = [[_e(r["account"]), _e(r["id"]), _e(", ".join(r["regimes"])), _e(", ".join(r["packs"]))] for r in t["regimes"]]
    return ('<section id="regimes"><h2>Regimes per account</h2><p>Each framework and control belongs to a regime; '
            "each account lists the regimes that apply to its data. The HIPAA Security pack runs only on stacks of "
            "accounts with hipaa.</p>" + table(("Account", "ID", "Regimes", "Rule packs run"), rows) + "</section>")


def write_html(path: Path, t: dict) -> None:
    findings = table(
        ("Rule", "Pack", "Severity", "Resource path", "Description"),
        [[_e(f[k]) for k in ("rule_id", "pack", "severity", "path", "description")] for f in t["findings"]],
    ) if t["findings"] else "<p>No open findings.</p>"
    records = "".join(
        f"<h3>{_e(role)} ({_e(account_id)}, {_e(jurisdiction)})</h3>"
        + table(RECORD_HEADER, [[_e(cell) for cell in _record_row(r)] for r in rows])
        for (role, account_id, jurisdiction), rows in _records_by_account(t).items()
    ) or "<p>No regulated accounts.</p>"
    nav = " | ".join(
        [f'<a href="#framework-{_e(fw["id"])}">{_e(fw["id"])}</a>' for fw in t["frameworks"]]
        + ['<a href="#regimes">Regimes</a>' if t.get("regimes") else "", '<a href="#records">Records</a>',
           '<a href="#controls">Controls</a>', '<a href="#exceptions">Exceptions</a>', '<a href="#findings">Findings</a>']
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Compliance traceability: {_e(t['estate'])}</title><style>{CSS}</style></head><body>"
        f"<h1>Compliance traceability: {_e(t['estate'])}</h1>"
        f'<p class="muted">Generated at {_e(t["generated_at"])} from {_e(t["estate"])}.</p>'
        f"<nav>{nav}</nav>"
        + _summary(t)
        + "".join(_framework(fw) for fw in t["frameworks"])
        + _regimes(t)
        + f'<section id="records"><h2>Regulated records</h2>{records}</section>'
        + '<section id="controls"><h2>Controls</h2>' + "".join(_control(c, t) for c in t["controls"]) + "</section>"
        + '<section id="exceptions"><h2>Accepted design exceptions</h2><p>One entry per distinct reason; every '
          'acknowledged rule and resource is in deviations.csv.</p>' + exceptions_table(t.get("exceptions", []))
        + "</section>"
        + f'<section id="findings"><h2>Open findings</h2>{findings}</section>'
        + "</body></html>\n"
    )
    path.write_text(page, encoding="utf-8")
