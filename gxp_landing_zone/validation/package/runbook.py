"""The change-control runbook: how a change to the regulated boundary is proposed, reviewed, approved,
deployed and re-qualified, and what record each step leaves (Annex 11 §10, 21 CFR 11.10(k))."""

from __future__ import annotations


def change_control(config_path: str) -> list[dict]:
    return [
        {"step": 1, "name": "Propose", "who": "Platform engineer",
         "how": f"Change {config_path} or the code in a branch; open a pull request describing the change, its "
                "reason and its GxP impact (which controls and clauses it touches).",
         "record": "Pull request with change description and risk assessment."},
        {"step": 2, "name": "Review", "who": "Second platform engineer and QA",
         "how": "Run make test. Review the template snapshot diff (tests/__snapshots__/) - every changed "
                "resource property of the regulated boundary - and the compliance report diff "
                "(cdk.out/compliance/traceability.json, deviations.csv): any clause whose status changes, "
                "any new deviation and its reason. Run make diff against the deployed accounts.",
         "record": "Review approvals on the pull request; attached snapshot, report and cdk diff output."},
        {"step": 3, "name": "Approve", "who": "System owner and QA",
         "how": "Approve when the tests pass, no clause regresses and every new deviation is justified. "
                "Regenerate this package (make validation-package) from the approved commit.",
         "record": "Signed change record referencing the commit and the regenerated package."},
        {"step": 4, "name": "Deploy", "who": "Platform engineer (deployment role only; SCPs deny others)",
         "how": "make deploy from the approved commit; the CloudFormation execution role is the only principal "
                "the guardrails let change the audit substrate.",
         "record": "CloudFormation change sets and the CloudTrail events of the deployment."},
        {"step": 5, "name": "Re-qualify", "who": "QA",
         "how": "Run the IQ for every changed account and region (make iq), run the OQ in the validation account "
                "(make oq; by hand for the tests it does not automate) where the changed controls are exercised, "
                "then rebuild this package with --iq-results and --oq-results and file the executed protocols.",
         "record": "Executed IQ/OQ protocols with passing results and sealed records that verify."},
    ]


