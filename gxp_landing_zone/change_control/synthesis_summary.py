"""What the synth step knows and the change record needs, written beside the assembly it describes
(``cdk.out/change-control/synthesis.json``): the commit, the assembly's hash, the test results, the
synthesis gate's result, the acknowledgements in force, the diff and the controls and clauses it touches."""

from __future__ import annotations

import hashlib
import json
import os
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from ..controls.assembly import read_assembly
from ..controls.context import ControlContext
from ..controls.engine import evaluate
from ..controls.registry import all_controls
from . import diff as cdk_diff

SUMMARY = "change-control/synthesis.json"
# Written by the report or by this step, not by CDK: not part of what is deployed.
NOT_ASSEMBLY = ("change-control/", "compliance/", "validation-report.json", "tree.json")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def assembly_hash(out: Path) -> str:
    """One SHA-256 over every file CDK wrote (path and content), in a fixed order: the same templates and
    assets give the same hash on any machine."""
    digest = hashlib.sha256()
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        relative = path.relative_to(out).as_posix()
        if relative.startswith(NOT_ASSEMBLY) or relative.endswith(".dot"):
            continue
        digest.update(f"{relative}\0{sha256_file(path)}\n".encode())
    return digest.hexdigest()


def test_results(junit: Path | None) -> dict:
    if junit is None or not junit.exists():
        return {"recorded": False}
    root = ElementTree.parse(junit).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    totals = {k: sum(int(s.get(k, 0) or 0) for s in suites) for k in ("tests", "failures", "errors", "skipped")}
    seconds = sum(float(s.get("time", 0) or 0) for s in suites)
    return {"recorded": True, **totals, "seconds": round(seconds, 1), "junit_sha256": sha256_file(junit)}


def acknowledgements(stacks) -> list[dict]:
    return sorted(
        ({"stack": s.name, "path": path, "rule": rule, "reason": reason}
         for s in stacks for path, rules in s.acknowledgements.items() for rule, reason in rules.items()),
        key=lambda a: (a["stack"], a["path"], a["rule"]),
    )


def controls_touched(diffs: list[cdk_diff.StackDiff], evaluations) -> list[dict]:
    """Each control judged on a resource the change adds or modifies (or on a new stack), with its clauses."""
    changed = {(d.stack, r.logical_id) for d in diffs for r in d.resources if r.change != "removed"}
    by_id = {c.id: c for c in all_controls()}
    touched: dict[str, set[str]] = {}
    for e in evaluations:
        if (e.stack, e.logical_id) in changed:
            touched.setdefault(e.control_id, set()).add(f"{e.stack}/{e.logical_id}")
    return [
        {"control": cid, "title": by_id[cid].title,
         "clauses": {fw: list(ids) for fw, ids in by_id[cid].clauses.items() if ids},
         "resources": sorted(resources)}
        for cid, resources in sorted(touched.items())
    ]


def summarize(config, config_path: Path, out: Path, *, junit: Path | None, diff_text: str | None,
              environ=os.environ) -> dict:
    stacks = read_assembly(out)
    result = evaluate(stacks, all_controls(), ControlContext.from_config(config))
    diffs = cdk_diff.parse(diff_text) if diff_text is not None else []
    report = out / "validation-report.json"
    pack_failures = 0
    if report.exists():
        pack_failures = sum(len(v.get("violatingConstructs", [])) for p in json.loads(report.read_text()).get(
            "pluginReports", []) for v in p.get("violations", []))
    return {
        "source": {
            "commit": environ.get("CODEBUILD_RESOLVED_SOURCE_VERSION", ""),
            "repository": config.change_control.source.repository or config.change_control.source.codecommit_repository
            or f"s3://{config.change_control.source.s3_bucket}/{config.change_control.source.s3_key}",
            "branch": config.change_control.source.branch,
        },
        "config": {"path": str(config.change_control.source.config_path), "sha256": sha256_file(config_path)},
        "assembly": {"sha256": assembly_hash(out), "stacks": len([s for s in stacks if s.file])},
        "tests": test_results(junit),
        "synthesis": {
            "passed": not result.findings and pack_failures == 0,
            "control_findings": len(result.findings),
            "pack_findings": pack_failures,
            "evaluations": len(result.evaluations),
        },
        "acknowledgements": acknowledgements(stacks),
        "diff": {"recorded": diff_text is not None, "stacks": [d.to_dict() for d in diffs]},
        "controls_touched": controls_touched(diffs, result.evaluations),
    }


def write_summary(summary: dict, out: Path) -> Path:
    path = out / SUMMARY
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_summary(out: Path) -> dict:
    return json.loads((out / SUMMARY).read_text(encoding="utf-8"))
