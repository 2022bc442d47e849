"""The seal of IQ/OQ records through KMS (moto signs and verifies with an ECC_NIST_P256 key): a sealed
record verifies against the key's public key; an edited entry (chain recomputed), a truncated record
or a seal copied from another record does not. A finished record is never lost: a failed seal leaves it
on disk to be sealed later, an unwritable --out sends it to a temporary directory. The IQ, OQ, records
and package commands answer bad input in one line with an exit code, never a traceback."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from gxp_landing_zone.validation.__main__ import main as validation
from gxp_landing_zone.validation.iq import write_results
from gxp_landing_zone.validation.iq.results import result
from gxp_landing_zone.validation.record_chain import chain
from gxp_landing_zone.validation.seal import KmsSigner, load_public_key, verify
from tests.record_keys import make_signing_key
from tests.test_iq import REFERENCE_CONFIG, REGION
from tests.test_iq import fake_credentials  # noqa: F401  (autouse fixture: moto credentials)

RESULTS = [result(f"GXP-S3-0{n}", f"bucket-{n}", "as specified", "as specified", True) for n in range(1, 6)]
HEADER = {"account_id": "222222222222", "protocol": {"id": "IQP", "sha256": "ab" * 32}}


@pytest.fixture
def kms(tmp_path):
    """(session, key ARN, public key file) in moto."""
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        key = make_signing_key(session, alias=None)
        code = validation(["public-key", "--signing-key", key, "--out", str(tmp_path / "key.pem")])
        assert code == 0
        yield session, key, tmp_path / "key.pem"


def _resealed_without_key(record: dict, change) -> dict:
    change(record)
    record["entries"] = chain([{k: v for k, v in e.items() if k not in ("previous_hash", "entry_hash")}
                               for e in record["entries"]])
    return record


def test_a_sealed_record_verifies_and_a_forged_one_does_not(kms, tmp_path, capsys):
    session, key, pem = kms
    paths = write_results(RESULTS, tmp_path / "iq", "log-archive", REGION, header=HEADER, signer=KmsSigner(session, key))
    assert paths.sealed and paths.note == ""
    record = json.loads(paths.json.read_text())
    public = load_public_key(pem)
    assert verify(record, public).valid and record["seal"]["key_arn"] == key
    assert "Seal: signed by" in paths.html.read_text()

    edited = _resealed_without_key(json.loads(json.dumps(record)), lambda r: r["entries"][2].update(passed=False))
    truncated = _resealed_without_key(json.loads(json.dumps(record)), lambda r: r.update(entries=r["entries"][:2]))
    other = json.loads(json.dumps(record))
    other["region"] = "eu-central-1"  # the seal of one record pasted onto another
    assert verify(edited, public).state == "altered"
    assert verify(truncated, public).state == "truncated"
    assert verify(other, public).state == "altered"
    broken = json.loads(json.dumps(record))
    broken["entries"][1]["passed"] = False  # edited without recomputing the chain
    assert verify(broken, public).state.startswith("broken chain at entry 1")

    files = []
    for name, body in (("edited", edited), ("truncated", truncated)):
        files.append(tmp_path / f"{name}.json")
        files[-1].write_text(json.dumps(body))
    assert validation(["verify", str(paths.json), *map(str, files), "--public-key", str(pem)]) == 1
    out = capsys.readouterr().out
    assert f"{paths.json}: valid" in out and "edited.json: altered" in out and "truncated.json: truncated" in out


def test_a_record_that_could_not_be_sealed_is_kept_and_sealed_later(kms, tmp_path, capsys):
    session, key, pem = kms

    class Unreachable:
        def sign(self, message):
            raise ConnectionError("KMS did not answer")

    paths = write_results(RESULTS, tmp_path / "iq", "log-archive", REGION, header=HEADER, signer=Unreachable())
    assert not paths.sealed and "KMS did not answer" in paths.note
    record = json.loads(paths.json.read_text())
    assert record["seal"] is None and len(record["entries"]) == len(RESULTS)
    assert verify(record, load_public_key(pem)).state == "unsigned"

    assert validation(["seal", str(paths.json), "--signing-key", key]) == 0
    assert verify(json.loads(paths.json.read_text()), load_public_key(pem)).valid
    capsys.readouterr()
    # A seal is never replaced.
    assert validation(["seal", str(paths.json), "--signing-key", key]) == 2
    assert "already sealed" in capsys.readouterr().err


def test_an_unwritable_out_sends_the_record_to_a_temporary_directory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    paths = write_results(RESULTS, blocker / "iq", "log-archive", REGION, header=HEADER)
    assert paths.json.exists() and not str(paths.json).startswith(str(tmp_path))
    assert "could not be written" in paths.note and str(paths.json.parent) in paths.note


@pytest.mark.parametrize("command", ["iq", "oq"])
def test_runner_bad_input_is_one_line(command, tmp_path, capsys, monkeypatch):
    role = "log-archive" if command == "iq" else "validation-us"  # the OQ runs only in validation accounts
    base = [command, "--config", str(REFERENCE_CONFIG), "--region", REGION, "--account-role", role]
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    cases = [
        ([*base, "--out", str(a_file)], 2, "is a file"),
        ([*base, "--out", str(tmp_path / "r"), "--signing-profile", "no-such-profile"], 2, "no-such-profile"),
        ([*base, "--out", str(tmp_path / "r"), "--protocol-sha256", "00" * 32], 2, "approved protocol"),
    ]
    for argv, code, message in cases:
        assert validation(argv) == code, argv
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1 and "Traceback" not in err
    # AWS that does not answer: one line, exit 3, nothing written.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    assert validation([*base, "--out", str(tmp_path / "unreachable")]) == 3
    err = capsys.readouterr().err
    assert "cannot sign in to AWS (Could not connect" in err and "Traceback" not in err


def test_records_commands_answer_bad_input(tmp_path, capsys):
    (tmp_path / "notes.json").write_text("not json")
    (tmp_path / "key.pem").write_text("not a key")
    for argv, message in (
        (["verify", str(tmp_path / "notes.json"), "--public-key", str(tmp_path / "key.pem")], "not a PEM or DER"),
        (["seal", str(tmp_path / "notes.json"), "--signing-key", "k"], "not JSON"),
        (["seal", str(tmp_path / "missing.json"), "--signing-key", "k"], "cannot read it"),
    ):
        assert validation(argv) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err


def test_package_command_answers_bad_input(tmp_path, capsys):
    from gxp_landing_zone.validation.package.__main__ import main as package

    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    results = tmp_path / "results"
    results.mkdir()
    (results / "iq.json").write_text("{ truncated")
    (tmp_path / "key.pem").write_text("not a key")
    for argv, message in (
        (["--out", str(a_file)], "is a file"),
        (["--iq-results", str(a_file)], "a file, not a directory"),
        (["--iq-results", str(results), "--record-public-key", str(tmp_path / "key.pem")], "not a PEM or DER"),
    ):
        code = package(["--config", str(REFERENCE_CONFIG), *(["--out", str(tmp_path / "pkg")] if "--out" not in argv else []),
                        *argv])
        err = capsys.readouterr().err
        assert code == 2 and message in err and "Traceback" not in err, err
    assert not (tmp_path / "pkg").exists()
