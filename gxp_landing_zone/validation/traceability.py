"""The traceability matrix: clause -> controls -> resources, with a status per clause.

The result is a plain dict so every output format (JSON, CSV, Markdown, HTML) renders the
same facts and none of them re-derives a status.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Iterable

from .catalog import Catalog, Clause

MET = "met"
MET_WITH_DEVIATION = "met with deviation"
NOT_MET = "not met"
NO_RESOURCES = "no resources in scope"
NOT_COVERED = "not yet covered"
CUSTOMER = "customer responsibility"
# Worst first: the order the summary and the report list them in.
STATUSES = (NOT_MET, NOT_COVERED, MET_WITH_DEVIATION, NO_RESOURCES, MET, CUSTOMER)

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
    return {
        "stack": evaluation.stack,
        "logical_id": evaluation.logical_id,
        "type": evaluation.resource_type,
        "path": evaluation.path,
        "outcome": evaluation.outcome,
        "observed": getattr(evaluation, "observed", ""),
        "result": result_of(evaluation),
        "deviation_reason": evaluation.acknowledged_reason if result_of(evaluation) == DEVIATION else None,
    }


def _checked_by(control) -> str:
    """The module a reviewer opens to see what the control requires and how it is read."""
    module = getattr(getattr(control, "check", None), "__module__", None)
    return f"{module}.check" if module else "?"


EVIDENCE = (
    "The synthesized CloudFormation template, judged by the controls engine; after deployment, the same "
    "check on the deployed resource in an IQ record"
)


def clause_status(clause: Clause, citing: list[str], results: dict[str, list[str]]) -> str:
    """``citing``: ids of the controls citing the clause; ``results``: per control, its results."""
    if clause.kind == "procedural":
        return CUSTOMER
    if not citing:
        return NOT_COVERED
    found = [r for cid in citing for r in results.get(cid, ())]
    if not found:
        return NO_RESOURCES
    if FAILED in found:
        return NOT_MET
    if DEVIATION in found:
        return MET_WITH_DEVIATION
    return MET


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
) -> dict:
    controls = list(controls)
    # The same evaluation logged twice (a pack applied twice) is one piece of evidence.
    evaluations = sorted(dict.fromkeys(evaluations), key=lambda e: (e.control_id, e.stack, e.logical_id, e.path))
    resources = {c.id: [_resource(e) for e in evaluations if e.control_id == c.id] for c in controls}
    results = {cid: [r["result"] for r in rs] for cid, rs in resources.items()}

    control_rows = [
        {
            "id": c.id,
            "title": c.title,
            "statement": c.statement,
            "clauses": {fw.id: list(c.clauses.get(fw.id, ())) for fw in catalog},
            "rule": _checked_by(c),
            "rationales": {fw: dict(clauses) for fw, clauses in c.rationales.items() if clauses},
            "resource_types": list(c.resource_types),
            "config_rule": c.config_rule,
            "evidence": EVIDENCE,
            "counts": {k: results[c.id].count(k) for k in (COMPLIANT, DEVIATION, FAILED)},
            "resources": resources[c.id],
        }
        for c in controls
    ]

    frameworks = []
    for fw in catalog:
        clauses = []
        for clause in fw.clauses:
            citing = [c.id for c in controls if clause.id in c.clauses.get(fw.id, ())]
            status = clause_status(clause, citing, results)
            clauses.append(
                {
                    "id": clause.id,
                    "title": clause.title,
                    "kind": clause.kind,
                    "text": clause.text,
                    "status": status,
                    # A shared clause is only half met by infrastructure; the customer's
                    # procedures carry the rest, and the report must not suggest otherwise.
                    "customer_part": clause.kind == "shared" and status in (MET, MET_WITH_DEVIATION),
                    "controls": citing,
                    "resources": {cid: resources[cid] for cid in citing},
                }
            )
        frameworks.append({"id": fw.id, "title": fw.title, "edition": fw.edition, "clauses": clauses})

    deviation_rows = [asdict(d) for d in sorted(set(deviations), key=lambda d: (d.pack, d.rule_id, d.stack, d.path))]
    finding_rows = [asdict(f) for f in sorted(set(findings), key=lambda f: (f.pack, f.rule_id, f.path))]
    known = {c.id for c in controls}

    record_rows = [_with_control_results(row, evaluations) for row in records or []]

    return {
        "estate": estate_name,
        # Per regulated account: what is kept where, for how long, under which key (11.10(c), Annex 11 7.1, 17).
        "records": record_rows,
        "generated_at": generated_at,
        "statuses": list(STATUSES),
        "frameworks": frameworks,
        "controls": control_rows,
        "deviations": deviation_rows,
        "findings": finding_rows,
        "summary": {
            "frameworks": {
                fw["id"]: {s: sum(1 for c in fw["clauses"] if c["status"] == s) for s in STATUSES}
                for fw in frameworks
            },
            "controls": len(controls),
            "evaluations": len(evaluations),
            "resources_evaluated": len({(e.stack, e.logical_id) for e in evaluations}),
            # Evidence for a control the registry no longer has: shown, not silently dropped.
            "unregistered_controls": sorted({e.control_id for e in evaluations} - known),
            "deviations_by_pack": dict(sorted(Counter(d["pack"] for d in deviation_rows).items())),
            "findings_by_pack": dict(sorted(Counter(f["pack"] for f in finding_rows).items())),
        },
    }


# -- regulated records ------------------------------------------------------------------------

RECORD_COLUMNS = (
    "account", "account_id", "jurisdiction", "region", "data_class", "de_identified", "bucket",
    "retention_days", "retention", "lock_mode", "key", "replication_targets", "controls",
)


def records_section(config) -> list[dict]:
    """One row per regulated account x region x data class, derived from the config exactly as
    the RecordsStack derives its resources."""
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
