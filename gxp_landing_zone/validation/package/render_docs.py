"""The planning and specification documents: validation plan, risk assessment, URS, specification,
traceability matrix (and a view per framework), validation summary report, customer responsibilities and
the index with the document register."""

from __future__ import annotations

from ..documents import DOCUMENTS
from ..statuses import MEANINGS
from .builder import clause_key
from .render_base import downloads, e, links, page, status_badge, table, verdict

DOC_PAGES = {d.code: f"{d.stem}.html" for d in DOCUMENTS}
# The executed protocols exist only when sealed records were given.
EXECUTED_ONLY = {"IQR": "executed", "OQR": "executed_oq"}


def doc_link(p: dict, code: str, text: str) -> str:
    """A link to a package document, or its name marked "not yet executed" when the package has no such page."""
    if code in EXECUTED_ONLY and not p.get(EXECUTED_ONLY[code]):
        return f'{e(text)} <span class="muted">(not yet executed)</span>'
    return f'<a href="{DOC_PAGES.get(code, "index.html")}">{e(text)}</a>'


def index(p: dict, written: set[str]) -> str:
    docs = p["documents"]
    register = [[f'<a href="{d["stem"]}.html">{e(d["id"])}</a>', e(d["title"]), e(d["version"]), e(d["status"]),
                 e(d["purpose"]) + (f'<div class="muted">protocol SHA-256 <code>{e(d["protocol_sha256"])}</code></div>'
                                    if d.get("protocol_sha256") else "")]
                for d in docs.values() if f"{d['stem']}.html" in written]
    views = [[f'<a href="framework-{e(fw["id"])}.html">{e(fw["label"])}</a>', e(fw["title"]),
              ", ".join(f"{e(s)}: {n}" for s, n in fw["summary"].items() if n)] for fw in p["frameworks"]]
    data = [[f'<a href="{n}">{n}</a>', e(w)] for n, w in (
        ("validation-package.json", "the whole package for machines"),
        ("validation-package.schema.json", "JSON Schema the package validates against"),
        *((f"oscal/catalogs/{fw['id']}.json", f"{fw['title']} as an OSCAL catalog") for fw in p["frameworks"]),
        ("oscal/profile.json", "an OSCAL profile importing every catalog"),
        ("oscal/component-definition.json", "the controls as an OSCAL component definition, pointing at the catalogs"),
        ("oscal/assessment-plan.json", "the IQ and OQ protocols as an OSCAL assessment plan"),
        ("oscal/assessment-results.json", "executed IQ/OQ as OSCAL assessment results (when records were given)"),
        ("record-key.pem", "the public key the IQ/OQ records were verified with (when records were given)"),
    ) if n in written]
    findings = (f'<p><strong>{len(p["findings"])} open finding(s): synthesis failed; the matrix shows which clauses '
                "are not met.</strong></p>") if p["findings"] else ""
    s = p["summary_report"]
    body = (findings + f'<p><strong>{e("Released" if s["released"] else "Not released")}</strong>: {e(s["conclusion"])} '
            f'See the <a href="validation-summary.html">validation summary report</a>.</p>'
            f'<p>{len(p["user_needs"])} user requirements, {len(p["requirements"])} specified controls, '
            f'{len(p["matrix"])} clauses traced, {len(p["iq_protocol"])} IQ tests, '
            f'{sum(t["applicable"] for t in p["oq_protocol"])} applicable OQ tests '
            f'({sum(t["automated"] for t in p["oq_protocol"])} automated), {len(p["pq_protocol"])} PQ tests, '
            f'{len(p["uat_scripts"])} UAT scripts, {len(p["exceptions"])} accepted design exceptions.</p>'
            '<h2 id="documents">Document register</h2>' + table(("ID", "Title", "Version", "Status", "Contents"), register)
            + '<h2 id="frameworks">Per framework</h2>' + table(("View", "Regulation", "Clause status"), views)
            + '<h2 id="data">Data files</h2>' + table(("File", "Contents"), data))
    return page(p, None, "Computer-system-validation package", body)


