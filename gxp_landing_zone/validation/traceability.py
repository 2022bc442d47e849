"""The traceability matrix: clause -> controls -> resources, with a status per clause and an evidence
level per control.

The result is a plain dict so every output format (JSON, CSV, Markdown, HTML) renders the same facts
and none of them re-derives a status. Statuses and evidence levels are defined in statuses.py; a
clause is "met" only when synthesis and executed, signed IQ/OQ records agree (and, for a shared
clause, the customer recorded its part).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Iterable

from .catalog import Catalog
from .documents import BY_CODE, CREDITS
from .exceptions import exception_id, exception_log
from .statuses import (
    CUSTOMER_HELD_CLAUSES, EVIDENCE_LEVELS, MEANINGS, NOT_APPLICABLE_CLAUSES, STATUSES, ControlEvidence, clause_status,
)

# What one evaluation counts as for its control.
COMPLIANT, DEVIATION, FAILED = "compliant", "deviation", "not_met"


def result_of(evaluation) -> str:
    if evaluation.outcome == "COMPLIANT":
        return COMPLIANT
    # A violation or an unprovable value is a deviation only when an acknowledgement accepted it.
    if evaluation.acknowledged_reason is not None:
        return DEVIATION
    return FAILED


def _resource(evaluation) -> dict:
    deviation = result_of(evaluation) == DEVIATION
    return {
        "stack": evaluation.stack,
        "logical_id": evaluation.logical_id,
        "type": evaluation.resource_type,
        "path": evaluation.path,
        "outcome": evaluation.outcome,
        "observed": getattr(evaluation, "observed", ""),
        "result": result_of(evaluation),
        "deviation_reason": evaluation.acknowledged_reason if deviation else None,
        "exception": exception_id(evaluation.acknowledged_reason) if deviation else None,
    }


def _checked_by(control) -> str:
    """The module a reviewer opens to see what the control requires and how it is read."""
    module = getattr(getattr(control, "check", None), "__module__", None)
    return f"{module}.check" if module else "?"


EVIDENCE = (
    "The synthesized CloudFormation template, judged by the controls engine; after deployment, the same "
    "check on the deployed resource in a signed IQ record"
)


def _status_reason(status: str, citing: list[str], evidence: dict, documents: list[str], key, kind: str) -> str:
    """One line on why the clause has its status, naming what is missing."""
    if key in NOT_APPLICABLE_CLAUSES:
        return NOT_APPLICABLE_CLAUSES[key]
    if key in CUSTOMER_HELD_CLAUSES and status == "customer responsibility":
        return CUSTOMER_HELD_CLAUSES[key]
    failed = [c for c in citing if evidence[c].failed]
    pending = [c for c in citing if evidence[c].results and evidence[c].level != "qualified" and not evidence[c].failed]
    parts = {
        "not met": f"failed: {', '.join(failed)}",
        "verified at synthesis (qualification pending)": f"no passing, signed IQ/OQ record yet for {', '.join(pending)}",
        "customer part open": "the customer's part is not recorded" + (
            f"; the package's {', '.join(documents)} serve the platform's part" if documents else ""),
        "not yet covered": "no control or package document serves it",
        "no resources in scope": "its controls apply to no resource of this estate",
        "customer responsibility": "procedural: the customer's procedures alone",
    }
    return parts.get(status, "qualified" + (" and the customer's part recorded" if kind == "shared" or documents else ""))


def build_traceability(
    catalog: Catalog,
    controls: Iterable,
    evaluations: Iterable,
    deviations: Iterable,
    findings: Iterable,
    *,
    estate_name: str,
    generated_at: str,
    records: list[dict] | None = None,
    qualification: dict[str, dict] | None = None,
    customer_records: dict[tuple[str, str], dict] | None = None,
    regimes: list[dict] | None = None,
) -> dict:
    """``qualification``: per control ID, what the executed IQ/OQ records given show (verdict pass / fail /
    incomplete, and details); None when no record was given. ``customer_records``: (framework, clause) ->
    what QA recorded for the customer's part. ``regimes``: per account, its regimes and the packs run there."""
    controls = list(controls)
    qualification = qualification or {}
    customer_records = customer_records or {}
    # The same evaluation logged twice (a pack applied twice) is one piece of evidence.
    evaluations = sorted(dict.fromkeys(evaluations), key=lambda e: (e.control_id, e.stack, e.logical_id, e.path))
    resources = {c.id: [_resource(e) for e in evaluations if e.control_id == c.id] for c in controls}
    results = {cid: [r["result"] for r in rs] for cid, rs in resources.items()}
    evidence = {
        c.id: ControlEvidence(tuple(results[c.id]), (qualification.get(c.id) or {}).get("verdict")) for c in controls
    }

    control_rows = [
        {
            "id": c.id,
            "title": c.title,
            "statement": c.statement,
            "clauses": {fw.id: list(c.clauses.get(fw.id, ())) for fw in catalog},
            "rule": _checked_by(c),
            "rationales": {fw: dict(clauses) for fw, clauses in c.rationales.items() if clauses},
            "regimes": list(getattr(c, "regimes", ("gxp",))),
            "operational": getattr(c, "operational", ""),
            "resource_types": list(c.resource_types),
            "config_rule": c.config_rule,
            "evidence": EVIDENCE,
            "evidence_level": evidence[c.id].level,
            "qualification": qualification.get(c.id),
            "counts": {k: results[c.id].count(k) for k in (COMPLIANT, DEVIATION, FAILED)},
            "resources": resources[c.id],
        }
        for c in controls
    ]

    frameworks = []
    for fw in catalog:
        clauses = []
        for clause in fw.clauses:
            key = (fw.id, clause.id)
            citing = [c.id for c in controls if clause.id in c.clauses.get(fw.id, ())]
            codes, credit = CREDITS.get(key, ((), ""))
            record = customer_records.get(key)
            status = clause_status(clause.kind, key, [evidence[c] for c in citing], bool(codes), record is not None)
            shared = clause.kind == "shared" or bool(codes)
            clauses.append({
                "id": clause.id,
                "title": clause.title,
                "kind": clause.kind,
                "text": clause.text,
                "regime": fw.regime,
                "status": status,
                "status_reason": _status_reason(status, citing, evidence, list(codes), key, clause.kind),
                # A shared clause is only half met by infrastructure; the customer's procedures carry the rest,
                # and the report must not suggest otherwise.
                "customer_part": ("recorded" if record else "open") if shared and clause.kind != "procedural" else None,
                "customer_record": record,
                "not_applicable_reason": NOT_APPLICABLE_CLAUSES.get(key),
                "controls": citing,
                "rationales": {cid: next(c for c in controls if c.id == cid).rationale(fw.id, clause.id) for cid in citing},
                "documents": [{"code": code, "title": BY_CODE[code].title, "stem": BY_CODE[code].stem} for code in codes],
                "documents_rationale": credit,
                "exceptions": sorted({r["exception"] for cid in citing for r in resources[cid] if r["exception"]}),
                "resources": {cid: resources[cid] for cid in citing},
            })
        frameworks.append({"id": fw.id, "title": fw.title, "edition": fw.edition, "regime": fw.regime,
                           "clauses": clauses})

    deviation_rows = [asdict(d) for d in sorted(set(deviations), key=lambda d: (d.pack, d.rule_id, d.stack, d.path))]
    finding_rows = [asdict(f) for f in sorted(set(findings), key=lambda f: (f.pack, f.rule_id, f.path))]
    known = {c.id for c in controls}
    exceptions = exception_log(deviation_rows, {c.id: c for c in controls})

    record_rows = [_with_control_results(row, evaluations) for row in records or []]

    return {
        "estate": estate_name,
        # Per regulated account: what is kept where, for how long, under which key (11.10(c), Annex 11 7.1, 17).
        "records": record_rows,
        "generated_at": generated_at,
        "statuses": list(STATUSES),
        "status_meanings": dict(MEANINGS),
        "qualification_records": bool(qualification),
        "regimes": regimes or [],
        "frameworks": frameworks,
        "controls": control_rows,
        "deviations": deviation_rows,
        "exceptions": exceptions,
        "findings": finding_rows,
        "summary": {
            "frameworks": {
                fw["id"]: {s: sum(1 for c in fw["clauses"] if c["status"] == s) for s in STATUSES}
                for fw in frameworks
            },
            "evidence_levels": {lvl: sum(1 for c in control_rows if c["evidence_level"] == lvl) for lvl in EVIDENCE_LEVELS},
            "controls": len(controls),
            "operational_controls": sorted(c["id"] for c in control_rows if c["operational"]),
            "evaluations": len(evaluations),
            "resources_evaluated": len({(e.stack, e.logical_id) for e in evaluations}),
            # Evidence for a control the registry no longer has: shown, not silently dropped.
            "unregistered_controls": sorted({e.control_id for e in evaluations} - known),
            "deviations_by_pack": dict(sorted(Counter(d["pack"] for d in deviation_rows).items())),
            "exceptions": len(exceptions),
            "exceptions_by_risk": dict(sorted(Counter(e["risk"] for e in exceptions).items())),
            "findings_by_pack": dict(sorted(Counter(f["pack"] for f in finding_rows).items())),
        },
    }


