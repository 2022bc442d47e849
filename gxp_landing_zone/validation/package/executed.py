"""Executed IQ and OQ records as the package files them: read from the results directories, their
hash chains verified, and each protocol test given the verdict its entries support."""

from __future__ import annotations

import json
from pathlib import Path

from ..oq.protocol import OQ_VERDICTS, oq_verdict
from ..record import verify_chain
from .errors import PackageError


def read_results(results_dir: Path, option: str = "--iq-results") -> list[dict]:
    """Every IQ/OQ result file in the directory, each with its kind, entries and chain verdict."""
    results_dir = Path(results_dir)
    if not results_dir.is_dir():
        raise PackageError(f"{option} {results_dir}: not a directory; pass the --out directory of the IQ or OQ run")
    files = []
    for path in sorted(results_dir.glob("*.json")):
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise PackageError(f"{path}: not valid JSON ({exc}); it is not an IQ record (nor an OQ record)") from None
        if isinstance(entries, list) and entries and all(isinstance(e, dict) and "test_id" in e for e in entries):
            kind = "oq"
        elif isinstance(entries, list) and all(isinstance(e, dict) and "control_id" in e for e in entries):
            kind = "iq"
        else:
            raise PackageError(
                f"{path}: expected a list of result entries with control_id (IQ) or test_id (OQ); "
                "it is not an IQ record (nor an OQ record)"
            )
        broken = verify_chain(entries)
        chain = "intact" if broken is None else f"broken at entry {broken}"
        files.append({"file": path.name, "kind": kind, "entries": entries, "chain": chain})
    if not files:
        raise PackageError(f"{option} {results_dir}: no *.json result files in it")
    return files


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
        verdict = oq_verdict(s["outcome"] for s in steps if s["kind"] != "test data")
        if not steps and not t["automated"]:
            verdict = "manual"
        tests.append({"id": t["id"], "automated": t["automated"], "verdict": verdict, "steps": steps})
    known = {t["id"] for t in oq_tests}
    return {
        "files": [{"file": f["file"], "entries": len(f["entries"]), "chain": f["chain"]} for f in files],
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
                "resource": str(e.get("resource", "")),
                "expected": str(e.get("expected", "")),
                "observed": str(e.get("observed", "")),
                "passed": bool(e.get("passed")),
                "checked_at": str(e.get("checked_at", "")),
                "caller": str(e.get("caller", "")),
            })
    tests = []
    for t in iq_tests:
        entries = by_control.get(t["control"], [])
        verdict = "not executed" if not entries else ("pass" if all(e["passed"] for e in entries) else "fail")
        tests.append({"id": t["id"], "control": t["control"], "verdict": verdict, "results": entries})
    known = {t["control"] for t in iq_tests}
    return {
        "files": [{"file": f["file"], "entries": len(f["entries"]), "chain": f["chain"]} for f in files],
        "tests": tests,
        # Results for a control this package has no IQ test for are shown, never dropped.
        "unmatched_controls": sorted(set(by_control) - known),
        "summary": {v: sum(1 for t in tests if t["verdict"] == v) for v in ("pass", "fail", "not executed")},
    }


