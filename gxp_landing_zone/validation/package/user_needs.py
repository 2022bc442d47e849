"""The user requirements: what the people who use the platform need, in their words, each traced to the
controls that implement it and the IQ/OQ/PQ/UAT tests that verify it (Annex 11 §4.4).

A user need is not a control statement restated: "a record cannot be deleted before its retention
ends" is the need; Object Lock COMPLIANCE, the deny-delete policy and the retention floor are how the
platform meets it. tests/test_validation_package.py fails if a need has no test, a control serves
no need, or a need's tests are shallower than its risk asks (risk.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UserNeed:
    id: str
    user: str  # who needs it
    need: str
    controls: tuple[str, ...] = ()
    oq: tuple[str, ...] = ()
    pq: tuple[str, ...] = ()
    uat: tuple[str, ...] = ()
    # FMEA (risk.py): what goes wrong if the need is not met, severity 1-5, occurrence 1-5, detectability 1-5
    # (5 = would go unnoticed).
    failure: str = ""
    severity: int = 3
    occurrence: int = 2
    detectability: int = 3


LAB, QA, PLATFORM, SCIENTIST, INSPECTOR = "Lab user", "QA", "Platform engineer", "Data scientist", "Inspector"

USER_NEEDS = (
    UserNeed("UR-01", LAB, "A record I store cannot be deleted or overwritten by anyone until its retention period ends.",
             ("GXP-S3-01", "GXP-S3-02", "GXP-S3-05", "GXP-S3-09", "GXP-REC-01", "GXP-RET-01", "GXP-SCP-02"),
             oq=("OQ-REC-01", "OQ-REC-03", "OQ-REC-05"),
             failure="A record is destroyed or replaced before its retention ends", severity=5, occurrence=2, detectability=4),
    UserNeed("UR-02", LAB, "A changed record keeps every earlier version, readable unchanged.",
             ("GXP-S3-03",), oq=("OQ-REC-02",), uat=("UAT-02",),
             failure="A change obscures the earlier version", severity=5, occurrence=2, detectability=3),
    UserNeed("UR-03", LAB, "I can retrieve any record, including one moved to the archive tier, within the time stated "
             "for its storage class, for the whole retention period.",
             ("GXP-REC-06", "GXP-KEY-01", "GXP-SCP-03", "GXP-BAK-01"), oq=("OQ-BAK-01",), pq=("PQ-03",), uat=("UAT-02",),
             failure="An archived record cannot be read back in time", severity=4, occurrence=2, detectability=4),
    UserNeed("UR-04", INSPECTOR, "I can be given a clear printed or PDF copy of a record with its signatures.",
             ("GXP-REC-07",), oq=("OQ-SIG-07",), uat=("UAT-02",),
             failure="No accurate copy can be produced for an inspection", severity=3, occurrence=2, detectability=2),
    UserNeed("UR-05", QA, "Only the people authorised for a task can reach the systems and records it needs, and no "
             "one can grant themselves access.",
             ("GXP-IAM-01", "GXP-IAM-02", "GXP-IAM-03", "GXP-SCP-04", "GXP-S3-06", "GXP-S3-10", "GXP-REC-02",
              "GXP-ALERT-01", "GXP-DEV-01"), oq=("OQ-SIG-05", "OQ-DEV-01", "OQ-DEV-02"), uat=("UAT-04",),
             failure="Someone without authority reads or changes records", severity=5, occurrence=2, detectability=3),
    UserNeed("UR-06", QA, "Records and their audit trail stay in the jurisdiction they belong to; only de-identified "
             "data may be copied elsewhere, and only where the config allows.",
             ("GXP-RES-01", "GXP-REC-03", "GXP-REC-04", "GXP-SCP-05", "GXP-SCP-06"), oq=("OQ-SCP-02", "OQ-SCP-03"),
             failure="Identified data is stored or copied outside its jurisdiction", severity=5, occurrence=2,
             detectability=3),
    UserNeed("UR-07", QA, "Every creation, change and deletion of a record is in a secure, time-stamped audit trail "
             "naming who did it.",
             ("GXP-TRAIL-01", "GXP-TRAIL-05", "GXP-REC-05", "GXP-S3-07", "GXP-LOG-01", "GXP-API-02"),
             oq=("OQ-AUD-01",), uat=("UAT-03",),
             failure="An action on a record is not traceable to a person and a time", severity=5, occurrence=2,
             detectability=4),
    UserNeed("UR-08", QA, "No one can switch off, edit or delete the audit trail unnoticed.",
             ("GXP-TRAIL-02", "GXP-TRAIL-03", "GXP-SCP-01", "GXP-CFG-04"), oq=("OQ-SCP-01", "OQ-AUD-02"),
             failure="The audit trail is suspended or altered", severity=5, occurrence=1, detectability=4),
    UserNeed("UR-09", QA, "I can review a record's audit trail promptly, in readable form.",
             ("GXP-TRAIL-04", "GXP-REV-01", "GXP-REV-02"), uat=("UAT-03",),
             failure="The trail exists but cannot be reviewed in time", severity=3, occurrence=2, detectability=2),
    UserNeed("UR-10", QA, "A signature is executed only by its owner, with two identification components at each "
             "signing, within minutes of signing in.",
             ("GXP-ESIG-01", "GXP-ESIG-03", "GXP-API-01"), oq=("OQ-SIG-02", "OQ-SIG-03"), uat=("UAT-01",),
             failure="Someone signs as another person", severity=5, occurrence=2, detectability=4),
    UserNeed("UR-11", QA, "Signer accounts are created, recovered and withdrawn only by an administrator, and a "
             "withdrawn signer cannot sign again.",
             ("GXP-ESIG-02", "GXP-ESIG-10", "GXP-ESIG-11"), oq=("OQ-SIG-04",), uat=("UAT-06",),
             failure="A withdrawn or unverified person signs", severity=5, occurrence=2, detectability=3),
    UserNeed("UR-12", QA, "Each signature belongs to one person for ever: no two people share an identification.",
             ("GXP-ESIG-04",), uat=("UAT-01",),
             failure="A signature cannot be attributed to one person", severity=5, occurrence=1, detectability=3),
    UserNeed("UR-13", QA, "A signed record shows the signer's name, the date and time and the meaning, and the "
             "signature cannot be removed from or copied to another record.",
             ("GXP-ESIG-06", "GXP-ESIG-07", "GXP-ESIG-13", "GXP-DDB-01"), oq=("OQ-SIG-01",), uat=("UAT-01", "UAT-02"),
             failure="A signature is lost, altered or moved to another record", severity=5, occurrence=2, detectability=3),
    UserNeed("UR-14", QA, "Only the groups the config authorises can sign a record class with a meaning, in the "
             "required order.",
             ("GXP-ESIG-09", "GXP-ESIG-12"), oq=("OQ-SIG-05", "OQ-SIG-06", "OQ-SIG-07"), uat=("UAT-01",),
             failure="Approval precedes review, or an unauthorised role signs", severity=4, occurrence=2, detectability=3),
    UserNeed("UR-15", QA, "Attempts to misuse a signer's credentials are blocked and reported to QA at once.",
             ("GXP-ESIG-05", "GXP-ESIG-08", "GXP-ALERT-02"), oq=("OQ-ALERT-01",), uat=("UAT-05",),
             failure="Attempted misuse goes unnoticed", severity=4, occurrence=3, detectability=4),
    UserNeed("UR-16", QA, "When the estate leaves its validated state, QA is told, and what changed is on record.",
             ("GXP-CFG-01", "GXP-CFG-02", "GXP-CFG-03", "GXP-CFG-05"), oq=("OQ-ALERT-01",), uat=("UAT-05",),
             failure="The estate drifts from its validated state unnoticed", severity=4, occurrence=3, detectability=3),
    UserNeed("UR-17", PLATFORM, "Data at rest is encrypted under keys the organisation controls, which no one can "
             "destroy while records need them.",
             ("GXP-S3-08", "GXP-KEY-02", "GXP-DDB-02", "GXP-EC2-02", "GXP-EC2-03", "GXP-OMICS-01"),
             failure="Records are readable without authority or become unreadable", severity=4, occurrence=1,
             detectability=3),
    UserNeed("UR-18", PLATFORM, "Regulated workloads cannot be reached from, or send data to, the internet, and every "
             "connection is on record.",
             ("GXP-NET-01", "GXP-NET-02", "GXP-NET-03", "GXP-EC2-01", "GXP-ML-01", "GXP-S3-04"), oq=("OQ-REC-04",),
             failure="Data leaves the estate over the network", severity=4, occurrence=2, detectability=3),
    UserNeed("UR-19", SCIENTIST, "A long computation interrupted by a Spot reclaim resumes from its checkpoint and "
             "gives the same result; one that fails is not silently re-run.",
             ("GXP-BATCH-01", "GXP-BATCH-02", "GXP-ML-03"), pq=("PQ-02",),
             failure="A reclaimed job is lost or a failed one re-run into a different result", severity=3, occurrence=4,
             detectability=2),
    UserNeed("UR-20", SCIENTIST, "Genomic runs stay within the resources and time they were specified with.",
             ("GXP-OMICS-02",),
             failure="A run exceeds its specified limits", severity=2, occurrence=2, detectability=2),
    UserNeed("UR-21", SCIENTIST, "A model's version records the data and image that trained it.",
             ("GXP-ML-02",),
             failure="A model's provenance cannot be shown", severity=3, occurrence=2, detectability=2),
    UserNeed("UR-22", QA, "Many people can sign at the same time, with every signature recorded exactly once and "
             "within a few seconds.", ("GXP-DDB-01",), pq=("PQ-01",), uat=("UAT-01",),
             failure="Concurrent signing loses or duplicates a signature", severity=5, occurrence=2, detectability=4),
    UserNeed("UR-23", PLATFORM, "When a request to the signature service fails, I can find where and why.",
             ("GXP-LAMBDA-01",),
             failure="A failure cannot be investigated", severity=2, occurrence=3, detectability=2),
    UserNeed("UR-24", QA, "I can trace every clause to the controls, tests and results that cover it, and see what the "
             "customer must still do.", uat=("UAT-04",),
             failure="A clause is claimed without evidence", severity=4, occurrence=2, detectability=3),
    UserNeed("UR-25", QA, "Every prompt and answer of AI used on regulated work is kept unaltered as long as the records it "
             "supports, and I can review it.", ("GXP-AI-01",), uat=("UAT-08",),
             failure="AI-assisted work on a record leaves no reviewable trail", severity=4, occurrence=2, detectability=3),
    UserNeed("UR-26", LAB, "The AI I use screens personal data, denied topics and prompt attacks, runs only the models "
             "approved for my account, privately and in its jurisdiction, and misuse reaches QA.",
             ("GXP-AI-02", "GXP-AI-03", "GXP-AI-04", "GXP-AI-05", "GXP-AI-09"), uat=("UAT-08",),
             failure="Personal data reaches a model or leaves the jurisdiction, or misuse goes unnoticed", severity=4,
             occurrence=2, detectability=3),
    UserNeed("UR-27", QA, "A model or prompt version is used for regulated work only after an evaluation against the "
             "configured criteria and my signature on that evaluation; any other approval is undone.",
             ("GXP-AI-06", "GXP-AI-10"), uat=("UAT-07",),
             failure="An unevaluated or unapproved version is used on regulated work", severity=4, occurrence=2,
             detectability=2),
    UserNeed("UR-28", SCIENTIST, "Each model states its intended use, risk, training data (with its legal basis) and "
             "release criteria; training data is scanned for personal data; a served model is watched for drift.",
             ("GXP-AI-07", "GXP-AI-08", "GXP-AI-11"),
             failure="A model's purpose, data or drift cannot be shown", severity=3, occurrence=2, detectability=2),
    UserNeed("UR-29", QA, "No change reaches production unless it was tested and qualified in a validation account and "
             "I released it with my electronic signature; every change, emergencies included, leaves a record no one "
             "can alter.", ("GXP-CHG-01", "GXP-CHG-02", "GXP-CHG-03", "GXP-CHG-04"), uat=("UAT-09",),
             failure="An unqualified or unapproved change reaches the regulated accounts", severity=4, occurrence=2,
             detectability=3),
)
