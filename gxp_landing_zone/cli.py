from __future__ import annotations

import sys

from .config import ConfigError, load_config
from .config import retention_floor
from .estate import new_app
from .synthesis import synthesize, write_compliance_report

DEFAULT_CONFIG = "config/reference.yaml"
FRAMEWORK_LABELS = {"part11": "Part 11", "annex11": "Annex 11", "jp-eres": "MHLW ER/ES", "eu-ai-act": "EU AI Act"}
SHOWN = 50


def _clauses(clauses: dict) -> str:
    return "; ".join(f"{FRAMEWORK_LABELS.get(fw, fw)} {', '.join(ids)}" for fw, ids in clauses.items() if ids)


def main(outdir: str | None = None) -> int:
    outdir = outdir or "cdk.out"
    # The App reads the CLI's context (-c config=..., cdk.json) however the CLI hands it over.
    app = new_app(outdir)
    try:
        config_path = app.node.try_get_context("config")
        if config_path is None:
            config_path = DEFAULT_CONFIG
        elif not str(config_path).strip():
            # An empty -c config= is a mistake, not a request for the reference estate.
            raise ConfigError("the config context is empty: pass -c config=path/to/estate.yaml (or leave it out for "
                              f"{DEFAULT_CONFIG})")
        config = load_config(config_path)
        retention_floor.enforce(config, config_path)
    except ConfigError as error:
        print(f"Configuration error - nothing was synthesized.\n{error}", file=sys.stderr)
        return 2
    result = synthesize(config, outdir, app=app)
    written = write_compliance_report(result, config, outdir)
    report = next((p for p in written if p.name == "index.html"), None)
    stacks = len(result.assembly.stacks) if result.assembly else 0
    instances = (len(result.engine.stacks) - stacks) if result.engine else 0
    if result.findings:
        print(f"\n{len(result.findings)} unacknowledged violation(s); synthesis failed.", file=sys.stderr)
        for finding in result.findings[:SHOWN]:
            where = f"{finding.stack}/{finding.logical_id}" if finding.stack else finding.path
            print(f"  {finding.rule_id}  {where}  ({finding.path})", file=sys.stderr)
            print(f"      {finding.description}", file=sys.stderr)
            if finding.clauses:
                print(f"      {_clauses(finding.clauses)}", file=sys.stderr)
        if len(result.findings) > SHOWN:
            print(f"  ... and {len(result.findings) - SHOWN} more in {report}", file=sys.stderr)
        print(f"Report: {report}", file=sys.stderr)
        return 1
    evaluations = len(result.evaluations)
    print(
        f"Synthesized {stacks} stacks and judged {instances} StackSet instances: {evaluations} control evaluations, "
        f"no violation. Report: {report}",
        file=sys.stderr,
    )
    return 0
