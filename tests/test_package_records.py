"""Executed IQ/OQ records in the validation package: a sealed record becomes an executed protocol and
qualification evidence; an edited (chain recomputed), truncated, unsealed, foreign-key or other-protocol
record is refused and the build exits non-zero. Records are sealed here with a local P-256 key through the
same seal() the runners use (tests/test_record_seal.py signs through KMS in moto)."""

from __future__ import annotations

import base64
import csv
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from gxp_landing_zone.controls.registry import all_controls
from gxp_landing_zone.validation.package import PackageError, generate, read_results
from gxp_landing_zone.validation.package.__main__ import main
from gxp_landing_zone.validation.package.schema import validate
from gxp_landing_zone.validation.package.tables import EXECUTED_COLUMNS, OQ_EXECUTED_COLUMNS
from gxp_landing_zone.validation.protocols import IQ_PROTOCOL, OQ_PROTOCOL, iq_protocol_sha256, oq_protocol_sha256
from gxp_landing_zone.validation.record_chain import chain

pytestmark = pytest.mark.synth

CONTROLS = all_controls()
CONFIG_PATH = "config/reference.yaml"


class LocalSigner:
    """Signs as KmsSigner does (ECDSA_SHA_256 over the RAW statement), with a key held in memory."""

    def __init__(self, key=None):
        self.key = key or ec.generate_private_key(ec.SECP256R1())

    def sign(self, message: bytes) -> dict:
        return {"key_arn": "arn:aws:kms:us-east-1:333333333333:key/test", "algorithm": "ECDSA_SHA_256",
                "signed_by": "arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_auditor_x/qa",
                "signature": base64.b64encode(self.key.sign(message, ec.ECDSA(hashes.SHA256()))).decode()}

    def public_pem(self, path: Path) -> Path:
        path.write_bytes(self.key.public_key().public_bytes(serialization.Encoding.PEM,
                                                            serialization.PublicFormat.SubjectPublicKeyInfo))
        return path


@pytest.fixture(scope="module")
def signer() -> LocalSigner:
    return LocalSigner()


@pytest.fixture
def public_key(signer, tmp_path) -> Path:
    return signer.public_pem(tmp_path / "record-key.pem")


def iq_results(tmp_path: Path, config, signer, failing: str | None = None) -> Path:
    """A sealed IQ record as the runner writes it: one passing entry per IQ check, except ``failing``."""
    from gxp_landing_zone.validation.iq import write_results
    from gxp_landing_zone.validation.iq.results import result

    results = [result(c.id, f"resource-of-{c.id}", "as specified", {"observed": c.id != failing}, c.id != failing)
               for c in CONTROLS]
    header = {"account_id": config.log_archive.id, "protocol": {"id": IQ_PROTOCOL, "sha256": iq_protocol_sha256(config)}}
    paths = write_results(results, tmp_path, "log-archive", "us-east-1", header=header, signer=signer)
    assert paths.sealed
    return tmp_path


def oq_results(tmp_path: Path, config, signer, failing: str | None = None) -> Path:
    """A sealed OQ record: every automated test's steps passed (the signature tests not executed), the manual
    ones recorded as manual; ``failing`` fails its first step and records the restoration."""
    from gxp_landing_zone.validation.oq import AUTOMATED, StepResult, write_results
    from gxp_landing_zone.validation.package.builder import OQ_TESTS

    def entry(test_id, step, outcome, kind="step", observed="as expected"):
        return StepResult(test_id=test_id, step=step, kind=kind, action=f"{test_id} step {step}", controls=[],
                          clauses={}, resource="s3://exbio-records-x/oq/run.txt", expected="refused",
                          observed=observed, outcome=outcome, passed=outcome == "pass",
                          checked_at="2026-11-23T22:00:00+00:00", caller="arn:aws:sts::444444444444:assumed-role/qa/t")

    results = []
    for t in OQ_TESTS:
        for i, _ in enumerate(t["steps"], start=1):
            outcome = ("manual" if t["id"] not in AUTOMATED or (t["id"], i) == ("OQ-ALERT-01", 2)
                       else "not executed" if t["id"].startswith("OQ-SIG-")
                       else "fail" if (t["id"], i) == (failing, 1) else "pass")
            results.append(entry(t["id"], str(i), outcome))
        if t["id"] == failing:
            results.append(entry(t["id"], "1", "pass", kind="restore", observed="original in force"))
    results += [entry("OQ-REC-01", "-", "test data", kind="test data", observed='{"retain_until": "2036-11-21"}'),
                entry("OQ-REC-02", "-", "test data", kind="test data", observed='{"retain_until": "2036-11-21"}')]
    header = {"account_id": config.account("regulated-us").id,
              "protocol": {"id": OQ_PROTOCOL, "sha256": oq_protocol_sha256()}}
    assert write_results(results, tmp_path, "regulated-us", "us-east-1", header=header, signer=signer).sealed
    return tmp_path