def plan(p: dict) -> str:
    doc = p["documents"]["VP"]
    accounts = [[e(r["account"]), e(r["id"]), e(", ".join(r["regimes"])), e(", ".join(r["packs"]))] for r in p["regimes"]]
    deliverables = [[doc_link(p, code, d["id"]), e(d["title"]), e(d["purpose"])]
                    for code, d in p["documents"].items() if code != "VP"]
    roles = [["System owner", "Approves the plan, the summary report and each exception; owns the platform's use."],
             ["QA", "Reviews and approves every document; executes or witnesses IQ/OQ/PQ; seals the records "
                    "(qualification-records key); records the customer's part of shared clauses."],
             ["Platform engineering", "Deploys from the approved commit; runs IQ/OQ with QA; raises deviations."],
             ["Process owners", "Define the user requirements; execute UAT."]]
    body = (
        '<h2 id="scope">Scope</h2><p>The multi-account AWS estate generated from the config (accounts and regions below), '
        "qualified as GxP infrastructure; the applications that run on it are validated by the customer.</p>"
        + table(("Account", "ID", "Regimes", "Rule packs"), accounts)
        + '<h2 id="approach">Approach</h2><p>Risk-based per GAMP 5 (Second Edition): each component has a software '
          'category and each user requirement an FMEA (<a href="risk-assessment.html">risk assessment</a>); test depth '
          "follows from risk. User requirements trace to the controls that implement them; every control is judged on "
          "the synthesized templates before deployment (controls engine) and on the deployed account by IQ; behaviour "
          "that templates cannot prove is exercised by OQ in a validation account; performance under expected load by "
          "PQ; QA users accept the platform with the UAT scripts.</p>"
        + '<h2 id="roles">Responsibilities</h2>' + table(("Role", "Responsibility"), [[e(a), e(b)] for a, b in roles])
        + '<h2 id="deliverables">Deliverables</h2>' + table(("ID", "Document", "Contents"), deliverables)
        + '<h2 id="acceptance">Acceptance criteria</h2><ul><li>Every IQ test passes in a sealed record for every target '
          "it lists; every record executed the approved protocol (its SHA-256).</li><li>Every applicable OQ test passes; "
          "manual steps are executed on the form and signed.</li><li>PQ and UAT acceptance criteria met, forms signed."
          "</li><li>Every accepted design exception approved; no qualification deviation open.</li></ul>"
        + '<h2 id="deviations">Deviations during qualification</h2><p>Any observed result that differs from the '
          'expected one is raised on the <a href="deviation-form.html">qualification deviation form</a>, assessed for '
          "impact, corrected, and closed before the summary report is approved.</p>"
        + '<h2 id="change">Change control</h2><p>Changes follow the <a href="change-control.html">change-control '
          "runbook</a>: a changed protocol gets a new SHA-256, and records executed against an earlier protocol are "
          "refused by the package build.</p>"
        + '<h2 id="periodic-review">Periodic review (Annex 11 §11)</h2><p>At least yearly and after each significant '
          "change: re-run IQ in every target, rebuild this package, compare the compliance report with the approved "
          "one (clause statuses, exceptions, findings), review incidents (alerts), deviations and open exceptions, and "
          "record the evaluation and its conclusion.</p>"
    )
    return page(p, doc, doc["title"], body)


def risk(p: dict) -> str:
    doc = p["documents"]["RA"]
    comps = [[e(c["name"]), f"<strong>{c['category']}</strong>", e(c["why"]), e(c["verified_by"]),
              e(", ".join(c["stacks"]) or "all")] for c in p["risk"]["components"]]
    rows = [[f'<a href="urs.html#{e(f["requirement"])}">{e(f["requirement"])}</a>', e(f["failure"]), e(f["severity"]),
             e(f["occurrence"]), e(f["detectability"]), f"<strong>{e(f['priority'])}</strong>", e(f["risk"]),
             e(f["depth"]) + (f'<div class="open">{e("; ".join(f["gaps"]))}</div>' if f["gaps"] else "")]
            for f in p["risk"]["fmea"]]
    body = (downloads("risk-assessment.csv")
            + '<h2 id="gamp">GAMP 5 category per component</h2>'
            + table(("Component", "Category", "Why", "Verified by", "Stacks"), comps)
            + '<h2 id="fmea">FMEA per user requirement</h2><p>Severity, occurrence and detectability from 1 to 5 '
              "(5: worst, or hardest to detect); priority is their product. High: severity 5 with occurrence 2 or more, "
              "or priority 40 or more; medium: priority 16 or more; otherwise low.</p>"
            + table(("Requirement", "Failure mode", "S", "O", "D", "Priority", "Risk", "Test depth"), rows))
    return page(p, doc, doc["title"], body)


