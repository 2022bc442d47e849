"""Executed IQ and OQ records as the package files them: read from the results directories, each one's
chain and seal verified against the qualification-records key's public key and its protocol hash
compared with the package's, and each protocol test given the verdict its entries support.

A record that is malformed, unsealed, broken, cut short, forged or executed against another protocol
is refused: the build stops with the file named and why, and exits non-zero. A valid record's entries
become the qualification evidence of the controls they judge (evidence()).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..oq.protocol import OQ_VERDICTS, oq_verdict
from ..record import read_record
from ..seal import RECORD_FORMAT, fingerprint, verify
from .errors import EXIT_REFUSED, PackageError

PUBLIC_KEY_HELP = (
    "pass --record-public-key with the qualification-records key's public key; fetch it with python -m "
    "gxp_landing_zone.validation public-key --config <estate config> --out record-key.pem (any role of the organization "
    "may read it)"
)


def read_results(results_dir: Path, option: str = "--iq-results", public_key=None,
                 protocols: dict[str, str] | None = None) -> list[dict]:
    """Every IQ/OQ record in the directory, verified; PackageError naming each file refused."""
    results_dir = Path(results_dir)
    if results_dir.exists() and not results_dir.is_dir():
        raise PackageError(f"{option} {results_dir}: a file, not a directory; pass the --out directory of the IQ or OQ run")
    if not results_dir.is_dir():
        raise PackageError(f"{option} {results_dir}: not a directory; pass the --out directory of the IQ or OQ run")
    paths = sorted(results_dir.glob("*.json"))
    if not paths:
        raise PackageError(f"{option} {results_dir}: no *.json result files in it")
    if public_key is None:
        raise PackageError(f"{option}: records are verified before they are filed; {PUBLIC_KEY_HELP}")
    files, refused = [], []
    for path in paths:
        try:
            record = read_record(path)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise PackageError(f"{path}: not valid JSON ({exc}); it is not an IQ record (nor an OQ record)") from None
        kind = _kind(record)
        if kind is None:
            raise PackageError(f"{path}: expected a sealed record of entries with control_id (IQ) or test_id (OQ); "
                               "it is not an IQ record (nor an OQ record)")
        verdict = verify(record, public_key)
        expected = (protocols or {}).get(kind)
        executed = (record.get("protocol") or {}).get("sha256")
        if not verdict.valid:
            refused.append(f"{path.name}: {verdict}")
        elif expected and executed != expected:
            refused.append(f"{path.name}: executed against {kind.upper()} protocol {executed}, but this package's "
                           f"protocol is {expected} (the protocol changed since; re-execute it, or build the package "
                           "from the commit and config it was executed with)")
        files.append({"file": path.name, "kind": kind, "entries": record["entries"], "seal": str(verdict),
                      "account_role": record.get("account_role"), "account_id": record.get("account_id"),
                      "region": record.get("region"), "protocol_sha256": executed,
                      "signed_by": (record.get("seal") or {}).get("signed_by"),
                      "signed_at": (record.get("seal") or {}).get("signed_at")})
    if refused:
        raise PackageError(
            f"{len(refused)} record(s) refused, the package is not built (key fingerprint "
            f"{fingerprint(public_key)[:16]}): " + "; ".join(refused), exit_code=EXIT_REFUSED)
    return files


def _kind(record: dict) -> str | None:
    entries = record.get("entries")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return None
    if record.get("format") == RECORD_FORMAT and record.get("kind") in ("iq", "oq"):
        return record["kind"]
    if entries and all("test_id" in e for e in entries):
        return "oq"
    if all("control_id" in e for e in entries):
        return "iq"
    return None


def _file_rows(files: list[dict]) -> list[dict]:
    return [{k: f[k] for k in ("file", "account_role", "region", "protocol_sha256", "seal", "signed_by", "signed_at")}
            | {"entries": len(f["entries"])} for f in files]


def _counted(steps: list[dict]) -> list[str]:
    """The outcomes a test's verdict follows from. A step one record leaves to be done by hand and
    another record performed (the instrument tests run once inside the account's VPC and once outside)
    counts by its performance; test data never counts."""
    performed = {s["step"] for s in steps if s["kind"] == "step" and s["outcome"] != "manual"}
    return [s["outcome"] for s in steps if s["kind"] != "test data"
            and not (s["kind"] == "step" and s["outcome"] == "manual" and s["step"] in performed)]


def executed_oq(files: list[dict], oq_tests: list[dict]) -> dict:
    by_test: dict[str, list[dict]] = {}
    for f in files:
        for e in f["entries"]:
            by_test.setdefault(str(e["test_id"]), []).append({
                "file": f["file"],
                **{k: str(e.get(k, "")) for k in ("step", "kind", "action", "resource", "expected", "observed",
                                                 "outcome", "checked_at", "caller")},
            })
    tests = []
    for t in oq_tests:
        steps = by_test.get(t["id"], [])
        verdict = oq_verdict(_counted(steps))
        if not steps and not t["automated"]:
            verdict = "manual"
        tests.append({"id": t["id"], "automated": t["automated"], "verdict": verdict, "steps": steps})
    known = {t["id"] for t in oq_tests}
    return {
        "files": _file_rows(files),
        "tests": tests,
        "unmatched_tests": sorted(set(by_test) - known),
        # Locked test versions and test signatures cannot be removed; the package lists them.
        "test_data": [s for t in tests for s in t["steps"] if s["kind"] == "test data"],
        "summary": {v: sum(1 for t in tests if t["verdict"] == v) for v in OQ_VERDICTS},
    }


def executed_protocols(files: list[dict], iq_tests: list[dict]) -> dict:
    by_control: dict[str, list[dict]] = {}
    for f in files:
        for e in f["entries"]:
            by_control.setdefault(e["control_id"], []).append({
                "file": f["file"],
                "target": f"{f['account_role']} {f['region']}",
                "resource": str(e.get("resource", "")),
                "expected": str(e.get("expected", "")),
                "observed": str(e.get("observed", "")),
                "passed": bool(e.get("passed")),
                "checked_at": str(e.get("checked_at", "")),
                "caller": str(e.get("caller", "")),
            })
    covered = {f"{f['account_role']} {f['region']}" for f in files}
    tests = []
    for t in iq_tests:
        entries = by_control.get(t["control"], [])
        missing = [target for target in t["targets"] if target not in covered]
        if any(not e["passed"] for e in entries):
            verdict = "fail"
        elif not entries and not (set(t["targets"]) & covered):
            verdict = "not executed"
        else:
            verdict = "incomplete" if missing else "pass"
        tests.append({"id": t["id"], "control": t["control"], "verdict": verdict, "missing_targets": missing,
                      "results": entries})
    known = {t["control"] for t in iq_tests}
    return {
        "files": _file_rows(files),
        "tests": tests,
        # Results for a control this package has no IQ test for are shown, never dropped.
        "unmatched_controls": sorted(set(by_control) - known),
        "summary": {v: sum(1 for t in tests if t["verdict"] == v) for v in ("pass", "fail", "incomplete", "not executed")},
    }


def evidence(executed: dict | None, executed_oq_: dict | None, oq_tests: list[dict]) -> dict[str, dict]:
    """Per control, what the verified records show: pass (every target's record passed it), fail (an IQ entry
    or an OQ test exercising it failed), or incomplete (targets without a record). Empty without records."""
    if not executed and not executed_oq_:
        return {}
    failed_oq = {t["id"] for t in (executed_oq_ or {}).get("tests", ()) if t["verdict"] == "fail"}
    exercised: dict[str, list[str]] = {}
    for t in oq_tests:
        for cid in t["controls"]:
            exercised.setdefault(cid, []).append(t["id"])
    found = {}
    for t in (executed or {}).get("tests", ()):
        oq_fail = [o for o in exercised.get(t["control"], ()) if o in failed_oq]
        if t["verdict"] == "fail" or oq_fail:
            verdict = "fail"
            detail = "failed in " + ", ".join(([f"{t['id']}"] if t["verdict"] == "fail" else []) + oq_fail)
        elif t["verdict"] == "pass":
            verdict, detail = "pass", f"{t['id']} passed in every target's sealed record"
        else:
            verdict = "incomplete"
            detail = f"{t['id']}: no sealed record for " + ", ".join(t["missing_targets"] or ["any target"])
        found[t["control"]] = {"verdict": verdict, "detail": detail}
    for cid, tests in exercised.items():
        if cid not in found and any(o in failed_oq for o in tests):
            found[cid] = {"verdict": "fail", "detail": "failed in " + ", ".join(o for o in tests if o in failed_oq)}
    return found
