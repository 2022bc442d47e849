"""The validation package as one plain dict: URS, traceability matrix, IQ and OQ protocols,
executed results, deviation log, change-control runbook and the customer's share.

Everything is derived from the regulation catalog, the control registry, the traceability
matrix of a synthesis and (optionally) IQ result files, so a change to any of them changes the
package on the next build and nothing here can drift from what synthesis proved. The renderers
(render.py, diagrams.py, oscal.py) only format this dict.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..oq.protocol import AUTOMATED, OQ_TESTS
from .errors import PackageError  # noqa: F401  (the package's API)
from .executed import executed_oq, executed_protocols, read_results  # noqa: F401  (read_results: the package's API)

# 1.1: OQ tests say whether the OQ runner automates them; executed_oq holds executed OQ records.
SCHEMA_VERSION = "1.1"
FRAMEWORK_LABELS = {"part11": "21 CFR Part 11", "annex11": "EU GMP Annex 11", "jp-eres": "JP ER/ES"}


def requirement_id(control_id: str) -> str:
    # Stable across registry reordering: the URS number follows the control, not its position.
    return "URS-" + control_id.removeprefix("GXP-")


def iq_test_id(control_id: str) -> str:
    return "IQ-" + control_id.removeprefix("GXP-")


def clause_key(framework_id: str, clause_id: str) -> str:
    """A token usable as an HTML anchor and an OSCAL control-id: 11.10(e) -> part11_11.10_e."""
    token = re.sub(r"[^A-Za-z0-9.]+", "_", clause_id).strip("_")
    return f"{framework_id}_{token}"


# -- deployed-state checks -----------------------------------------------------------------------


def deployed_checks(controls: Iterable) -> dict[str, dict]:
    """Per control, its deployed-state check: the IQ runner reads the deployed resources and judges
    them with the control's own predicate (controls/<area>/<control>.py), in these accounts and regions."""
    return {
        c.id: {
            "method": "iq-runner",
            "check": f"{c.check.__module__}.check",
            "account_kinds": sorted(c.deployed.accounts),
            "regions": c.deployed.regions,
            "config_rule": c.config_rule,
        }
        for c in controls
    }


def _targets(check: dict, config) -> tuple[list[str], list[str]]:
    accounts = [a for a in config.accounts if a.kind.value in check["account_kinds"]]
    roles = [a.role for a in accounts] or ["every account"]
    if check["regions"] == "all":
        regions = list(config.allowed_regions)
    elif check["regions"] == "workload":
        regions = sorted({r for a in accounts for r in config.workload_regions(a)}) or [config.home_region]
    else:
        regions = [config.home_region]
    return roles, regions


def iq_protocol(trace: dict, checks: dict[str, dict], config, config_path: str) -> list[dict]:
    tests = []
    for control in trace["controls"]:
        check = checks.get(control["id"])
        if check is None:
            continue
        roles, regions = _targets(check, config)
        if check["method"] == "iq-runner":
            steps = [
                f"Sign in to the {role} account with a role that can read its configuration."
                for role in roles
            ] + [
                "For each account and region listed above, run "
                f"python -m gxp_landing_zone.validation.iq --config {config_path} --account-role <role> "
                "--region <region> --out iq-results/",
                f"In the JSON record, read every entry with control_id {control['id']}: resource, expected, observed.",
                "Verify the record's hash chain is intact (the package build does this when given --iq-results).",
            ]
        else:
            steps = [
                f"In the audit account, open the AWS Config aggregator and select the managed rule {check['check']}.",
                "Export its evaluation results for every account and region listed above and attach them to this protocol.",
            ]
        tests.append({
            "id": iq_test_id(control["id"]),
            "requirement": requirement_id(control["id"]),
            "control": control["id"],
            "title": control["title"],
            "method": check["method"],
            "check": check["check"],
            "config_rule": check["config_rule"],
            "accounts": roles,
            "regions": regions,
            "steps": steps,
            "expected": control["statement"],
            "acceptance": (
                f"Every entry for {control['id']} in every listed account and region has passed = true, "
                "no listed account or region is missing, and the record's hash chain verifies."
                if check["method"] == "iq-runner"
                else f"Every evaluation of {check['check']} in the listed scope is COMPLIANT."
            ),
        })
    return tests


# -- operational qualification ------------------------------------------------------------------


def oq_protocol(trace: dict, stack_names: Iterable[str]) -> list[dict]:
    known = {c["id"] for c in trace["controls"]}
    stacks = list(stack_names)
    automated = AUTOMATED
    tests = []
    for t in OQ_TESTS:
        controls = [c for c in t["controls"] if c in known]
        service = t.get("service")
        deployed = bool(controls) or bool(service and any(s.startswith(service) for s in stacks))
        tests.append({
            "id": t["id"],
            "title": t["title"],
            "controls": controls,
            "requirements": [requirement_id(c) for c in controls],
            "applicable": deployed,
            "automated": t["id"] in automated,
            "preconditions": (
                "A validation account inside the regulated boundary, deployed from this estate and qualified by IQ; "
                "a tester identity with the regulated-data-operator permission set; the test object's cleanup "
                "recorded (a locked version stays until its retention ends and is labelled as test data)."
            ),
            "steps": [{"action": a, "expected": e} for a, e in t["steps"]],
            "acceptance": "Every step's observed result matches the expected result; screenshots or CLI output attached.",
            "not_applicable_reason": "" if deployed else f"this estate deploys no {service or 'matching'} service",
        })
    return tests


