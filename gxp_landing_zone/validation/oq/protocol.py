"""The OQ protocol: the tests that show AWS actually refuses what the templates say it refuses,
their steps and expected results, which of them the OQ runner automates, and how a test's verdict
follows from its steps. Data only: the runner executes it, the validation package prints it."""

from __future__ import annotations

from typing import Iterable

# Behaviour the templates cannot prove: that AWS actually refuses what the policies and locks
# say it refuses. Each test names the controls whose intent it exercises; a test whose controls
# are absent from the registry (and whose service the estate does not deploy) is listed as not
# applicable rather than dropped, so the reader sees it was considered.

OQ_TESTS = (
    {
        "id": "OQ-REC-01", "title": "A locked record cannot be deleted",
        "controls": ("GXP-S3-01", "GXP-S3-05"),
        "steps": (
            ("Put a test object (oq/<time>-<id>.txt, tagged gxp:test-data=true, known SHA-256) into a records bucket "
             "of the validation account.",
             "The object is stored with a version ID and an Object Lock retain-until date in COMPLIANCE mode."),
            ("Delete that object version (s3api delete-object --version-id ...), including with the bypass-governance header.",
             "Refused: AccessDenied; the version is still listed."),
        ),
    },
    {
        "id": "OQ-REC-02", "title": "Overwriting a record keeps the original version",
        "controls": ("GXP-S3-03", "GXP-S3-01"),
        "steps": (
            ("Put a different body under the same key.", "A new version is created."),
            ("Get the first version by its version ID and compute its SHA-256.",
             "The hash equals the one recorded in OQ-REC-01: the prior data is not obscured."),
        ),
    },
    {
        "id": "OQ-REC-03", "title": "Record retention cannot be shortened",
        "controls": ("GXP-S3-01", "GXP-S3-02"),
        "steps": (
            ("Set the test version's retain-until date one day earlier (s3api put-object-retention).",
             "Refused: AccessDenied; the retain-until date is unchanged."),
            ("Remove the bucket's Object Lock default retention (s3api put-object-lock-configuration).",
             "Refused: AccessDenied by the bucket policy (only the deployment role may change it); unchanged."),
        ),
    },
    {
        "id": "OQ-REC-04", "title": "Requests without TLS are refused",
        "controls": ("GXP-S3-04",),
        "steps": (
            ("Get the test object over plain HTTP (endpoint http://s3.<region>.amazonaws.com).",
             "Refused: AccessDenied by the aws:SecureTransport deny statement."),
        ),
    },
    {
        "id": "OQ-REC-05", "title": "A record cannot be written with a shorter or weaker lock",
        "controls": ("GXP-S3-09",),
        "steps": (
            ("Put a new test object asking for COMPLIANCE mode with a retain-until date one day away.",
             "Refused: AccessDenied by the bucket policy's retention floor; no object is stored."),
            ("Put a new test object asking for GOVERNANCE mode with a retain-until date beyond the class's retention.",
             "Refused: AccessDenied by the bucket policy; no object is stored."),
        ),
    },
    {
        "id": "OQ-AUD-01", "title": "Record access appears in the audit trail",
        "controls": ("GXP-TRAIL-05", "GXP-TRAIL-01"),
        "steps": (
            ("Read the test object once and note the time and the caller ARN.",
             "The read succeeds."),
            ("Within 15 minutes, look up the GetObject data event in the log-archive trail bucket (as the audit reader role).",
             "One event names the caller, the bucket, the key, the version and the time."),
        ),
    },
    {
        "id": "OQ-AUD-02", "title": "Tampering with audit log files is detectable",
        "controls": ("GXP-TRAIL-02",),
        "steps": (
            ("Run aws cloudtrail validate-logs for the organization trail over the qualification window.",
             "Every digest and log file is reported valid; none missing."),
        ),
    },
    {
        "id": "OQ-SCP-01", "title": "Guardrails refuse stopping the audit trail and recorder",
        "controls": ("GXP-SCP-01", "GXP-SCP-02"),
        "steps": (
            ("From a regulated account, as an administrator, call cloudtrail:StopLogging on the organization trail "
             "and config:StopConfigurationRecorder on the local recorder.",
             "Both refused with an explicit deny from a service control policy."),
        ),
    },
    {
        "id": "OQ-SCP-02", "title": "Regions outside the allowed set are refused",
        "controls": ("GXP-SCP-05",),
        "steps": (
            ("In a regulated account, create any resource (e.g. an SQS queue) in a region not in allowed_regions.",
             "Refused with an explicit deny from a service control policy."),
        ),
    },
    {
        "id": "OQ-SCP-03", "title": "Data cannot be placed outside the account's jurisdiction",
        "controls": ("GXP-SCP-06",),
        "steps": (
            ("In a regulated account, create an S3 bucket in an allowed region outside the account's jurisdiction "
             "(or, if every allowed region is inside it, in a region outside the allowed set).",
             "Refused with an explicit deny from a service control policy."),
        ),
    },
    {
        "id": "OQ-SIG-01", "title": "A test record is signed and the signature verifies",
        "controls": (),
        "service": "Signature",
        "steps": (
            ("Through the signature service, sign the test object with a meaning its record class grants (e.g. review) as a qualified test user.",
             "A manifest shows the signer's printed name, the UTC time and the meaning, bound to the object version."),
            ("Verify the signature; then verify the changed record (the second version written in OQ-REC-02).",
             "The original verifies; the changed version is not valid under that signature."),
        ),
    },
    # The e-signature negative tests: each presents the ID token of a qualified test identity prepared for the
    # case (its environment variable, never an argument) and tries to sign the second test version.
    {
        "id": "OQ-SIG-02", "title": "A signer who signed in without a second factor cannot sign",
        "controls": ("GXP-ESIG-01", "GXP-API-01"), "service": "Signature",
        "steps": (
            ("Sign the second test version with the ID token of a sign-in that used the password only "
             "(GXP_OQ_TOKEN_NO_MFA).", "Refused: 401 mfa_required; nothing is written to the ledger."),
        ),
    },
    {
        "id": "OQ-SIG-03", "title": "A stale sign-in cannot sign",
        "controls": ("GXP-ESIG-01",), "service": "Signature",
        "steps": (
            ("Sign the second test version with the ID token of a sign-in older than signatures.auth_window_seconds "
             "(GXP_OQ_TOKEN_STALE).", "Refused: 401 stale_authentication; the signer must authenticate again."),
        ),
    },
    {
        "id": "OQ-SIG-04", "title": "A disabled signer cannot sign with a token issued before",
        "controls": ("GXP-ESIG-10",), "service": "Signature",
        "steps": (
            ("Disable a test signer in the user pool after it signed in; sign the second test version with its "
             "earlier ID token (GXP_OQ_TOKEN_DISABLED).", "Refused: 403 user_disabled."),
        ),
    },
    {
        "id": "OQ-SIG-05", "title": "A signer outside the authorised group cannot sign",
        "controls": ("GXP-ESIG-09",), "service": "Signature",
        "steps": (
            ("Sign the second test version with the ID token of a signer whose groups hold no grant for the record "
             "class and meaning (GXP_OQ_TOKEN_WRONG_GROUP).", "Refused: 403 no_authority."),
        ),
    },
    {
        "id": "OQ-SIG-06", "title": "A signature out of the configured sequence is refused",
        "controls": ("GXP-ESIG-09",), "service": "Signature",
        "steps": (
            ("Sign the second test version, which has no earlier signature, with the last meaning of its record "
             "class's sequence (e.g. approval before review) as a signer holding that meaning "
             "(GXP_OQ_TOKEN_SEQUENCE, else the qualified test signer).", "Refused: 409 out_of_sequence."),
        ),
    },
    # Batch release (Annex 11 15) and its printout (Annex 11 8.2): the tokens are those of test identities
    # prepared for the case, read from the environment only.
    {
        "id": "OQ-SIG-07", "title": "Batch release is signed by a Qualified Person only, and its release record prints",
        "controls": ("GXP-ESIG-12", "GXP-ESIG-09"), "service": "Signature",
        "steps": (
            ("Put a labelled test record under the prefix of the record class that grants a reserved meaning (e.g. "
             "batch-records/); sign it with each meaning its sequence requires before the release (e.g. review, "
             "approval), each as a test identity holding that meaning (GXP_OQ_TOKEN_MEANING_<MEANING>, e.g. "
             "GXP_OQ_TOKEN_MEANING_REVIEW).", "Stored with a version ID; each signature answered 201."),
            ("As a test signer outside the Qualified Person group (GXP_OQ_TOKEN_NOT_QP), sign that version with the "
             "reserved meaning (batch-release).", "Refused: 403 restricted_meaning; nothing signed."),
            ("As a Qualified Person test identity (GXP_OQ_TOKEN_QP), sign that version with the reserved meaning.",
             "201; the manifestation names the Qualified Person, the UTC time and the meaning."),
            ("Get the printable release record of that version (GET /signatures/release-record).",
             "200: released; the version's SHA-256 equals the upload's; the release signature's manifestation and "
             "manifest hash are shown; changed since original entry: no."),
            ("Put a changed body under the same key; get the release record of the released version again.",
             "200: changed since original entry: yes, both versions listed; the released version's SHA-256 unchanged."),
        ),
    },
    # Device checks (11.10(h)). The bucket policy admits an instrument's write only through a VPC endpoint of
    # the account, so the allowed write, and refusals owed to the principal or the payload alone, can be shown
    # only from a host inside the account's VPC; the refusal owed to the endpoint alone only from outside it.
    {
        "id": "OQ-DEV-01", "title": "Instrument data is accepted only from a registered instrument with a signed payload",
        "controls": ("GXP-DEV-01",),
        "steps": (
            ("From a host inside the validation account's VPC (its S3 traffic goes through the account's gateway "
             "endpoint), as a registered instrument (the role GXP_OQ_INSTRUMENT_ROLE_ARN, assumed, or the profile "
             "GXP_OQ_INSTRUMENT_PROFILE), put a labelled test object into the instrument-data bucket with a signed "
             "payload and its SHA-256 checksum.",
             "Stored with a version ID and the SHA-256 S3 stored; within 5 minutes the intake check tags the version "
             "gxp:intake-check=sha256."),
            ("From the same host, as the OQ operator's own role (not a registered instrument), put a labelled test "
             "object with a signed payload.", "Refused: AccessDenied; nothing stored under the key."),
            ("From the same host, as the registered instrument, put a labelled test object with an unsigned payload "
             "(x-amz-content-sha256: UNSIGNED-PAYLOAD).", "Refused: AccessDenied; nothing stored under the key."),
        ),
    },
    {
        "id": "OQ-DEV-02", "title": "Instrument data is refused outside the account's VPC endpoints",
        "controls": ("GXP-DEV-01",),
        "steps": (
            ("From outside the account's VPC (e.g. the operator's workstation), as the registered instrument, put a "
             "labelled test object with a signed payload and its SHA-256 checksum.",
             "Refused: AccessDenied (the request came through no VPC endpoint of the account); nothing stored."),
        ),
    },
    # Annex 11 7.2: the ability to restore is checked. A functional test of the deployed back-up plan on known
    # test data (OQ), not a test under load (PQ).
    {
        "id": "OQ-BAK-01", "title": "A record and the signature ledger are restored from their latest back-up unchanged",
        "controls": ("GXP-BAK-01",),
        "steps": (
            ("Find the latest completed recovery point of the records bucket, and the newest labelled OQ test object "
             "the bucket held when it was taken (the version then current).",
             "A completed recovery point, and a test object version older than it, with its SHA-256."),
            ("Restore that object from the recovery point into a new scratch bucket (AWS Backup item-level restore, "
             "as the account's back-up role) and wait, up to the stated bound, recording each state seen.",
             "The restore job ends COMPLETED within the bound."),
            ("Read the restored object and compute its SHA-256.", "Identical to the original version's."),
            ("Restore the latest completed recovery point of the signature ledger table into a scratch table and wait.",
             "The restore job ends COMPLETED within the bound."),
            ("Compare every restored ledger item with the source table's item of the same key.",
             "Every restored item is identical to the source's (the append-only ledger may hold later items too)."),
            ("Delete the scratch bucket and table.", "Both deleted; nothing of the restore is left."),
        ),
    },
    {
        "id": "OQ-ALERT-01", "title": "A refused-signature alert reaches its subscribers",
        "controls": ("GXP-ALERT-02", "GXP-ESIG-08"),
        "steps": (
            ("Put a test event on the audit account's compliance bus with the signature service's source and the "
             "detail type Signature Attempt Refused, naming this OQ run.",
             "Accepted by EventBridge (no failed entry)."),
            ("Each subscriber named in the config's alerts.subscriptions confirms a message naming this run arrived "
             "within 5 minutes; attach the message.", "Every subscriber received it."),
        ),
    },
)


