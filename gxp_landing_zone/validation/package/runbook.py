"""The change-control runbook: how a change to the regulated boundary goes from a pull request through the
promotion pipeline to production, and what record each step leaves (Annex 11 §10, 21 CFR 11.10(k))."""

from __future__ import annotations


def change_control(config_path: str) -> list[dict]:
    """The runbook as the promotion pipeline executes it (README "Change control"); every record it names is
    written by the pipeline into the log archive's evidence bucket under Object Lock COMPLIANCE."""
    evidence = "the evidence bucket (change-records/gxp-promotion/<execution>/)"
    return [
        {"step": 1, "name": "Propose and review", "who": "Platform engineer, second platform engineer",
         "how": f"Change {config_path} or the code in a branch; open a pull request describing the change, its reason "
                "and its GxP impact; review the template snapshot diff (tests/__snapshots__/) and the compliance report "
                "diff; merge to the promoted branch.",
         "record": "Pull request with description, risk assessment and review approvals."},
        {"step": 2, "name": "Test and synthesize", "who": "Promotion pipeline (Synth step)",
         "how": "The whole test suite, then the synthesis gate (a GXP finding fails the pipeline); cdk diff of every "
                "stack against what is deployed, the controls and clauses it touches, acknowledgements added and removed.",
         "record": "Test results, synthesis result and diff, in the release candidate."},
        {"step": 3, "name": "Validate", "who": "Promotion pipeline (Validation stage)",
         "how": "Deploy to the validation accounts (test data only), then the IQ in every validation account and the OQ "
                "in each OQ target; a failed check stops the pipeline.",
         "record": f"Hash-chained IQ and OQ records in {evidence}qualification/."},
        {"step": 4, "name": "Release", "who": "QA release approver",
         "how": "Review the release candidate and sign it through the deployment account's signature service with the "
                "meaning approved-for-release; the release gate verifies the signature (this execution's record, a "
                "current approver, that meaning) and says why it refuses any other.",
         "record": f"Release candidate, Part 11 signature manifest and the gate's decision ({evidence}release.json)."},
        {"step": 5, "name": "Deploy and re-qualify", "who": "Promotion pipeline (Production stage)",
         "how": "Deploy to production in the estate's waves, then the IQ in every production account; the complete "
                "change record is written last.",
         "record": f"Production IQ records and the change record as JSON and HTML in {evidence}."},
        {"step": 6, "name": "Emergency change", "who": "Break-glass group member, then QA",
         "how": "Only when the pipeline cannot be used: the break-glass permission set (alerted on use); commit the fix "
                "and a file under change-control/emergencies/; the next execution records what the session changed "
                "and QA's release signature covers it.",
         "record": "Break-glass alert; retrospective record under change-records/emergencies/."},
    ]
