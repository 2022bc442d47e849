"""The validation package as one plain dict: document control, validation plan facts, risk assessment,
user requirements, specification, traceability, IQ/OQ/PQ protocols and UAT scripts (each frozen by its
hash), executed results, exceptions, qualification deviations, change control and the customer's share.

Everything is derived from the regulation catalog, the control registry, the traceability matrix of a
synthesis, the verified IQ/OQ records and what QA recorded, so a change to any of them changes the
package on the next build and nothing here can drift from what synthesis and qualification proved. The
renderers (render*.py, diagrams.py, oscal*.py) only format this dict.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..documents import CREDITS
from ..oq.protocol import AUTOMATED, OQ_TESTS
from ..protocols import IQ_PROTOCOL, OQ_PROTOCOL, iq_protocol, iq_test_id, protocol_sha256, requirement_id
from ..protocols import oq_definition
from .customer import customer_responsibilities
from .errors import PackageError  # noqa: F401  (the package's API)
from .executed import executed_oq, executed_protocols, read_results  # noqa: F401  (read_results: the package's API)
from .pq_uat import UAT_SCRIPTS, pq_protocol
from .risk import components, fmea, risk_class
from .runbook import change_control
from .summary import summary_report
from .user_needs import USER_NEEDS

# 2.0: document control, user needs, risk assessment, PQ/UAT, exception entries, sealed records.
SCHEMA_VERSION = "2.0"
FRAMEWORK_LABELS = {"part11": "21 CFR Part 11", "annex11": "EU GMP Annex 11", "jp-eres": "JP ER/ES",
                    "eu-ai-act": "EU AI Act"}

__all__ = ["build_package", "clause_key", "iq_test_id", "requirement_id"]


def clause_key(framework_id: str, clause_id: str) -> str:
    """A token usable as an HTML anchor and an OSCAL control-id: 11.10(e) -> part11_11.10_e."""
    token = re.sub(r"[^A-Za-z0-9.]+", "_", clause_id).strip("_")
    return f"{framework_id}_{token}"


def oq_protocol(trace: dict, stack_names: Iterable[str]) -> list[dict]:
    known = {c["id"] for c in trace["controls"]}
    stacks = list(stack_names)
    tests = []
    for t in OQ_TESTS:
        controls = [c for c in t["controls"] if c in known]
        service = t.get("service")
        deployed = bool(service and any(s.startswith(service) for s in stacks)) if service else bool(controls)
        tests.append({
            "id": t["id"],
            "title": t["title"],
            "controls": controls,
            "requirements": [requirement_id(c) for c in controls],
            "applicable": deployed,
            "automated": t["id"] in AUTOMATED,
            "preconditions": (
                "A validation account inside the regulated boundary, deployed from this estate and qualified by IQ; "
                "a tester identity with the regulated-data-operator permission set; the test object's cleanup "
                "recorded (a locked version stays until its retention ends and is labelled as test data)."
            ),
            "steps": [{"action": a, "expected": e} for a, e in t["steps"]],
            "acceptance": "Every step's observed result matches the expected result; the sealed record attached.",
            "not_applicable_reason": "" if deployed else f"this estate deploys no {service or 'matching'} service",
        })
    return tests


def _need_rows(needs, iq_by_control: dict, executed: dict | None, executed_oq_: dict | None) -> list[dict]:
    iq_verdicts = {t["id"]: t["verdict"] for t in (executed or {}).get("tests", ())}
    oq_verdicts = {t["id"]: t["verdict"] for t in (executed_oq_ or {}).get("tests", ())}
    rows = []
    for n in needs:
        iq = [iq_by_control[c] for c in n.controls if c in iq_by_control]
        results = {t: iq_verdicts.get(t, "not executed") for t in iq}
        results |= {t: oq_verdicts.get(t, "not executed") for t in n.oq}
        results |= {t: "manual (form)" for t in (*n.pq, *n.uat)}
        rows.append({"id": n.id, "user": n.user, "need": n.need, "controls": list(n.controls),
                     "requirements": [requirement_id(c) for c in n.controls],
                     "tests": {"iq": iq, "oq": list(n.oq), "pq": list(n.pq), "uat": list(n.uat)},
                     "risk": risk_class(n), "results": results})
    return rows


def build_package(
    trace: dict,
    config,
    *,
    config_path: str,
    stack_names: Iterable[str],
    result_files: list[dict] | None = None,
    qa=None,
    documents: dict | None = None,
    record_key: dict | None = None,
) -> dict:
    from ...controls.registry import by_id

    stack_names = list(stack_names)
    registry = by_id()
    controls = [registry[c["id"]] for c in trace["controls"] if c["id"] in registry]
    iq_tests = iq_protocol(controls, config)
    oq_tests = oq_protocol(trace, stack_names)
    pq_tests = pq_protocol(config)
    iq_files = [f for f in result_files or () if f.get("kind", "iq") == "iq"]
    oq_files = [f for f in result_files or () if f.get("kind") == "oq"]
    executed = executed_protocols(iq_files, iq_tests) if iq_files else None
    executed_oq_ = executed_oq(oq_files, oq_tests) if oq_files else None
    iq_by_control = {t["control"]: t["id"] for t in iq_tests}
    oq_by_control: dict[str, list[str]] = {}
    for t in oq_tests:
        for cid in t["controls"]:
            oq_by_control.setdefault(cid, []).append(t["id"])
    rules = {c["id"]: c["rule"] for c in trace["controls"]}
    needs_of: dict[str, list[str]] = {}
    for n in USER_NEEDS:
        for cid in n.controls:
            needs_of.setdefault(cid, []).append(n.id)

    requirements = [
        {
            "id": requirement_id(c["id"]),
            "control": c["id"],
            "title": c["title"],
            "requirement": c["statement"],
            "user_needs": needs_of.get(c["id"], []),
            "clauses": {fw: ids for fw, ids in c["clauses"].items() if ids},
            "operational": c.get("operational", ""),
            "evidence_level": c["evidence_level"],
            "config_rule": c["config_rule"],
            "verified_by": {"synthesis": c["rule"], "iq": iq_by_control.get(c["id"]), "oq": oq_by_control.get(c["id"], [])},
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
                "status_reason": clause["status_reason"],
                "customer_part": clause["customer_part"],
                "requirements": [requirement_id(c) for c in cids],
                "controls": cids,
                "rationales": clause["rationales"],
                "documents": [d["code"] for d in clause["documents"]],
                "rules": [rules[c] for c in cids if c in rules],
                "iq_tests": [iq_by_control[c] for c in cids if c in iq_by_control],
                "oq_tests": sorted({t for c in cids for t in oq_by_control.get(c, ())}),
                "exceptions": clause["exceptions"],
            })

    approvals = {a.id: a.model_dump(mode="json") for a in (qa.exception_approvals if qa else ())}
    package = {
        "schema_version": SCHEMA_VERSION,
        "estate": trace["estate"],
        "generated_at": trace["generated_at"],
        "documents": documents or {},
        "record_key": record_key,
        "frameworks": [
            {"id": fw["id"], "title": fw["title"], "edition": fw["edition"], "regime": fw.get("regime", "gxp"),
             "label": FRAMEWORK_LABELS.get(fw["id"], fw["title"]), "summary": trace["summary"]["frameworks"][fw["id"]]}
            for fw in trace["frameworks"]
        ],
        "regimes": trace.get("regimes", []),
        "risk": {"components": components(stack_names), "fmea": fmea(USER_NEEDS)},
        "user_needs": _need_rows(USER_NEEDS, iq_by_control, executed, executed_oq_),
        "requirements": requirements,
        "matrix": matrix,
        "document_credits": [{"framework": fw, "clause": clause, "documents": list(codes), "rationale": why}
                             for (fw, clause), (codes, why) in CREDITS.items()],
        "iq_protocol": iq_tests,
        "oq_protocol": oq_tests,
        "pq_protocol": pq_tests,
        "uat_scripts": [{**u, "steps": [{"action": a, "expected": e} for a, e in u["steps"]]} for u in UAT_SCRIPTS],
        "protocol_hashes": {IQ_PROTOCOL: protocol_sha256(iq_tests), OQ_PROTOCOL: protocol_sha256(oq_definition()),
                            "PQP": protocol_sha256(pq_tests), "UAT": protocol_sha256(list(UAT_SCRIPTS))},
        "executed": executed,
        "executed_oq": executed_oq_,
        "controls_without_deployed_check": [c["id"] for c in trace["controls"] if c["id"] not in iq_by_control],
        "operational_controls": trace["summary"].get("operational_controls", []),
        "exceptions": [{**e, "approval": approvals.get(e["id"])} for e in trace["exceptions"]],
        "deviations": trace["deviations"],
        "qualification_deviations": [d.model_dump(mode="json") for d in (qa.deviations if qa else ())],
        "findings": trace["findings"],
        "customer_responsibilities": customer_responsibilities(trace),
        "change_control": change_control(config_path),
    }
    package["summary_report"] = summary_report(package)
    return package