def urs(p: dict) -> str:
    doc = p["documents"]["URS"]
    rows = []
    for n in p["user_needs"]:
        tests = n["tests"]
        rows.append([f'<span id="{e(n["id"])}">{e(n["id"])}</span>', e(n["user"]), e(n["need"]), e(n["risk"]),
                     links(n["requirements"], "specification.html"),
                     "<br>".join(filter(None, [links(tests["iq"], "iq-protocol.html") if tests["iq"] else "",
                                               links(tests["oq"], "oq-protocol.html") if tests["oq"] else "",
                                               links(tests["pq"], "pq-protocol.html") if tests["pq"] else "",
                                               links(tests["uat"], "uat-scripts.html") if tests["uat"] else ""]))])
    body = (downloads("urs.csv") + "<p>What the platform's users need, each traced to the controls that implement it "
            "(the specification) and to the tests that verify it; results are in the traceability matrix.</p>"
            + table(("ID", "User", "Requirement", "Risk", "Implemented by", "Verified by"), rows))
    return page(p, doc, doc["title"], body)


def specification(p: dict) -> str:
    doc = p["documents"]["FS"]
    rows = [[f'<span id="{e(r["id"])}">{e(r["id"])}</span>', e(r["control"]), e(r["title"]), e(r["requirement"]),
             links(r["user_needs"], "urs.html"),
             "<br>".join(f"{e(fw)}: {e(', '.join(ids))}" for fw, ids in r["clauses"].items()) or e("none: " + r["operational"]),
             f"<code>{e(r['verified_by']['synthesis'].removeprefix('gxp_landing_zone.'))}</code>",
             links([r["verified_by"]["iq"]] if r["verified_by"]["iq"] else [], "iq-protocol.html"), e(r["evidence_level"])]
            for r in p["requirements"]]
    body = (downloads("specification.csv") + "<p>One specification per control: what it requires of the templates and "
            "of the deployed account (the same check), which user requirements it serves and which clauses.</p>"
            + table(("ID", "Control", "Title", "Specification", "User requirements", "Clauses", "Check", "IQ",
                     "Evidence"), rows))
    return page(p, doc, doc["title"], body)


