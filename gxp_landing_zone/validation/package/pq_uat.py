"""The performance qualification protocol (the platform under its expected load, in a validation account)
and the user acceptance test scripts QA users execute. Both are forms executed by hand; their
parameters come from the config where the config sets them."""

from __future__ import annotations

# Retrieval times S3 states for each storage class a records version may move to (first byte, standard
# retrieval): https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html
ARCHIVE_RETRIEVAL = {
    "STANDARD_IA": "milliseconds", "INTELLIGENT_TIERING": "milliseconds (archive tiers: hours)", "GLACIER_IR": "milliseconds",
    "GLACIER": "3 to 5 hours (standard retrieval)", "DEEP_ARCHIVE": "within 12 hours (standard retrieval)",
}


def pq_protocol(config) -> list[dict]:
    return [{**t, "steps": [{"action": a, "expected": e} for a, e in t["steps"]]} for t in _pq_tests(config)]


def _pq_tests(config) -> list[dict]:
    window = config.signatures.auth_window_seconds
    retention = min(config.data_classes, key=lambda d: d.days)
    compute = config.compute.defaults
    return [
        {
            "id": "PQ-01", "title": "Concurrent signers",
            "requirements": ["UR-22", "UR-13"],
            "load": "20 qualified test signers, each signing a different test record version within one minute",
            "preconditions": f"20 test signers signed in with password and MFA within {window} s before signing; 20 "
                             "labelled test record versions under a signing record class's prefix.",
            "steps": [
                ("Start all 20 signatures at once (e.g. a script that sends the 20 POST /signatures requests in parallel).",
                 "Every request answers 201, or 409 ledger_contention and then 201 on its retry."),
                ("List each version's signatures (GET /signatures) and read the ledger.",
                 "Exactly one signature per version; ledger sequence numbers without gaps or duplicates."),
                ("Record each request's latency.", "95th percentile under 3 s; none over 10 s."),
            ],
            "acceptance": "No signature lost or duplicated; latencies within the stated limits; every manifest copy present.",
        },
        {
            "id": "PQ-02", "title": "A Spot reclaim recovered from its checkpoint",
            "requirements": ["UR-19"],
            "load": f"One reference Batch job on the Spot queue (max {compute.max_vcpus} vCPUs) that checkpoints to the "
                    f"checkpoint bucket; checkpoints kept {compute.checkpoint_expiry_days} days",
            "preconditions": "The reference job's result on an uninterrupted run, with its SHA-256.",
            "steps": [
                ("Submit the reference job; once it has written a checkpoint, interrupt its instance (AWS Fault "
                 "Injection Service action aws:ec2:send-spot-instance-interruptions, or terminate the instance).",
                 "Batch records the status reason Host EC2 ... terminated and retries the job."),
                ("Follow the retried attempt.", "It reads the last checkpoint and continues from there (its log says so)."),
                ("Compare the result's SHA-256 with the uninterrupted run's.", "Identical."),
                ("Make the job fail on its own (an input that makes it exit non-zero).", "No retry: the failure stands."),
            ],
            "acceptance": "The reclaimed job completes from its checkpoint with an identical result; a job's own failure "
                          "is not retried.",
        },
        {
            "id": "PQ-03", "title": "Record retrieval from the archive tier within the stated time",
            "requirements": ["UR-03"],
            "load": f"One labelled test record in the {retention.name} records bucket, moved to the archive storage class "
                    "its lifecycle uses",
            "preconditions": "The test version's SHA-256 at upload. Stated retrieval times: "
                             + "; ".join(f"{k}: {v}" for k, v in ARCHIVE_RETRIEVAL.items()) + ".",
            "steps": [
                ("Confirm the version's storage class is the archive class (s3api head-object).",
                 "The archive storage class the lifecycle states."),
                ("Restore it if the class needs a restore (s3api restore-object), note the time, and wait.",
                 "Restored within the stated time for that class."),
                ("Read it back and compute its SHA-256.", "Identical to the upload's; the Object Lock retention unchanged."),
            ],
            "acceptance": "The archived record is readable, unaltered, within the stated time.",
        },
    ]