def _build(out, synthesized, reference_config, public_key, **results) -> dict:
    generate(reference_config, out, config_path=CONFIG_PATH, synthesis=synthesized, cdk_out=synthesized.outdir,
             record_public_key=public_key, **results)
    return json.loads((out / "validation-package.json").read_text(encoding="utf-8"))


def _read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or ()), list(reader)


def _rewrite(record_file: Path, change) -> None:
    """Edit a record as a forger would: change it, then recompute every hash of the chain."""
    record = json.loads(record_file.read_text())
    change(record)
    entries = [{k: v for k, v in e.items() if k not in ("previous_hash", "entry_hash")} for e in record["entries"]]
    record["entries"] = chain(entries)
    record_file.write_text(json.dumps(record))


def test_sealed_iq_record_becomes_the_executed_protocol_and_evidence(synthesized, reference_config, signer,
                                                                       public_key, tmp_path):
    results = iq_results(tmp_path / "iq", reference_config, signer, failing="GXP-S3-01")
    out = tmp_path / "pkg"
    p = _build(out, synthesized, reference_config, public_key, iq_results=results)
    assert validate(p) == []
    verdicts = {t["control"]: t["verdict"] for t in p["executed"]["tests"]}
    # One account's record: a check whose other targets have no record yet is incomplete, never a pass.
    assert verdicts["GXP-S3-01"] == "fail" and "incomplete" in verdicts.values()
    passed = [c for c, v in verdicts.items() if v == "pass"]
    assert passed
    assert [f["seal"].split(" ")[0] for f in p["executed"]["files"]] == ["valid"]
    header, rows = _read_csv(out / "iq-executed.csv")
    assert header == list(EXECUTED_COLUMNS) and rows
    page = (out / "iq-executed.html").read_text(encoding="utf-8")
    assert p["protocol_hashes"][IQ_PROTOCOL] in page  # the executed results cite the frozen protocol
    assert 'href="iq-executed.html"' in (out / "index.html").read_text(encoding="utf-8")
    levels = {r["control"]: r["evidence_level"] for r in p["requirements"]}
    assert {levels[c] for c in passed} == {"qualified"} and levels["GXP-S3-01"] != "qualified"
    assert {levels[c] for c, v in verdicts.items() if v == "incomplete"} <= {"synthesis", "none"}
    assert p["record_key"]["pem"].startswith("-----BEGIN PUBLIC KEY-----")
    # The assessment results carry what was executed, in OSCAL.
    from trestle.oscal.assessment_results import AssessmentResults

    assert AssessmentResults.oscal_read(out / "oscal" / "assessment-results.json").results


@pytest.mark.parametrize("forgery, refusal", [
    ("edited", "altered"),
    ("truncated", "truncated"),
    ("unsealed", "unsigned"),
    ("another key", "signature invalid"),
    ("another protocol", "executed against IQ protocol"),
])
def test_a_forged_or_broken_record_is_refused(synthesized, reference_config, signer, public_key, tmp_path, capsys,
                                              forgery, refusal):
    results = iq_results(tmp_path / "iq", reference_config,
                         LocalSigner() if forgery == "another key" else signer)
    (record_file,) = results.glob("*.json")
    if forgery == "edited":
        _rewrite(record_file, lambda r: r["entries"][1].update(passed=not r["entries"][1]["passed"]))
    elif forgery == "truncated":
        _rewrite(record_file, lambda r: r.update(entries=r["entries"][:3]))
    elif forgery == "unsealed":
        _rewrite(record_file, lambda r: r.update(seal=None))
    elif forgery == "another protocol":
        protocol = {"id": IQ_PROTOCOL, "sha256": "0" * 64}
        from gxp_landing_zone.validation.seal import seal

        record = json.loads(record_file.read_text())
        record_file.write_text(json.dumps(seal({**record, "protocol": protocol}, signer)))
    with pytest.raises(PackageError, match=refusal) as refused:
        _build(tmp_path / "pkg", synthesized, reference_config, public_key, iq_results=results)
    assert refused.value.exit_code == 3 and record_file.name in str(refused.value)
    assert not (tmp_path / "pkg").exists()
    # The command line exits non-zero with the reason, before spending a synthesis.
    code = main(["--config", CONFIG_PATH, "--out", str(tmp_path / "cli"), "--iq-results", str(results),
                 "--record-public-key", str(public_key)])
    err = capsys.readouterr().err
    assert code == 3 and refusal in err and "Traceback" not in err


def test_records_are_verified_only_with_a_public_key(tmp_path, signer, reference_config):
    results = iq_results(tmp_path / "iq", reference_config, signer)
    with pytest.raises(PackageError, match="--record-public-key"):
        read_results(results)


