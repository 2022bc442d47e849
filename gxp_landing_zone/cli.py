from __future__ import annotations

import sys

from .config import ConfigError, load_config
from .config import retention_floor
from .estate import new_app
from .synthesis import synthesize, write_compliance_report

DEFAULT_CONFIG = "config/reference.yaml"


def main(outdir: str | None = None) -> int:
    outdir = outdir or "cdk.out"
    # The App reads the CLI's context (-c config=..., cdk.json) however the CLI hands it over.
    app = new_app(outdir)
    try:
        config_path = app.node.try_get_context("config") or DEFAULT_CONFIG
        config = load_config(config_path)
        retention_floor.enforce(config, config_path)
    except ConfigError as error:
        print(f"Configuration error - nothing was synthesized.\n{error}", file=sys.stderr)
        return 2
    result = synthesize(config, outdir, app=app)
    written = write_compliance_report(result, config, outdir)
    report = next((p for p in written if p.name == "index.html"), None)
    if result.findings:
        print(f"\n{len(result.findings)} unacknowledged violation(s); synthesis failed.", file=sys.stderr)
        for finding in result.findings[:50]:
            print(f"  {finding.rule_id}  {finding.path}", file=sys.stderr)
        print(f"Report: {report}", file=sys.stderr)
        return 1
    print(f"Compliance report: {report}", file=sys.stderr)
    return 0
