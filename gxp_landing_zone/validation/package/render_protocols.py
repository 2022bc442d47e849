"""The protocols (IQ, OQ, PQ, UAT), each frozen by its SHA-256 in its header, and the executed IQ and OQ
protocols, separate documents that cite the hash of the protocol every record executed."""

from __future__ import annotations

from .render_base import downloads, e, links, page, table, verdict


def _form(steps: list[dict]) -> str:
    rows = [[str(i + 1), e(s["action"]), e(s["expected"]), "", ""] for i, s in enumerate(steps)]
    return table(("Step", "Action", "Expected result", "Observed result", "Pass/fail, initials, date"), rows)


def iq(p: dict) -> str:
    doc = p["documents"]["IQP"]
    parts = [downloads("iq-protocol.csv"),
             "<p>Purpose: show that the deployed accounts are installed as specified. Prerequisite: the estate deployed "
             "from the approved commit; a qualification signer's role to seal the records. Run the IQ with "
             f"<code>--protocol-sha256 {e(doc['protocol_sha256'])}</code>: the runner refuses to execute any other "
             "protocol.</p>"]
    for t in p["iq_protocol"]:
        steps = "".join(f"<li>{e(s)}</li>" for s in t["steps"])
        parts.append(
            f'<section class="control" id="{e(t["id"])}"><h2>{e(t["id"])}: {e(t["title"])}</h2>'
            f'<p>Specification <a href="specification.html#{e(t["requirement"])}">{e(t["requirement"])}</a> · control '
            f'{e(t["control"])} · check <code>{e(t["check"])}</code>'
            + (f' · AWS Config rule {e(t["config_rule"])}' if t["config_rule"] else "") + "</p>"
            f'<p>Targets: {e(", ".join(t["targets"]) or "none in this estate")}</p>'
            f'<ol class="steps">{steps}</ol><p><strong>Expected result:</strong> {e(t["expected"])}</p>'
            f'<p><strong>Acceptance criterion:</strong> {e(t["acceptance"])}</p></section>')
    return page(p, doc, doc["title"], "".join(parts))


def oq(p: dict) -> str:
    doc = p["documents"]["OQP"]
    parts = [downloads("oq-protocol.csv"),
             "<p>Tests marked <em>automated</em> are executed step by step by the OQ runner (<code>make oq</code>) in a "
             "regulated validation account, which records each step in a sealed record and puts back anything a step "
             "changed; the others, and the manual steps of automated tests, are executed on this form. Test object "
             "versions stay under COMPLIANCE Object Lock until their retain-until date, labelled as test data.</p>"]
    for t in p["oq_protocol"]:
        state = "" if t["applicable"] else f'<p class="na">Not applicable: {e(t["not_applicable_reason"])}.</p>'
        how = "Automated by the OQ runner" if t["automated"] else "Manual: executed by hand"
        parts.append(
            f'<section class="control" id="{e(t["id"])}"><h2>{e(t["id"])}: {e(t["title"])}</h2>{state}'
            f'<p><strong>{e(how)}</strong></p>'
            f'<p>Specifications: {links(t["requirements"], "specification.html")} · controls: '
            f'{e(", ".join(t["controls"]) or "-")}</p><p><strong>Preconditions:</strong> {e(t["preconditions"])}</p>'
            + _form(t["steps"]) + f'<p><strong>Acceptance criterion:</strong> {e(t["acceptance"])}</p></section>')
    return page(p, doc, doc["title"], "".join(parts))


def pq(p: dict) -> str:
    doc = p["documents"]["PQP"]
    parts = ["<p>Performance under the load the platform is expected to carry, in a validation account deployed from "
             "the approved commit. Executed on this form; attach the measurements.</p>"]
    for t in p["pq_protocol"]:
        parts.append(
            f'<section class="control" id="{e(t["id"])}"><h2>{e(t["id"])}: {e(t["title"])}</h2>'
            f'<p>User requirements: {links(t["requirements"], "urs.html")}</p><p><strong>Load:</strong> {e(t["load"])}</p>'
            f'<p><strong>Preconditions:</strong> {e(t["preconditions"])}</p>'
            + _form(t["steps"])
            + f'<p><strong>Acceptance criterion:</strong> {e(t["acceptance"])}</p></section>')
    return page(p, doc, doc["title"], "".join(parts))