UAT_SCRIPTS = (
    {"id": "UAT-01", "title": "Review and approve a batch record", "user": "QA reviewer and QA approver",
     "requirements": ["UR-10", "UR-12", "UR-13", "UR-14", "UR-22"],
     "steps": [
         ("As the reviewer, sign in with password and MFA and sign a test batch record with meaning review.",
          "The manifestation shows your printed name, UTC date and time, and review."),
         ("As the approver, try to approve before the review exists on another version.", "Refused: out of sequence."),
         ("Approve the reviewed version.", "Two signatures, in order, each with its own name and meaning."),
     ]},
    {"id": "UAT-02", "title": "Retrieve and print a record with its signatures", "user": "QA, for an inspector",
     "requirements": ["UR-02", "UR-03", "UR-04", "UR-13"],
     "steps": [
         ("Retrieve the signed batch record version and its earlier version.", "Both versions, unchanged."),
         ("Invoke the record export (function gxp-record-export) with the signed version's bucket, key and version ID.",
          "Exported: the bundle's location, 'SHA-256 verified', the manifest's SHA-256 and the export signing key."),
         ("Check the bundle: make verify-export ROLE=... REGION=... BUNDLE=<the location>.",
          "It verifies: every file matches MANIFEST.sha256, signed by this account's export signing key."),
         ("Print (or save as PDF) the bundle's record.html with its signature manifestations.",
          "A clear copy: every column visible, page x of y on each page, the signatures with name, time and meaning."),
     ]},
    {"id": "UAT-03", "title": "Review one record's audit trail", "user": "QA auditor",
     "requirements": ["UR-07", "UR-09"],
     "steps": [
         ("In the trail's CloudWatch Logs group, search the record's key for the last 24 hours.",
          "Every read and write of the record, with the caller and time, in readable form."),
     ]},
    {"id": "UAT-04", "title": "Trace a clause to its evidence", "user": "QA lead",
     "requirements": ["UR-05", "UR-24"],
     "steps": [
         ("In the compliance report, open 21 CFR 11.10(e) and follow a control to its resources.",
          "The clause's status, why it has it, how each control serves it, and each control's evidence level."),
         ("In this package's traceability matrix, follow UR-07 to its tests and results.", "Every test named, with its result."),
     ]},
    {"id": "UAT-05", "title": "Receive and triage a compliance alert", "user": "QA on call",
     "requirements": ["UR-15", "UR-16"],
     "steps": [
         ("Receive the OQ-ALERT-01 test alert (or a real one).", "The message names the control, clauses, account and time."),
         ("Record it in the incident procedure.", "An incident record referencing the alert."),
     ]},
    {"id": "UAT-06", "title": "Withdraw a signer", "user": "Signature service administrator and QA",
     "requirements": ["UR-11"],
     "steps": [
         ("Disable a test signer in the user pool while it is signed in.", "The account shows disabled."),
         ("As that signer, try to sign with the session still open.", "Refused: user disabled."),
         ("Try to recover the account through self-service password reset.", "Not offered: only an administrator can."),
     ]},
    {"id": "UAT-07", "title": "Release a model version for regulated use", "user": "Data scientist and QA approver",
     "requirements": ["UR-27"],
     "steps": [
         ("Set a test model version to Approved in SageMaker without any signature.",
          "Within minutes it is back to PendingManualApproval and QA receives the release-refused alert."),
         ("Record its evaluation, then as the approver sign the evaluation record with meaning approved-for-use, "
          "and approve the version.", "The version stays Approved; the decision names the signature and the record's hash."),
         ("Record a new evaluation of the same version.", "The approval is set back: the signature is on the earlier "
          "evaluation, not the current one."),
     ]},
    {"id": "UAT-08", "title": "Review an AI prompt and its output", "user": "QA auditor and a lab user",
     "requirements": ["UR-25", "UR-26"],
     "steps": [
         ("As the lab user, send a prompt containing a test social security number through the application.",
          "The guardrail blocks it; QA receives the sensitive-data alert naming the account."),
         ("As QA, find that prompt and its answer in the invocation log group and in the locked log bucket.",
          "Both, readable, with time, caller and model."),
         ("Try to delete the logged object.", "Refused: Object Lock COMPLIANCE retains it for the configured period."),
     ]},
    {"id": "UAT-09", "title": "Release a change through the pipeline", "user": "QA release approver",
     "requirements": ["UR-29"],
     "steps": [
         ("Open the execution's release candidate in the evidence bucket (change-records/gxp-promotion/"
          "release-candidate.json, the version the ChangeRecord step wrote).",
          "The commit, the cloud-assembly hash, the diff per stack, the controls and clauses touched, and passing "
          "IQ and OQ records of every validation account with their hashes."),
         ("Sign that version with the meaning approved-for-release in the deployment account's signature service.",
          "The ReleaseGate step passes and the production waves start."),
         ("In a later execution, sign the earlier execution's release candidate version instead.",
          "The gate refuses: the signature approves another change record, and says so."),
         ("After production, open the execution's change-record.html.",
          "The outcome, the release signature's manifestation, and the production IQ records."),
     ]},
)
