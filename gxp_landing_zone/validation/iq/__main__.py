"""python -m gxp_landing_zone.validation.iq --config config/reference.yaml --account-role log-archive
    --region us-east-1 --out iq-results/

Exit codes: 0 every check passed, 1 a check failed, 2 config/usage problem,
3 no usable credentials, 4 credentials for the wrong account."""

from __future__ import annotations

import argparse
import sys

import boto3

from ...config import load_config
from ..cli_errors import EXIT_FAILED, guarded
from .runner import IqError, run_iq, write_results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gxp_landing_zone.validation.iq", description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="estate YAML, e.g. config/reference.yaml")
    parser.add_argument("--account-role", required=True, help="role of the account the credentials sign in to")
    parser.add_argument("--region", required=True, help="region to check; must be in allowed_regions")
    parser.add_argument("--out", default="iq-results", help="directory for the JSON, CSV and HTML record")
    args = parser.parse_args(argv)

    results, code = guarded(
        "iq", lambda: run_iq(boto3.Session(), load_config(args.config), args.account_role, args.region), (IqError,)
    )
    if code is not None:
        return code

    json_path, csv_path = write_results(results, args.out, args.account_role, args.region)
    failed = [r for r in results if not r.passed]
    for r in failed:
        print(f"FAIL {r.control_id} {r.resource}: expected {r.expected}; observed {r.observed}")
    print(
        f"IQ {args.account_role} {args.region}: {len(results) - len(failed)} passed, {len(failed)} failed; "
        f"record {json_path}, {csv_path} and {json_path.with_suffix('.html')}"
    )
    return EXIT_FAILED if failed else 0


if __name__ == "__main__":
    sys.exit(main())
