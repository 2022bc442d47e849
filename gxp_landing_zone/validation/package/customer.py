"""The customer's share of each shared and procedural clause, with the evidence an inspector will ask the
regulated company to show for it, and whether QA has recorded it (--qa-records)."""

from __future__ import annotations

# What an inspector will ask the regulated company to show for the part no infrastructure meets.
CUSTOMER_EVIDENCE = {
    ("part11", "11.10(a)"): "Validation plan and report for the application on this platform; this package as the infrastructure qualification.",
    ("part11", "11.10(b)"): "Procedure for answering an inspector's request for copies (who invokes the record export, how the bundle is verified and handed over), and its tested use on this platform.",
    ("part11", "11.10(h)"): "Instrument and interface qualification records showing the data source is valid.",
    ("part11", "11.10(i)"): "Training records, CVs and job descriptions for developers, administrators and users.",
    ("part11", "11.10(j)"): "Signed written policy holding individuals accountable for actions under their electronic signatures.",
    ("part11", "11.10(k)"): "Document control SOP for system documentation; change records (see the change-control runbook).",
    ("part11", "11.100(b)"): "Identity verification procedure and records before an electronic signature is issued.",
    ("part11", "11.100(c)"): "Copy of the letter certifying to FDA that electronic signatures are legally binding, with its date of submission.",
    ("part11", "11.300(b)"): "Periodic access review records for Identity Center users and groups.",
    ("part11", "11.300(c)"): "Lost or compromised credential procedure and its incident records.",
    ("part11", "11.300(e)"): "Initial and periodic test records for tokens or cards used to generate identification codes.",
    ("annex11", "Principle"): "Validation master plan naming this platform as qualified infrastructure.",
    ("annex11", "1"): "Documented risk assessment for the computerised system, with the controls chosen.",
    ("annex11", "2"): "Role descriptions and training records for process owner, system owner, QP and IT.",
    ("annex11", "3.1"): "Signed agreement with AWS and any service provider (AWS Artifact agreements, quality agreement).",
    ("annex11", "3.2"): "Supplier assessment of AWS (e.g. review of SOC 2 / ISO 27001 reports from AWS Artifact).",
    ("annex11", "3.3"): "Review record of supplier documentation against the user requirements.",
    ("annex11", "3.4"): "Supplier quality and audit information filed and retrievable for inspectors.",
    ("annex11", "4.1"): "Approved validation report referencing this package and its executed IQ/OQ.",
    ("annex11", "4.2"): "Change control records and the approved deviation log (see deviations).",
    ("annex11", "4.4"): "Approval signature on this URS and its traceability matrix.",
    ("annex11", "4.5"): "Assessment of the supplier's development quality system (including this reference architecture's).",
    ("annex11", "4.6"): "Quality and performance measures for any customisation of this reference architecture.",
    ("annex11", "4.7"): "Test scripts with parameter and data limits, executed and signed (this package's OQ is the platform part).",
    ("annex11", "4.8"): "Data migration plan and verification report when records are moved onto this platform.",
    ("annex11", "6"): "Procedure for a second-person or system check of critical manually entered data.",
    ("annex11", "7.2"): "Backup and restore procedure, with periodic restore test records.",
    ("annex11", "8.1"): "Procedure for printing clear copies of stored data (the record export's printable page) and checking them against the signed bundle.",
    ("annex11", "8.2"): "Printout design that shows whether data changed after original entry.",
    ("annex11", "12.2"): "Risk-based rationale for the extent of security controls.",
    ("annex11", "13"): "Incident management SOP and records, including how compliance alerts are triaged.",
    ("annex11", "15"): "Batch release procedure restricting certification to Qualified Persons, with their e-signature records.",
    ("annex11", "16"): "Business continuity plan with tested recovery times for the processes this system supports.",
    ("jp-eres", "3.1.2"): "Procedure and tooling to display and print records legibly for inspection.",
    ("eu-ai-act", "10"): "Data governance record per training set: origin, legal basis (GDPR Art. 6, and an Art. 9 condition for "
                         "health data), preparation and the examination for bias and gaps.",
    ("eu-ai-act", "12"): "Procedure for reviewing the AI invocation logs and alerts, and the deployer's own log retention.",
    ("eu-ai-act", "13"): "Whether each AI use is high-risk (Art. 6), and its instructions for use: intended purpose, accuracy and "
                         "limits, oversight measures (the model card is their start).",
    ("eu-ai-act", "14"): "Oversight procedure: who may release AI output and versions for regulated use, their training, and how "
                         "they stop or override the system.",
    ("eu-ai-act", "15"): "Declared accuracy and robustness levels (the release thresholds) with their rationale, and the "
                         "re-evaluation schedule.",
    ("annex11", "9"): "Signed-off audit-trail review reports (the scheduled review files one per period, awaiting a reviewer) "
                      "and the reasons recorded for GMP-relevant changes and deletions.",
    ("annex11", "11"): "Periodic review records: the re-run IQ, the compared report and QA's evaluation of incidents and deviations.",
    ("annex11", "17"): "Records of archive retrieval checks (PQ-03) and of retrieval tests after each system change.",
}


def customer_responsibilities(trace: dict) -> list[dict]:
    rows = []
    for fw in trace["frameworks"]:
        for clause in fw["clauses"]:
            if clause["kind"] == "technical" or clause["status"] == "not applicable":
                continue
            served = clause["controls"] or clause.get("documents")
            rows.append({
                "framework": fw["id"],
                "clause": clause["id"],
                "title": clause["title"],
                "kind": clause["kind"],
                "share": (
                    "all of it" if clause["kind"] == "procedural"
                    else "the procedural part" if served
                    else "the procedural part; no control covers the technical part yet"
                ),
                "controls": list(clause["controls"]),
                "documents": [d["code"] for d in clause.get("documents", ())],
                "evidence": CUSTOMER_EVIDENCE.get(
                    (fw["id"], clause["id"]),
                    f"Written procedure for '{clause['title']}' and records showing it is followed.",
                ),
                "recorded": clause.get("customer_record"),
            })
    return rows
