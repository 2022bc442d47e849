"""What each change-control step of the pipeline does, given a boto3 session (tests give moto's)."""

from __future__ import annotations

import json
from pathlib import Path

from ..naming import PIPELINE_NAME, Names
from . import emergencies as emergency_records
from . import record as records
from .evidence import EXECUTION_METADATA, EvidenceStore, canonical
from .gate import Candidate, Decision, await_release, decide
from .qualify import assumed, index_of
from .release_service import release_service, signatures
from .render import render
from .synthesis_summary import assembly_hash, read_summary


class StepError(Exception):
    """A step that cannot do its work; the message says why and what to do."""


def store_for(session, config) -> EvidenceStore:
    return EvidenceStore(session.client("s3"), Names(config).evidence_bucket, PIPELINE_NAME)


def write_candidate(session, config, out: Path, execution: str, *, repo: Path = Path("."), clock=None) -> dict:
    """The release candidate of this execution, written once (a retried step with the same results keeps it)."""
    store = store_for(session, config)
    summary = read_summary(out)
    if summary["assembly"]["sha256"] != assembly_hash(out):
        raise StepError("the cloud assembly differs from the one the synth step summarized; run the pipeline again")
    previous = next(iter(store.latest_records(1)), None)
    found = emergency_records.load(repo, config)
    cited = emergency_records.record_all(
        found, config, store, lambda account: assumed(session, account, "gxp-iq-reader", execution), clock=clock
    )
    qualification = index_of(store, execution, "iq", "validation") + index_of(store, execution, "oq", "validation")
    if not qualification:
        raise StepError("no qualification records of the validation accounts for this execution; the IQ and OQ steps write them")
    document = records.candidate(config=config, summary=summary, execution=execution, pipeline=PIPELINE_NAME,
                                 qualification=qualification, emergencies=cited, previous=previous, clock=clock)
    if not document["validation"]["passed"]:
        raise StepError("a qualification record of the validation accounts has failures; nothing is offered for release")
    stored = store.put_once(store.candidate_key(), canonical(document), "application/json", {EXECUTION_METADATA: execution})
    return stored.to_dict()


def check_candidate(store: EvidenceStore, out: Path, execution: str) -> Candidate:
    stored = store.candidate_of(execution)
    if stored is None:
        raise StepError(f"no release candidate for execution {execution}; the ChangeRecord step writes it")
    document = store.read_json(stored.key, stored.version_id)
    summary = read_summary(out)
    if document.get("execution_id") != execution:
        raise StepError(f"the release candidate names execution {document.get('execution_id')}, not {execution}")
    for what, found, expected in (("commit", document["source"].get("commit"), summary["source"].get("commit")),
                                  ("cloud assembly", document["assembly"]["sha256"], assembly_hash(out))):
        if found != expected:
            raise StepError(f"the release candidate's {what} ({found}) is not this execution's ({expected})")
    return Candidate(stored, document)


def gate(session, config, out: Path, execution: str, *, stack: str, wait_seconds: float, sleep=None, clock=None,
         interval: float = 60) -> Decision:
    store = store_for(session, config)
    candidate = check_candidate(store, out, execution)
    service, groups_of = release_service(session, config, stack)

    def read_version(version_id):
        try:
            return store.read_json(store.candidate_key(), version_id)
        except Exception:  # noqa: BLE001 - an unreadable version is reported as such by decide
            return None

    def poll() -> Decision:
        listed, verified = signatures(service, store.bucket, candidate.stored.key)
        return decide(candidate, listed, verified, approver_groups=config.change_control.release.approver_groups,
                      groups_of=groups_of, read_version=read_version)

    kwargs = {k: v for k, v in (("sleep", sleep), ("clock", clock)) if v is not None}
    decision = await_release(poll, wait_seconds=wait_seconds, interval=interval, **kwargs)
    body = {"execution_id": execution, "release_candidate": candidate.stored.to_dict(), **decision.to_dict()}
    store.put(f"{store.execution_prefix(execution)}release.json", canonical(body), "application/json")
    return decision


def write_complete(session, config, out: Path, execution: str, *, clock=None) -> dict:
    store = store_for(session, config)
    candidate = check_candidate(store, out, execution)
    prefix = store.execution_prefix(execution)
    release = store.read_json(f"{prefix}release.json") if store.exists(f"{prefix}release.json") else {"released": False}
    production = index_of(store, execution, "iq", "production")
    document = records.complete(candidate_document=candidate.document, candidate_stored=candidate.stored.to_dict(),
                                release=release, production=production, clock=clock)
    stored = store.put_once(f"{prefix}change-record.json", canonical(document), "application/json")
    store.put_once(f"{prefix}change-record.html", render(document).encode("utf-8"), "text/html")
    return {**stored.to_dict(), "outcome": document["outcome"]}


def fetch(session, config, destination: Path, count: int) -> list[Path]:
    """The newest complete change records and their pages, for the validation package."""
    store = store_for(session, config)
    destination.mkdir(parents=True, exist_ok=True)
    written = []
    for document in store.latest_records(count):
        base = destination / f"change-record-{document['execution_id']}"
        base.with_suffix(".json").write_bytes(canonical(document))
        base.with_suffix(".html").write_text(render(document), encoding="utf-8")
        written.append(base.with_suffix(".json"))
    return written


def dumps(value) -> str:
    return json.dumps(value, indent=1, sort_keys=True, default=str)
