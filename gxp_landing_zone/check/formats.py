"""The checker's three outputs: text for a person, JSON for scripts, SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..controls.engine import EngineResult, Evaluation
from ..controls.model import Control

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FRAMEWORK_LABELS = {"part11": "21 CFR Part 11", "annex11": "EU GMP Annex 11", "jp-eres": "MHLW ER/ES", "eu-ai-act": "EU AI Act"}


def clause_text(control: Control) -> str:
    return "; ".join(f"{FRAMEWORK_LABELS.get(fw, fw)} {', '.join(ids)}" for fw, ids in control.clauses.items() if ids)


def failed(result: EngineResult) -> list[Evaluation]:
    return [e for e in result.evaluations if e.failed]


def text(result: EngineResult, controls: dict[str, Control]) -> str:
    lines = []
    for e in failed(result):
        state = f"acknowledged: {e.acknowledged_reason}" if e.acknowledged_reason else e.outcome
        lines += [
            f"{e.control_id}  {controls[e.control_id].title}  [{state}]",
            f"    {e.stack}/{e.logical_id} ({e.resource_type})  {e.path}",
            f"    {e.observed}",
            f"    {clause_text(controls[e.control_id])}",
        ]
    findings = len(result.findings)
    resources = len({(e.stack, e.logical_id) for e in result.evaluations})
    lines.append(
        f"{len(result.stacks)} template(s), {resources} resource(s) checked by {len(controls)} controls: "
        f"{len(result.evaluations)} evaluations, {findings} finding(s), {len(failed(result)) - findings} acknowledged."
    )
    for note in result.unreadable_stack_sets:
        lines.append(f"StackSet not judged: {note}")
    if result.unchecked_types:
        lines.append(f"{sum(result.unchecked_types.values())} resource(s) of {len(result.unchecked_types)} type(s) no control applies to.")
    return "\n".join(lines) + "\n"


def as_json(result: EngineResult, controls: dict[str, Control]) -> str:
    return json.dumps(
        {
            "findings": len(result.findings),
            "evaluations": [
                {**e.__dict__, "clauses": {k: list(v) for k, v in controls[e.control_id].clauses.items() if v}}
                for e in result.evaluations
            ],
            "unchecked_types": result.unchecked_types,
        },
        indent=2,
        sort_keys=True,
    ) + "\n"


_LINE_CACHE: dict[str, dict[str, int]] = {}


def _line_of(file: str | None, logical_id: str) -> int | None:
    """Where a resource starts in its template file, so code scanning can point at it."""
    if not file:
        return None
    if file not in _LINE_CACHE:
        try:
            lines = Path(file).read_text(encoding="utf-8").splitlines()
        except OSError:
            lines = []
        found: dict[str, int] = {}
        key = re.compile(r'^\s*"?([A-Za-z0-9]+)"?\s*:\s*\{?\s*$')
        for number, line in enumerate(lines, 1):
            match = key.match(line)
            if match:
                found.setdefault(match.group(1), number)
        _LINE_CACHE[file] = found
    return _LINE_CACHE[file].get(logical_id)


def sarif(result: EngineResult, controls: dict[str, Control], base: Path) -> str:
    ids = sorted(controls)
    rules = [
        {
            "id": cid,
            "name": "".join(w.capitalize() for w in re.findall(r"[A-Za-z0-9]+", controls[cid].title)),
            "shortDescription": {"text": controls[cid].title},
            "fullDescription": {"text": controls[cid].statement},
            "help": {"text": "\n".join(
                f"{FRAMEWORK_LABELS.get(fw, fw)} {clause}: {why}"
                for fw, clauses in controls[cid].rationales.items() for clause, why in clauses.items()
            )},
            "properties": {"tags": [f"{fw}:{c}" for fw, cs in controls[cid].clauses.items() for c in cs]},
            "defaultConfiguration": {"level": "error"},
        }
        for cid in ids
    ]
    results = []
    for e in failed(result):
        location = {"logicalLocations": [{"name": e.logical_id, "fullyQualifiedName": e.path, "kind": "resource"}]}
        if e.file:
            try:
                uri = Path(e.file).resolve().relative_to(base.resolve()).as_posix()
            except ValueError:
                uri = Path(e.file).resolve().as_posix()
            physical = {"artifactLocation": {"uri": uri}}
            line = _line_of(e.file, e.logical_id)
            if line:
                physical["region"] = {"startLine": line}
            location["physicalLocation"] = physical
        entry = {
            "ruleId": e.control_id,
            "ruleIndex": ids.index(e.control_id),
            "level": "error",
            "message": {"text": f"{e.stack}/{e.logical_id} ({e.resource_type}): {e.observed}"},
            "locations": [location],
        }
        if e.acknowledged_reason:
            entry["suppressions"] = [{"kind": "external", "justification": e.acknowledged_reason}]
        results.append(entry)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "gxp-landing-zone-controls", "version": "1.0.0", "rules": rules}}, "results": results}],
    }
    return json.dumps(document, indent=2) + "\n"
