"""The documents of the validation package, and the clauses the package itself serves.

Some shared clauses are not met by a control on the infrastructure but by documentation: a risk
assessment (Annex 11 §1), validation documentation and reports (§4.1), user requirements traced
through the lifecycle (§4.4), test scenarios with limits and error handling (§4.7). The package
generates those documents from the estate; the customer approves and executes them, so such a
clause is "customer part open" until QA records its part, never "met" on generation alone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    code: str  # the document's ID is <naming prefix>-GLZ-<code>
    stem: str  # file name without extension
    title: str
    purpose: str
    protocol: bool = False  # frozen (hashed) before execution; its executed results cite the hash


DOCUMENTS = (
    Document("VP", "validation-plan", "Validation plan",
             "scope, GAMP 5 approach, responsibilities, deliverables, acceptance, deviations, periodic review"),
    Document("RA", "risk-assessment", "Risk assessment",
             "GAMP 5 category per component, FMEA per user requirement, test depth from risk"),
    Document("URS", "urs", "User requirements specification",
             "what the users need, each traced to controls and to IQ/OQ/PQ tests"),
    Document("FS", "specification", "Functional and configuration specification",
             "one specification per control: what synthesis and IQ check"),
    Document("TM", "traceability", "Traceability matrix",
             "clause -> control -> rule -> IQ/OQ test, and user requirement -> control -> test -> result"),
    Document("IQP", "iq-protocol", "Installation qualification protocol",
             "steps, expected results and acceptance criteria per deployed-state check", protocol=True),
    Document("OQP", "oq-protocol", "Operational qualification protocol",
             "behavioural tests in a validation account, negative tests included", protocol=True),
    Document("PQP", "pq-protocol", "Performance qualification protocol",
             "performance under expected load: concurrent signers, Spot reclaim recovery, archive retrieval",
             protocol=True),
    Document("UAT", "uat-scripts", "User acceptance test scripts", "scripts QA users execute", protocol=True),
    Document("IQR", "iq-executed", "Executed IQ protocol", "IQ results citing the protocol hash they executed"),
    Document("OQR", "oq-executed", "Executed OQ protocol", "OQ results citing the protocol hash they executed"),
    Document("EXC", "exceptions", "Accepted design exceptions", "one entry per distinct reason, with risk and approval"),
    Document("QDF", "deviation-form", "Qualification deviation form", "for deviations observed during execution"),
    Document("CCR", "change-control", "Change-control runbook",
             "propose, review via snapshot and report diff, approve, deploy, re-qualify"),
    Document("DIA", "diagrams", "Architecture diagrams", "network, identity, data paths, compute and signature paths"),
    Document("CUS", "customer-responsibilities", "Customer responsibilities",
             "shared and procedural clauses and the evidence each needs"),
    Document("VSR", "validation-summary", "Validation summary report",
             "what was executed, with which result, the open items and the conclusion"),
)
BY_CODE = {d.code: d for d in DOCUMENTS}


def document_id(prefix: str, code: str) -> str:
    return f"{prefix.upper()}-GLZ-{code}"


# (framework, clause) -> (document codes, how they serve the clause). Only shared clauses: the customer
# approves, executes and files what the package generates.
CREDITS: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {
    ("part11", "11.10(a)"): (("VP", "IQP", "OQP", "PQP", "VSR"),
                             "The plan, the IQ/OQ/PQ protocols and their executed, signed records are the validation of "
                             "the platform; the customer validates the applications on it."),
    ("part11", "11.10(k)"): (("VP", "CCR"),
                             "Every document carries an ID, version, revision history, the git commit and the config's "
                             "SHA-256; the change-control runbook keeps revisions in a time-sequenced history."),
    ("annex11", "Principle"): (("VP", "IQP", "OQP", "PQP"),
                               "The package qualifies the IT infrastructure; the customer validates the applications."),
    ("annex11", "1"): (("RA",), "The risk assessment rates every component (GAMP 5) and requirement (FMEA) and derives "
                                "each test's depth from its risk."),
    ("annex11", "4.1"): (("VP", "IQR", "OQR", "VSR", "QDF"),
                         "Validation plan, executed protocols, deviation form and summary report cover the lifecycle."),
    ("annex11", "4.2"): (("CCR", "EXC", "QDF"),
                         "Change-control runbook, the accepted exceptions and the form for deviations observed during "
                         "validation."),
    ("annex11", "4.4"): (("URS", "TM"),
                         "User requirements are traced to controls and to the IQ/OQ/PQ tests that verify them; a "
                         "requirement without a test fails the package build."),
    ("annex11", "4.7"): (("OQP", "PQP", "UAT"),
                         "Test scenarios state their limits (retention floors, sequence, timing) and error handling "
                         "(every refusal the OQ expects, the e-signature negative tests)."),
    ("annex11", "12.2"): (("RA",),
                          "The risk assessment rates each component and requirement; the estate applies its strictest "
                          "controls (Object Lock, key-protection and residency guardrails, the e-signature controls) to "
                          "regulated and validation accounts only, and the HIPAA pack only where the config declares "
                          "protected health information."),
    ("annex11", "11"): (("VP",), "The plan's periodic review re-runs IQ and compares the compliance report with the "
                                 "approved one; QA performs and records the evaluation."),
}