def matrix_rows(p: dict, rows: list[dict]) -> str:
    """One row per clause (anchor m-<key>): its status and why, and how each control or document serves it."""
    verified = {r["control"]: r for r in p["requirements"]}
    qualification = {t["control"]: t["verdict"] for t in (p.get("executed") or {}).get("tests", ())}
    body = []
    for r in rows:
        served = []
        for cid in r["controls"]:
            v = verified.get(cid, {})
            iq = (v.get("verified_by") or {}).get("iq")
            served.append(f'{links([v.get("id", cid)], "specification.html")} {e(cid)}: {e(r["rationales"].get(cid))} '
                          f'<span class="muted">[{links([iq] if iq else [], "iq-protocol.html")}'
                          f'{" " + verdict(qualification[cid]) if cid in qualification else ""}]</span>')
        served += [f'{doc_link(p, code, code)} (package document)' for code in r["documents"]]
        status = status_badge(r["status"]) + f'<div class="why">{e(r["status_reason"])}</div>'
        if r["kind"] != "technical":
            status += f'<a href="customer-responsibilities.html#cust-{e(r["key"])}">customer part</a>'
        body.append(f'<tr id="m-{e(r["key"])}"><td>{e(r["framework"])}</td><td><strong>{e(r["clause"])}</strong><br>'
                    f'{e(r["clause_title"])}</td><td>{e(r["kind"])}</td><td>{status}</td>'
                    f'<td>{"<br>".join(served) or chr(8212)}</td><td>{links(r["oq_tests"], "oq-protocol.html")}</td></tr>')
    head = "".join(f"<th>{h}</th>" for h in ("Framework", "Clause", "Kind", "Status", "Served by (how; IQ result)", "OQ"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def traceability(p: dict) -> str:
    doc = p["documents"]["TM"]
    legend = "".join(f"<li>{status_badge(s)} {e(m)}</li>" for s, m in MEANINGS.items())
    needs = [[links([n["id"]], "urs.html"), e(n["risk"]), links(n["requirements"], "specification.html"),
              "<br>".join(f"{e(t)}: {verdict(v)}" for t, v in n["results"].items())] for n in p["user_needs"]]
    body = (downloads("traceability.csv", "requirements-trace.csv") + f"<ul>{legend}</ul>"
            + '<h2 id="matrix-clauses">Clause to control to test</h2>' + matrix_rows(p, p["matrix"])
            + '<h2 id="matrix-requirements">User requirement to control to test to result</h2>'
            + table(("Requirement", "Risk", "Controls", "Tests and results"), needs)
            + '<h2 id="matrix-controls">Controls without a deployed-state check</h2>'
            + (table(("Control",), [[e(c)] for c in p["controls_without_deployed_check"]])
               if p["controls_without_deployed_check"] else "<p>None: every control has its IQ test.</p>"))
    return page(p, doc, doc["title"], body)


def framework_view(p: dict, fw: dict) -> str:
    rows = [r for r in p["matrix"] if r["framework"] == fw["id"]]
    summary = table(("Status", "Clauses"), [[status_badge(s), e(n)] for s, n in fw["summary"].items()])
    body = (f'<p>{e(fw["title"])} · {e(fw["edition"])} · regime {e(fw["regime"])}</p>' + summary
            + '<p>A view of the <a href="traceability.html#matrix-clauses">traceability matrix</a>.</p>'
            + matrix_rows(p, rows))
    return page(p, p["documents"]["TM"], f"{fw['label']} view", body, controlled=False)


def summary(p: dict) -> str:
    doc = p["documents"]["VSR"]
    s = p["summary_report"]
    x, xo = p.get("executed"), p.get("executed_oq")
    results = [
        ["IQ", e(", ".join(f"{k} {v}" for k, v in x["summary"].items()) if x else "not executed"),
         '<a href="iq-executed.html">IQR</a>' if x else ""],
        ["OQ", e(", ".join(f"{k} {v}" for k, v in xo["summary"].items()) if xo else "not executed"),
         '<a href="oq-executed.html">OQR</a>' if xo else ""],
        ["PQ", e(f"{len(p['pq_protocol'])} tests, executed on their forms"), '<a href="pq-protocol.html">PQP</a>'],
        ["UAT", e(f"{len(p['uat_scripts'])} scripts, executed on their forms"), '<a href="uat-scripts.html">UAT</a>'],
    ]
    clauses = [[e(fw["label"]), ", ".join(f"{e(k)}: {v}" for k, v in fw["summary"].items() if v)] for fw in p["frameworks"]]
    body = ('<h2 id="results">Results</h2>' + table(("Qualification", "Result", "Record"), results)
            + '<h2 id="clauses">Clause statuses</h2>' + table(("Framework", "Statuses"), clauses)
            + '<h2 id="open">Open items</h2><ol>' + "".join(f"<li>{e(i)}</li>" for i in s["open_items"]) + "</ol>"
            + f'<h2 id="conclusion">Conclusion</h2><p><strong>{e(s["conclusion"])}</strong></p>')
    return page(p, doc, doc["title"], body)


def customer(p: dict) -> str:
    doc = p["documents"]["CUS"]
    rows = [[e(r["framework"]), f"<strong>{e(r['clause'])}</strong> {e(r['title'])}", e(r["kind"]), e(r["share"]),
             e(", ".join(r["controls"] + r["documents"])) or '<span class="na">-</span>', e(r["evidence"]),
             e(f"{r['recorded']['evidence']} ({r['recorded']['recorded_by']}, {r['recorded']['date']})")
             if r["recorded"] else '<span class="open">open</span>']
            for r in p["customer_responsibilities"]]
    body = (downloads("customer-responsibilities.csv") +
            "<p>The landing zone cannot meet these clauses (procedural) or meets only their technical part (shared). "
            "The regulated company keeps the evidence listed; QA records it with --qa-records.</p>" +
            table(("Framework", "Clause", "Kind", "Customer's share", "Platform part", "Evidence needed", "Recorded"), rows,
                  ids=["cust-" + clause_key(r["framework"], r["clause"]) for r in p["customer_responsibilities"]]))
    return page(p, doc, doc["title"], body)
