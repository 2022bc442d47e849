"""python -m gxp_landing_zone.validation.package --config config/reference.yaml --out validation-package/
    [--iq-results iq-results/] [--oq-results oq-results/] [--record-public-key record-key.pem]
    [--qa-records qa-records.yaml] [--change-records change-records/] [--pdf] [--cdk-out DIR]

Exit codes: 0 package written, 1 package written but synthesis has open findings (the matrix shows the
clauses not met), 2 config or input problem, 3 evidence refused (a record malformed, unsealed, broken,
cut short, forged or executed against another protocol): nothing is written."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

# jsii's Node end-of-life banner would otherwise bury the one-line errors promised above.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

EXIT_FINDINGS, EXIT_USAGE = 1, 2


def _error(message: str, code: int = EXIT_USAGE) -> int:
    print(f"validation-package: error: {message}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gxp_landing_zone.validation.package",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="estate YAML, e.g. config/reference.yaml")
    parser.add_argument("--out", default="validation-package", help="directory the package is written to")
    parser.add_argument("--iq-results", help="directory of IQ (and OQ) records (the --out of make iq)")
    parser.add_argument("--oq-results", help="directory of OQ records (the --out of make oq)")
    parser.add_argument("--record-public-key", help="PEM or DER public key of the qualification-records key; required "
                                                    "with results (python -m gxp_landing_zone.validation public-key)")
    parser.add_argument("--qa-records", help="YAML of what QA recorded: customer parts, exception approvals, document "
                                             "versions, qualification deviations")
    parser.add_argument("--pdf", action="store_true", help="also print every document to PDF (headless Chromium)")
    parser.add_argument("--cdk-out", help="synthesize into this directory (default: a temporary one)")
    parser.add_argument("--change-records", help="directory of change records fetched with "
                        "`python -m gxp_landing_zone.change_control fetch` (the latest ones)")
    args = parser.parse_args(argv)

    from ...config import ConfigError, load_config
    from . import PackageError, generate

    started = time.monotonic()
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        return _error(f"--out {out} is a file; give a directory for the package")
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        return _error(str(exc))
    try:
        with tempfile.TemporaryDirectory(prefix="gxp-cdk-out-") as scratch:
            cdk_out = Path(args.cdk_out or scratch)
            written = generate(config, out, config_path=args.config, cdk_out=cdk_out, iq_results=args.iq_results,
                               oq_results=args.oq_results, record_public_key=args.record_public_key,
                               qa_records=args.qa_records, pdf=args.pdf, change_records=args.change_records)
            findings = written.findings
    except PackageError as exc:
        return _error(str(exc), exc.exit_code)
    except OSError as exc:
        return _error(f"cannot write the package to {args.out}: {exc.strerror or exc}")

    size = sum(p.stat().st_size for p in written)
    print(f"Validation package: {out / 'index.html'} ({len(written)} files, {size / 1024:.0f} KiB, "
          f"{time.monotonic() - started:.1f} s)")
    if findings:
        print(f"synthesis has {len(findings)} open finding(s); the package records the clauses not met",
              file=sys.stderr)
        return EXIT_FINDINGS
    return 0


if __name__ == "__main__":
    sys.exit(main())
