"""python -m gxp_landing_zone.check PATH [--config estate.yaml] [--account ID --region R] [--format text|json|sarif]

Runs every control on CloudFormation: a cloud assembly (cdk.out), a folder of templates, or one
template (JSON or YAML), including templates this app did not write - a customer's own workload stacks
in a regulated account, say. The verdicts are the ones ``cdk synth`` gives.

Exit codes: 0 no finding, 1 at least one unacknowledged finding, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import ConfigError, load_config
from ..controls.assembly import InputError, read_templates
from ..controls.context import ControlContext
from ..controls.engine import MalformedTemplate, evaluate
from ..controls.registry import all_controls
from .formats import as_json, sarif, text

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gxp_landing_zone.check", description=__doc__.split("\n\n")[1])
    parser.add_argument("path", help="cdk.out, a folder of templates, or one template")
    parser.add_argument("--config", help="the estate YAML; without it, requirements that come from the config cannot be proven")
    parser.add_argument("--account", help="account the templates deploy to (when the assembly does not say)")
    parser.add_argument("--region", help="region the templates deploy to (when the assembly does not say)")
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    parser.add_argument("--output", help="write the result here instead of standard output")
    args = parser.parse_args(argv)
    try:
        context = ControlContext.from_config(load_config(args.config)) if args.config else ControlContext.without_config()
        stacks = read_templates(args.path, account=args.account, region=args.region)
        controls = all_controls()
        result = evaluate(stacks, controls, context)
    except (ConfigError, InputError, MalformedTemplate) as exc:
        print(f"check: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    by_id = {c.id: c for c in controls}
    rendered = {
        "text": lambda: text(result, by_id),
        "json": lambda: as_json(result, by_id),
        "sarif": lambda: sarif(result, by_id, Path(args.path) if Path(args.path).is_dir() else Path(args.path).parent),
    }[args.format]()
    if args.output:
        try:
            Path(args.output).write_text(rendered, encoding="utf-8")
        except OSError as exc:
            print(f"check: error: cannot write {args.output}: {exc}", file=sys.stderr)
            return EXIT_INPUT
    else:
        sys.stdout.write(rendered)
    return EXIT_FINDINGS if result.findings else EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