# Tests the runner executes; the others stay manual (the audit reader role is in another account,
# and validate-logs reads the organization trail's digests there).
AUTOMATED = frozenset({"OQ-REC-01", "OQ-REC-02", "OQ-REC-03", "OQ-REC-04", "OQ-REC-05", "OQ-SCP-01", "OQ-SCP-02",
                       "OQ-SCP-03", "OQ-SIG-01", "OQ-SIG-02", "OQ-SIG-03", "OQ-SIG-04", "OQ-SIG-05", "OQ-SIG-06",
                       "OQ-ALERT-01", "OQ-SIG-07", "OQ-DEV-01", "OQ-DEV-02", "OQ-BAK-01"})
# The ID token each negative e-signature test presents, read from the environment only; the refusal it expects.
NEGATIVE_SIGNATURES = {
    "OQ-SIG-02": ("GXP_OQ_TOKEN_NO_MFA", 401, "mfa_required"),
    "OQ-SIG-03": ("GXP_OQ_TOKEN_STALE", 401, "stale_authentication"),
    "OQ-SIG-04": ("GXP_OQ_TOKEN_DISABLED", 403, "user_disabled"),
    "OQ-SIG-05": ("GXP_OQ_TOKEN_WRONG_GROUP", 403, "no_authority"),
    "OQ-SIG-06": ("GXP_OQ_TOKEN_SEQUENCE", 409, "out_of_sequence"),
}
MANUAL_REASON = {
    "OQ-AUD-01": "not automated: the trail's data events are read in the log-archive account with the audit reader "
                 "role; perform the steps of the OQ protocol by hand and attach the evidence",
    "OQ-AUD-02": "not automated: aws cloudtrail validate-logs runs against the organization trail in the management "
                 "and log-archive accounts; perform the step by hand and attach its output",
    "OQ-ALERT-01": "confirmed by each subscriber by hand: the runner cannot read a subscriber's mailbox or endpoint",
}

def oq_verdict(outcomes: Iterable[str]) -> str:
    """One OQ test's verdict from the outcomes of its steps and restorations (test data aside):
    any failure fails it; it passes only when every step passed."""
    outcomes = set(outcomes)
    if not outcomes:
        return "not executed"
    if "fail" in outcomes:
        return "fail"
    if outcomes == {"pass"}:
        return "pass"
    return "manual" if "manual" in outcomes else "not executed"


OQ_VERDICTS = ("pass", "fail", "not executed", "manual")