# -- regulated records ------------------------------------------------------------------------

RECORD_COLUMNS = (
    "account", "account_id", "jurisdiction", "region", "data_class", "de_identified", "bucket",
    "retention_days", "retention", "lock_mode", "archive_tier", "oldest_versions_read", "key", "replication_targets",
    "controls",
)


def records_section(config) -> list[dict]:
    """One row per regulated account x region x data class, derived from the config exactly as
    the RecordsStack derives its resources."""
    from ..config.continuity import ARCHIVE_TIER_RETRIEVAL
    from ..config.regions import REGION_JURISDICTION
    from ..naming import Names

    names = Names(config)
    rows = []
    for account in config.regulated_accounts:
        for region in config.workload_regions(account):
            for data_class in config.data_classes:
                targets = []
                for target in data_class.replicate_to:
                    destination = config.account(target.account)
                    target_region = target.region or config.workload_regions(destination)[0]
                    if (destination.id, target_region) != (account.id, region):
                        targets.append(
                            f"{names.records_bucket(data_class.name, destination.id, target_region)} "
                            f"({target_region}, {REGION_JURISDICTION[target_region]})"
                        )
                retention = (
                    f"{data_class.retention_years} years" if data_class.retention_years else f"{data_class.days} days"
                )
                pascal = "".join(part.capitalize() for part in data_class.name.split("-"))
                stack = f"Records-{account.role}-{region}"
                rows.append(
                    {
                        "account": account.role,
                        "account_id": account.id,
                        "jurisdiction": account.jurisdiction,
                        "region": region,
                        "data_class": data_class.name,
                        "de_identified": data_class.de_identified,
                        "bucket": names.records_bucket(data_class.name, account.id, region),
                        "retention_days": data_class.days,
                        "retention": retention,
                        "lock_mode": "COMPLIANCE",
                        # 11.10(c) "readily retrievable": what the configured archive tier means for a reader.
                        "archive_tier": data_class.archive_tier,
                        "oldest_versions_read": ARCHIVE_TIER_RETRIEVAL[data_class.archive_tier],
                        "key": names.records_key_alias_arn(data_class.name, account.id, region),
                        "replication_targets": targets,
                        "stack": stack,
                        "path_prefix": f"{stack}/{pascal}Records/Bucket/",
                    }
                )
    return rows


def _with_control_results(row: dict, evaluations) -> dict:
    """Adds, per control checked on this record bucket, its result (compliant / deviation / not_met)."""
    results: dict[str, str] = {}
    prefix = row.get("path_prefix")
    for e in evaluations if prefix else ():
        if e.path.startswith(prefix):
            current = results.get(e.control_id, COMPLIANT)
            result = result_of(e)
            # The worst result of the control on this bucket counts.
            order = (COMPLIANT, DEVIATION, FAILED)
            results[e.control_id] = max(current, result, key=order.index)
    return {**row, "controls": dict(sorted(results.items()))}
