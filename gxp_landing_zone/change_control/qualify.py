"""IQ and OQ of several accounts as pipeline steps: each account read (IQ) or exercised (OQ) through the
role it gives the pipeline, every record kept in the execution's evidence folder with its hash, and one
failed check failing the step, which stops the pipeline (Annex 11 4.7, 10; 21 CFR 11.10(a))."""

from __future__ import annotations

import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import boto3

from ..config.change_control import oq_targets
from ..controls.registry import all_controls
from ..naming import IQ_READER_ROLE, OQ_EXECUTOR_ROLE
from ..validation.iq.runner import deployed_applies, run_iq, write_results as write_iq
from ..validation.oq.runner import run_oq, write_results as write_oq
from ..validation.record import read_record
from .evidence import EvidenceStore
from .record import qualification_entry

ROLES = {"iq": IQ_READER_ROLE, "oq": OQ_EXECUTOR_ROLE}


def assumed(session: boto3.Session, account_id: str, role: str, execution: str) -> boto3.Session:
    credentials = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{role}", RoleSessionName=f"gxp-{role}-{execution}"[:64],
        DurationSeconds=3600,
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def targets(config, kind: str, roles: list[str]) -> list[tuple[str, str]]:
    """(account role, region) pairs: IQ wherever a control's deployed half applies, OQ in each workload region."""
    pairs = []
    for role in roles:
        account = config.account(role)
        if kind == "oq":
            pairs += [(role, r) for r in config.workload_regions(account)]
        else:
            controls = all_controls()
            pairs += [(role, r) for r in config.allowed_regions if any(deployed_applies(c, account, r, config) for c in controls)]
    return pairs


def _run_one(kind, config, role, region, session, oq_class) -> tuple[list, Path]:
    out = Path(tempfile.mkdtemp(prefix=f"gxp-{kind}-"))
    if kind == "iq":
        results = run_iq(session, config, role, region)
        json_path = write_iq(results, out, role, region).json
    else:
        results = run_oq(session, config, role, region, data_class=oq_class)
        json_path = write_oq(results, out, role, region).json
    return results, json_path


def qualify(
    kind: str, config, roles: list[str], *, store: EvidenceStore, execution: str,
    session_for: Callable[[str, str], boto3.Session], jobs: int = 4,
) -> list[dict]:
    """Run and keep every record; returns the change record's qualification entries (failed > 0 on any failure)."""
    if kind == "oq":
        allowed = {a.role for a in oq_targets(config)}
        outside = [r for r in roles if r not in allowed]
        if outside:
            raise ValueError(f"OQ runs only in the configured OQ targets ({', '.join(sorted(allowed))}); not in {', '.join(outside)}")
    stage = "validation" if all(config.account(r).is_validation for r in roles) else "production"
    prefix = f"{store.execution_prefix(execution)}qualification/"
    oq_class = (config.change_control.validation.oq_data_class if config.change_control.validation else None)

    def one(pair):
        role, region = pair
        account = config.account(role)
        try:
            session = session_for(account.id, ROLES[kind])
            results, json_path = _run_one(kind, config, role, region, session, oq_class)
        except Exception as exc:  # noqa: BLE001 - an account that cannot be qualified fails the step, with why
            return {"kind": kind, "account": role, "region": region, "bucket": store.bucket, "key": "", "version_id": "",
                    "sha256": "", "entries": 0, "failed": 1, "chain_head": None, "error": f"{type(exc).__name__}: {exc}"}
        stored = None
        for path in sorted(json_path.parent.glob(json_path.stem + ".*")):
            media = {".json": "application/json", ".csv": "text/csv", ".html": "text/html"}[path.suffix]
            written = store.put(prefix + path.name, path.read_bytes(), media)
            stored = written if path.suffix == ".json" else stored
        entries = read_record(json_path)["entries"]
        return qualification_entry(kind, role, region, stored.to_dict(), entries)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        found = list(pool.map(one, targets(config, kind, roles)))
    index = {"kind": kind, "stage": stage, "execution_id": execution, "records": found}
    store.put(f"{prefix}{kind}-{stage}.json", json.dumps(index, indent=1, sort_keys=True).encode(), "application/json")
    return found


def index_of(store: EvidenceStore, execution: str, kind: str, stage: str) -> list[dict]:
    key = f"{store.execution_prefix(execution)}qualification/{kind}-{stage}.json"
    return store.read_json(key)["records"] if store.exists(key) else []
