"""The change record of one execution, written by the pipeline's steps into a locked evidence bucket in
moto: the release candidate QA signs, the gate's decision, the complete record as JSON and a readable page,
and the copies the validation package takes. The release signature is applied through the service's own
sign operation (tests/change_control/_release.py)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from change_control._release import APPROVERS, EVIDENCE, NOW, ReleaseWorld
from gxp_landing_zone.change_control import steps
from gxp_landing_zone.change_control.__main__ import main as step_main
from gxp_landing_zone.change_control.evidence import canonical
from gxp_landing_zone.change_control.synthesis_summary import assembly_hash, write_summary
from gxp_landing_zone.config import load_config
from gxp_landing_zone.naming import Names
from gxp_landing_zone.validation.package import PackageError
from gxp_landing_zone.validation.package.change_records import include_change_records

ROOT = Path(__file__).resolve().parents[2]
CONFIG = load_config(ROOT / "config" / "reference.yaml")
COMMIT = "c0ffee" + "0" * 34


def assembly(tmp_path: Path, *, ack_reason: str = "reason") -> Path:
    """A cloud assembly of one template and the synth step's summary of it."""
    out = tmp_path / "cdk.out"
    out.mkdir(parents=True)
    (out / "Records-regulated-us-us-east-1.template.json").write_text('{"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}')
    summary = {
        "source": {"commit": COMMIT, "repository": "example-biotech/gxp-landing-zone", "branch": "main"},
        "config": {"path": "config/reference.yaml", "sha256": "f" * 64},
        "assembly": {"sha256": assembly_hash(out), "stacks": 1},
        "tests": {"recorded": True, "tests": 1200, "failures": 0, "errors": 0, "skipped": 0, "seconds": 300.0},
        "synthesis": {"passed": True, "control_findings": 0, "pack_findings": 0, "evaluations": 2049},
        "acknowledgements": [{"stack": "Records-regulated-us-us-east-1", "path": "/Bucket", "rule": "GXP-S3-08", "reason": ack_reason}],
        "diff": {"recorded": True, "stacks": [{
            "stack": "Records-regulated-us-us-east-1", "changed": True, "diff": "[~] AWS::S3::Bucket Bucket Bucket",
            "resources": [{"change": "modified", "resource_type": "AWS::S3::Bucket", "logical_id": "Bucket", "path": "Bucket"}],
        }]},
        "controls_touched": [{"control": "GXP-S3-01", "title": "Records buckets are versioned",
                              "clauses": {"part11": ["11.10(c)"]}, "resources": ["Records-regulated-us-us-east-1/Bucket"]}],
    }
    write_summary(summary, out)
    return out


def qualified(world: ReleaseWorld, execution: str, stage: str, *, failed: int = 0) -> None:
    """The index the IQ/OQ steps leave in the execution's folder (qualify.py)."""
    accounts = ["validation-us", "validation-eu"] if stage == "validation" else ["regulated-us", "log-archive"]
    for kind in ("iq", "oq") if stage == "validation" else ("iq",):
        records = [{"kind": kind, "account": a, "region": "us-east-1", "bucket": EVIDENCE, "key": f"{a}.json",
                    "version_id": "v1", "sha256": "1" * 64, "entries": 40, "failed": failed, "chain_head": "2" * 64}
                   for a in accounts]
        key = f"{world.store.execution_prefix(execution)}qualification/{kind}-{stage}.json"
        world.store.put(key, canonical({"records": records}), "application/json")


@pytest.fixture
def released(world, monkeypatch):
    """A gate that finds the world's signature service where the deployed one would be."""
    monkeypatch.setattr(steps, "release_service", lambda session, config, stack: (world.service, world.groups_of))
    return world


def test_the_evidence_bucket_is_the_one_the_release_world_locks():
    assert Names(CONFIG).evidence_bucket == EVIDENCE


