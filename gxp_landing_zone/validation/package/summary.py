"""The validation summary report's facts: what was executed with which result, what is still open, and
the conclusion those facts allow. The platform is released for GxP use only when nothing is open; the
report never concludes more than the records show."""

from __future__ import annotations


def summary_report(p: dict) -> dict:
    open_items = []
    executed, executed_oq = p.get("executed"), p.get("executed_oq")
    if not executed:
        open_items.append("IQ: no sealed IQ record was given (run make iq in every target, rebuild with --iq-results)")
    else:
        pending = [f"{t['id']} ({t['verdict']})" for t in executed["tests"] if t["verdict"] != "pass"]
        if pending:
            open_items.append(f"IQ: {len(pending)} test(s) not passed: " + ", ".join(pending))
    applicable = [t for t in p["oq_protocol"] if t["applicable"]]
    if not executed_oq:
        open_items.append("OQ: no sealed OQ record was given (run make oq in a validation account, rebuild with --oq-results)")
    else:
        verdicts = {t["id"]: t["verdict"] for t in executed_oq["tests"]}
        pending = [f"{t['id']} ({verdicts.get(t['id'], 'not executed')})" for t in applicable
                   if verdicts.get(t["id"]) != "pass"]
        if pending:
            open_items.append(f"OQ: {len(pending)} test(s) not passed in a record (manual steps are executed on the "
                              "protocol form and filed with it): " + ", ".join(pending))
    open_items.append(f"PQ and UAT: {len(p['pq_protocol'])} PQ tests and {len(p['uat_scripts'])} UAT scripts are executed "
                      "on their forms; file the signed forms with this report")
    unapproved = [e["id"] for e in p["exceptions"] if not e.get("approval")]
    if unapproved:
        open_items.append(f"Exceptions: {len(unapproved)} of {len(p['exceptions'])} not approved: " + ", ".join(unapproved))
    open_deviations = [d["id"] for d in p["qualification_deviations"] if not d.get("closed_on")]
    if open_deviations:
        open_items.append("Qualification deviations open: " + ", ".join(open_deviations))
    for fw in p["frameworks"]:
        counts = {s: n for s, n in fw["summary"].items() if n and s not in ("met", "not applicable", "customer responsibility")}
        if counts:
            open_items.append(f"{fw['label']}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    if p["findings"]:
        open_items.append(f"Synthesis: {len(p['findings'])} open finding(s)")
    released = not any(not i.startswith("PQ and UAT") for i in open_items)
    return {
        "open_items": open_items,
        "released": released,
        "conclusion": (
            "The platform's qualification is complete: every IQ and OQ test passed in sealed records, every exception "
            "is approved and no deviation is open. With the PQ and UAT forms filed and approved, QA may release it "
            "for GxP use." if released else
            f"Not released: {len(open_items)} item(s) open. The platform must not hold GxP records until they are closed."
        ),
    }