def test_results_that_are_not_an_iq_record_are_refused(tmp_path, public_key):
    from gxp_landing_zone.validation.seal import load_public_key

    (tmp_path / "notes.json").write_text('{"hello": 1}')
    with pytest.raises(PackageError, match="not an IQ record"):
        read_results(tmp_path, public_key=load_public_key(public_key))


def test_executed_oq_protocol_from_oq_results(synthesized, reference_config, signer, public_key, tmp_path):
    # Separate directories (--oq-results) and one shared directory (--iq-results holding both) give
    # the same executed OQ protocol; an IQ-only package keeps its shape (executed_oq null).
    iq_dir = iq_results(tmp_path / "iq", reference_config, signer)
    oq_dir = oq_results(tmp_path / "oq", reference_config, signer, failing="OQ-REC-03")
    shared = iq_results(tmp_path / "shared", reference_config, signer)
    oq_results(shared, reference_config, signer, failing="OQ-REC-03")
    seen = []
    for out, kwargs in ((tmp_path / "separate", {"iq_results": iq_dir, "oq_results": oq_dir}),
                        (tmp_path / "together", {"iq_results": shared})):
        p = _build(out, synthesized, reference_config, public_key, **kwargs)
        assert validate(p) == []
        assert not p["executed"]["summary"].get("fail")
        x = p["executed_oq"]
        verdicts = {t["id"]: t["verdict"] for t in x["tests"]}
        assert verdicts["OQ-REC-03"] == "fail" and verdicts["OQ-REC-01"] == "pass"
        assert verdicts["OQ-AUD-01"] == "manual" and verdicts["OQ-ALERT-01"] == "manual"
        assert {verdicts[f"OQ-SIG-0{n}"] for n in range(1, 7)} == {"not executed"}
        rec03 = next(t for t in x["tests"] if t["id"] == "OQ-REC-03")
        assert [s["kind"] for s in rec03["steps"]] == ["step", "step", "restore"]
        assert len(x["test_data"]) == 2
        header, rows = _read_csv(out / "oq-executed.csv")
        assert header == list(OQ_EXECUTED_COLUMNS) and {r["verdict"] for r in rows} == set(verdicts.values())
        page = (out / "oq-executed.html").read_text(encoding="utf-8")
        assert 'class="verdict-fail">fail<' in page and "Test data kept" in page
        assert 'href="oq-executed.html"' in (out / "index.html").read_text(encoding="utf-8")
        seen.append(verdicts)
    assert seen[0] == seen[1]

    p = _build(tmp_path / "separate", synthesized, reference_config, public_key, iq_results=iq_dir)
    assert p["executed_oq"] is None and not (tmp_path / "separate" / "oq-executed.html").exists()


QA_RECORDS = """
customer_parts:
  - {framework: part11, clause: "11.10(a)", evidence: "VMP-001 v2.0", recorded_by: "J. Rivera (QA)", date: 2026-12-01}
exception_approvals:
  - {id: DEV-001, approved_by: "J. Rivera (QA)", date: 2026-12-01}
documents:
  URS: {version: "1.0", status: approved, history: [{version: "1.0", date: 2026-12-01, author: "J. Rivera", change: "Approved"}]}
deviations:
  - {id: QD-001, document: OQP, test: OQ-REC-04 step 1, observed: "HTTP GET accepted", impact: "TLS deny missing",
     action: "Policy redeployed; OQ-REC-04 re-executed", raised_by: "J. Rivera (QA)", date: 2026-12-02}
"""


def test_what_qa_recorded_reaches_the_documents(synthesized, reference_config, tmp_path):
    qa = tmp_path / "qa.yaml"
    qa.write_text(QA_RECORDS)
    out = tmp_path / "pkg"
    generate(reference_config, out, config_path=CONFIG_PATH, synthesis=synthesized, cdk_out=synthesized.outdir,
             qa_records=qa)
    p = json.loads((out / "validation-package.json").read_text(encoding="utf-8"))
    assert p["documents"]["URS"]["version"] == "1.0" and p["documents"]["URS"]["status"] == "approved"
    assert p["exceptions"][0]["approval"]["approved_by"] == "J. Rivera (QA)"
    assert [d["id"] for d in p["qualification_deviations"]] == ["QD-001"]
    assert "QD-001" in (out / "deviation-form.html").read_text(encoding="utf-8")
    (cell,) = [r for r in p["customer_responsibilities"] if (r["framework"], r["clause"]) == ("part11", "11.10(a)")]
    assert cell["recorded"]["evidence"] == "VMP-001 v2.0"

    qa.write_text(QA_RECORDS.replace("DEV-001", "DEV-999"))
    with pytest.raises(PackageError, match="DEV-999"):
        generate(reference_config, tmp_path / "bad", config_path=CONFIG_PATH, synthesis=synthesized,
                 cdk_out=synthesized.outdir, qa_records=qa)