def test_a_change_travels_from_candidate_to_complete_record(released, tmp_path):
    world, out = released, assembly(tmp_path)
    qualified(world, "exec-1", "validation")
    candidate = steps.write_candidate(world.session, CONFIG, out, "exec-1", repo=tmp_path, clock=lambda: NOW)
    document = world.store.read_json(candidate["key"], candidate["version_id"])
    assert document["kind"] == "release-candidate" and document["source"]["commit"] == COMMIT
    assert document["validation"]["passed"] and len(document["validation"]["qualification"]) == 4
    assert document["acknowledgements"]["compared_with_previous_record"] is False

    world.user("quinn", "Quinn QA", APPROVERS)
    world.sign(candidate["version_id"], "quinn", [APPROVERS])
    decision = steps.gate(world.session, CONFIG, out, "exec-1", stack="unused", wait_seconds=0)
    assert decision.released

    qualified(world, "exec-1", "production")
    final = steps.write_complete(world.session, CONFIG, out, "exec-1", clock=lambda: NOW)
    assert final["outcome"] == "released by electronic signature, deployed to production and qualified"
    record = world.store.read_json(final["key"], final["version_id"])
    assert record["kind"] == "change-record" and record["release_candidate"]["sha256"] == candidate["sha256"]
    assert record["release"]["signature"]["record_sha256"] == candidate["sha256"]
    assert record["production"]["passed"] and record["changes"]["stacks"][0]["resources"][0]["logical_id"] == "Bucket"
    page = world.store.read(final["key"].replace(".json", ".html")).decode()
    for shown in (COMMIT, "Meaning: approved-for-release", "GXP-S3-01", "11.10(c)", "Quinn", "Qualification in production"):
        assert shown in page, shown
    assert "<script" not in page


def test_every_record_is_kept_under_object_lock_compliance(released, tmp_path):
    world, out = released, assembly(tmp_path)
    qualified(world, "exec-1", "validation")
    candidate = steps.write_candidate(world.session, CONFIG, out, "exec-1", repo=tmp_path)
    head = world.s3.head_object(Bucket=EVIDENCE, Key=candidate["key"], VersionId=candidate["version_id"])
    assert head["ObjectLockMode"] == "COMPLIANCE"


def test_a_retried_step_keeps_the_version_it_wrote(released, tmp_path):
    world, out = released, assembly(tmp_path)
    qualified(world, "exec-1", "validation")
    first = steps.write_candidate(world.session, CONFIG, out, "exec-1", repo=tmp_path, clock=lambda: NOW)
    again = steps.write_candidate(world.session, CONFIG, out, "exec-1", repo=tmp_path, clock=lambda: NOW)
    assert again == first and len(world.store.versions(first["key"])) == 1


def test_an_unsigned_change_is_recorded_as_not_released(released, tmp_path):
    world, out = released, assembly(tmp_path)
    qualified(world, "exec-1", "validation")
    steps.write_candidate(world.session, CONFIG, out, "exec-1", repo=tmp_path)
    decision = steps.gate(world.session, CONFIG, out, "exec-1", stack="unused", wait_seconds=0)
    assert not decision.released and "no signature yet" in decision.summary
    final = steps.write_complete(world.session, CONFIG, out, "exec-1")
    assert final["outcome"] == "not released"
    release = world.store.read_json(f"{world.store.execution_prefix('exec-1')}release.json")
    assert release["released"] is False and release["summary"] == decision.summary


def test_a_failed_validation_qualification_offers_nothing_for_release(released, tmp_path):
    world, out = released, assembly(tmp_path)
    qualified(world, "exec-1", "validation", failed=2)
    with pytest.raises(steps.StepError, match="has failures; nothing is offered for release"):
        steps.write_candidate(world.session, CONFIG, out, "exec-1", repo=tmp_path)
    assert world.store.candidate_of("exec-1") is None


def test_no_candidate_without_qualification_records(released, tmp_path):
    with pytest.raises(steps.StepError, match="no qualification records of the validation accounts"):
        steps.write_candidate(released.session, CONFIG, assembly(tmp_path), "exec-1", repo=tmp_path)


def test_an_assembly_changed_after_synthesis_is_refused(released, tmp_path):
    world, out = released, assembly(tmp_path)
    qualified(world, "exec-1", "validation")
    (out / "Records-regulated-us-us-east-1.template.json").write_text('{"Resources": {}}')
    with pytest.raises(steps.StepError, match="cloud assembly differs"):
        steps.write_candidate(world.session, CONFIG, out, "exec-1", repo=tmp_path)


