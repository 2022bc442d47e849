from __future__ import annotations

import json
import os
import sys

from .config import ConfigError, load_config
from .config import retention_floor
from .estate import new_app
from .synthesis import synthesize, write_compliance_report

DEFAULT_CONFIG = "config/reference.yaml"


def _config_path() -> str:
    # The CLI passes -c/--context values and cdk.json's context through CDK_CONTEXT_JSON.
    context = json.loads(os.environ.get("CDK_CONTEXT_JSON") or "{}")
    return context.get("config") or DEFAULT_CONFIG


def main(outdir: str | None = None) -> int:
    try:
        config = load_config(_config_path())
        retention_floor.enforce(config, _config_path())
    except ConfigError as error:
        print(f"Configuration error - nothing was synthesized.\n{error}", file=sys.stderr)
        return 2
    outdir = outdir or "cdk.out"
    result = synthesize(config, outdir, app=new_app(outdir))
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