# -- customer responsibility ---------------------------------------------------------------------

# What an inspector will ask the regulated company to show for the part no infrastructure meets.
CUSTOMER_EVIDENCE = {
    ("part11", "11.10(a)"): "Validation plan and report for the application on this platform; this package as the infrastructure qualification.",
    ("part11", "11.10(b)"): "Procedure and tested tooling for producing human-readable and electronic copies for inspectors.",
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
    ("annex11", "8.1"): "Procedure for printing clear copies of stored data.",
    ("annex11", "8.2"): "Printout design that shows whether data changed after original entry.",
    ("annex11", "12.2"): "Risk-based rationale for the extent of security controls.",
    ("annex11", "13"): "Incident management SOP and records, including how compliance alerts are triaged.",
    ("annex11", "15"): "Batch release procedure restricting certification to Qualified Persons, with their e-signature records.",
    ("annex11", "16"): "Business continuity plan with tested recovery times for the processes this system supports.",
    ("jp-eres", "3.1.2"): "Procedure and tooling to display and print records legibly for inspection.",
}


def customer_responsibilities(trace: dict) -> list[dict]:
    rows = []
    for fw in trace["frameworks"]:
        for clause in fw["clauses"]:
            if clause["kind"] == "technical":
                continue
            rows.append({
                "framework": fw["id"],
                "clause": clause["id"],
                "title": clause["title"],
                "kind": clause["kind"],
                "share": (
                    "all of it" if clause["kind"] == "procedural"
                    else "the procedural part" if clause["controls"]
                    else "the procedural part; no control covers the technical part yet"
                ),
                "controls": list(clause["controls"]),
                "evidence": CUSTOMER_EVIDENCE.get(
                    (fw["id"], clause["id"]),
                    f"Written procedure for '{clause['title']}' and records showing it is followed.",
                ),
            })
    return rows


# -- change control ------------------------------------------------------------------------------


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
         "record": "Executed IQ/OQ protocols with passing results and an intact hash chain."},
    ]


# -- the package ---------------------------------------------------------------------------------


def build_package(
    trace: dict,
    config,
    *,
    config_path: str,
    stack_names: Iterable[str],
    result_files: list[dict] | None = None,
) -> dict:
    checks = deployed_checks(_registry(trace))
    iq_tests = iq_protocol(trace, checks, config, config_path)
    oq_tests = oq_protocol(trace, stack_names)
    iq_files = [f for f in result_files or () if f.get("kind", "iq") == "iq"]
    oq_files = [f for f in result_files or () if f.get("kind") == "oq"]
    iq_by_control = {t["control"]: t["id"] for t in iq_tests}
    oq_by_control: dict[str, list[str]] = {}
    for t in oq_tests:
        for cid in t["controls"]:
            oq_by_control.setdefault(cid, []).append(t["id"])
    rules = {c["id"]: c["rule"] for c in trace["controls"]}

    requirements = [
        {
            "id": requirement_id(c["id"]),
            "control": c["id"],
            "title": c["title"],
            "requirement": c["statement"],
            "clauses": {fw: ids for fw, ids in c["clauses"].items() if ids},
            "config_rule": c["config_rule"],
            "verified_by": {
                "synthesis": c["rule"],
                "iq": iq_by_control.get(c["id"]),
                "oq": oq_by_control.get(c["id"], []),
            },
        }
        for c in trace["controls"]
    ]

    matrix = []
    for fw in trace["frameworks"]:
        for clause in fw["clauses"]:
            cids = list(clause["controls"])
            matrix.append({
                "key": clause_key(fw["id"], clause["id"]),
                "framework": fw["id"],
                "clause": clause["id"],
                "clause_title": clause["title"],
                "kind": clause["kind"],
                "status": clause["status"],
                "customer_part": clause["customer_part"],
                "requirements": [requirement_id(c) for c in cids],
                "controls": cids,
                "rules": [rules[c] for c in cids if c in rules],
                "iq_tests": [iq_by_control[c] for c in cids if c in iq_by_control],
                "oq_tests": sorted({t for c in cids for t in oq_by_control.get(c, ())}),
            })

    return {
        "schema_version": SCHEMA_VERSION,
        "estate": trace["estate"],
        "generated_at": trace["generated_at"],
        "frameworks": [
            {"id": fw["id"], "title": fw["title"], "edition": fw["edition"],
             "label": FRAMEWORK_LABELS.get(fw["id"], fw["id"]), "summary": trace["summary"]["frameworks"][fw["id"]]}
            for fw in trace["frameworks"]
        ],
        "requirements": requirements,
        "matrix": matrix,
        "iq_protocol": iq_tests,
        "oq_protocol": oq_tests,
        "executed": executed_protocols(iq_files, iq_tests) if iq_files else None,
        "executed_oq": executed_oq(oq_files, oq_tests) if oq_files else None,
        "controls_without_deployed_check": [c["id"] for c in trace["controls"] if c["id"] not in checks],
        "deviations": trace["deviations"],
        "findings": trace["findings"],
        "customer_responsibilities": customer_responsibilities(trace),
        "change_control": change_control(config_path),
    }


def _registry(trace: dict) -> list:
    """The registry's controls the matrix lists, in the matrix's order."""
    from ...controls.registry import by_id

    controls = by_id()
    return [controls[c["id"]] for c in trace["controls"] if c["id"] in controls]