def test_the_gate_refuses_a_candidate_of_another_assembly(released, tmp_path):
    world, out = released, assembly(tmp_path)
    qualified(world, "exec-1", "validation")
    steps.write_candidate(world.session, CONFIG, out, "exec-1", repo=tmp_path)
    (out / "extra.template.json").write_text("{}")
    with pytest.raises(steps.StepError, match="release candidate's cloud assembly .* is not this execution's"):
        steps.gate(world.session, CONFIG, out, "exec-1", stack="unused", wait_seconds=0)


def test_the_next_record_lists_acknowledgements_added_and_removed(released, tmp_path):
    world = released
    world.user("quinn", "Quinn QA", APPROVERS)
    first = assembly(tmp_path / "one", ack_reason="first")
    qualified(world, "exec-1", "validation")
    steps.write_candidate(world.session, CONFIG, first, "exec-1", repo=tmp_path)
    steps.write_complete(world.session, CONFIG, first, "exec-1")
    second = assembly(tmp_path / "two", ack_reason="second")
    # A new acknowledgement on another path, the old one gone.
    summary = json.loads((second / "change-control/synthesis.json").read_text())
    summary["acknowledgements"][0]["path"] = "/OtherBucket"
    write_summary(summary, second)
    qualified(world, "exec-2", "validation")
    stored = steps.write_candidate(world.session, CONFIG, second, "exec-2", repo=tmp_path)
    acks = world.store.read_json(stored["key"], stored["version_id"])["acknowledgements"]
    assert acks["compared_with_previous_record"] is True
    assert [a["path"] for a in acks["added"]] == ["/OtherBucket"] and [a["path"] for a in acks["removed"]] == ["/Bucket"]


def test_the_validation_package_takes_the_latest_records(released, tmp_path):
    world, out = released, assembly(tmp_path)
    qualified(world, "exec-1", "validation")
    steps.write_candidate(world.session, CONFIG, out, "exec-1", repo=tmp_path)
    steps.write_complete(world.session, CONFIG, out, "exec-1")
    written = steps.fetch(world.session, CONFIG, tmp_path / "package-records", 5)
    assert [p.name for p in written] == ["change-record-exec-1.json"]
    assert (tmp_path / "package-records" / "change-record-exec-1.html").exists()
    # `make validation-package CHANGE_RECORDS=...` copies them unchanged and lists them.
    included = include_change_records(tmp_path / "package-records", tmp_path / "package")
    assert sorted(p.name for p in included) == ["change-record-exec-1.html", "change-record-exec-1.json", "index.html"]
    copy = tmp_path / "package" / "change-records" / "change-record-exec-1.json"
    assert copy.read_bytes() == written[0].read_bytes()
    index = (tmp_path / "package" / "change-records" / "index.html").read_text()
    assert "exec-1" in index and COMMIT in index and hashlib.sha256(copy.read_bytes()).hexdigest() in index


@pytest.mark.parametrize("make,expected", [
    (lambda d: None, "is not a directory"),
    (lambda d: d.mkdir(), "holds no change-record-*.json"),
    (lambda d: (d.mkdir(), (d / "change-record-x.json").write_text('{"kind": "release-candidate"}')), "is not a complete change record"),
    (lambda d: (d.mkdir(), (d / "change-record-x.json").write_text("{")), "is not a readable JSON change record"),
])
def test_the_package_refuses_what_is_not_a_change_record(tmp_path, make, expected):
    make(tmp_path / "records")
    with pytest.raises(PackageError, match=f"--change-records: .*{re.escape(expected)}"):
        include_change_records(tmp_path / "records", tmp_path / "package")


def test_a_step_without_its_execution_says_so(monkeypatch, capsys, released, tmp_path):
    monkeypatch.delenv("GXP_EXECUTION_ID", raising=False)
    code = step_main(["record", "candidate", "--config", str(ROOT / "config" / "reference.yaml"),
                      "--cdk-out", str(tmp_path)], session=released.session)
    assert code == 1
    assert "GXP_EXECUTION_ID is not set" in capsys.readouterr().err