def uat(p: dict) -> str:
    doc = p["documents"]["UAT"]
    parts = ["<p>Scripts QA users execute on the validation account; each signed script is filed with the summary "
             "report.</p>"]
    for u in p["uat_scripts"]:
        parts.append(f'<section class="control" id="{e(u["id"])}"><h2>{e(u["id"])}: {e(u["title"])}</h2>'
                     f'<p>Executed by: {e(u["user"])} · user requirements: {links(u["requirements"], "urs.html")}</p>'
                     + _form(u["steps"]) + "</section>")
    return page(p, doc, doc["title"], "".join(parts))


def _records(x: dict, protocol: str) -> str:
    rows = [[e(f["file"]), e(f"{f['account_role']} {f['region']}"), e(f["entries"]), e(f["seal"]),
             f"<code>{e(f['protocol_sha256'])}</code>" + ("" if f["protocol_sha256"] == protocol else
                                                         ' <span class="open">not this protocol</span>')]
            for f in x["files"]]
    return '<h2 id="records">Records read</h2>' + table(("Record", "Target", "Entries", "Seal", "Protocol SHA-256"), rows)


def executed_iq(p: dict) -> str:
    doc, protocol = p["documents"]["IQR"], p["protocol_hashes"]["IQP"]
    x = p["executed"]
    parts = [downloads("iq-executed.csv"), f"<p>Executed against IQ protocol SHA-256 <code>{e(protocol)}</code>.</p>",
             _records(x, protocol), "<p>Summary: " + e(", ".join(f"{k} {v}" for k, v in x["summary"].items())) + "</p>"]
    if x["unmatched_controls"]:
        parts.append(f"<p>Results for controls without an IQ test here: {e(', '.join(x['unmatched_controls']))}</p>")
    for t in x["tests"]:
        rows = [[e(r["target"]), e(r["resource"]), e(r["expected"]), f"<code>{e(r['observed'])}</code>",
                 "pass" if r["passed"] else "<strong>fail</strong>", e(r["checked_at"]), e(r["caller"])]
                for r in t["results"]]
        missing = f'<p class="open">No record for: {e(", ".join(t["missing_targets"]))}</p>' if t["missing_targets"] else ""
        parts.append(
            f'<section class="control" id="exec-{e(t["id"])}"><h2><a href="iq-protocol.html#{e(t["id"])}">{e(t["id"])}</a> '
            f'{verdict(t["verdict"])}</h2>{missing}'
            + (table(("Target", "Resource", "Expected", "Observed", "Result", "Checked at", "Caller"), rows) if rows else "")
            + "</section>")
    return page(p, doc, doc["title"], "".join(parts))


def executed_oq(p: dict) -> str:
    doc, protocol = p["documents"]["OQR"], p["protocol_hashes"]["OQP"]
    x = p["executed_oq"]
    parts = [downloads("oq-executed.csv"), f"<p>Executed against OQ protocol SHA-256 <code>{e(protocol)}</code>.</p>",
             _records(x, protocol), "<p>Summary: " + e(", ".join(f"{k} {v}" for k, v in x["summary"].items())) + "</p>"]
    if x["unmatched_tests"]:
        parts.append(f"<p>Results for tests not in this protocol: {e(', '.join(x['unmatched_tests']))}</p>")
    for t in x["tests"]:
        rows = [[e(s["step"]), e(s["kind"]), e(s["action"]), e(s["resource"]), e(s["expected"]),
                 f"<code>{e(s['observed'])}</code>", verdict(s["outcome"]), e(s["checked_at"])] for s in t["steps"]]
        how = "automated" if t["automated"] else "manual"
        parts.append(
            f'<section class="control" id="exec-{e(t["id"])}"><h2><a href="oq-protocol.html#{e(t["id"])}">{e(t["id"])}</a> '
            f'{verdict(t["verdict"])} <span class="muted">({how})</span></h2>'
            + (table(("Step", "Kind", "Action", "Resource", "Expected", "Observed", "Outcome", "Time"), rows) if rows else "")
            + "</section>")
    parts.append('<h2 id="test-data">Test data kept</h2><p>Locked test versions cannot be deleted before their '
                 "retain-until date (that is what OQ-REC-01 proves) and signatures stay in the append-only ledger; "
                 "they are labelled test data, never GxP records.</p>"
                 + table(("Test", "Resource", "Details"), [[e(t["id"]), e(s["resource"]), f"<code>{e(s['observed'])}</code>"]
                                                          for t in x["tests"] for s in t["steps"] if s["kind"] == "test data"]))
    return page(p, doc, doc["title"], "".join(parts))
