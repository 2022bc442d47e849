"""python -m gxp_landing_zone.validation.oq --config config/reference.yaml --account-role regulated-us
    --region us-east-1 --out oq-results/ [--data-class NAME] [--signature-api URL] [--meaning M]

Runs in a regulated validation account with the caller's credentials. The signature steps need
the ID token of a qualified test signer who signed in with password and MFA, in the environment
variable GXP_OQ_SIGNER_ID_TOKEN (never an argument: arguments end up in shell history and process
lists); without it they are recorded as not executed.

Exit codes: 0 no step failed, 1 a step failed, 2 config/usage problem, 3 no usable credentials,
4 credentials for the wrong account."""

from __future__ import annotations

import argparse
import os
import sys

import boto3

from ...config import load_config
from ..cli_errors import EXIT_FAILED, guarded
from ..iq.runner import IqError
from .runner import SIGNER_TOKEN_ENV, OqError, run_oq, verdicts, write_results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gxp_landing_zone.validation.oq", description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="estate YAML, e.g. config/reference.yaml")
    parser.add_argument("--account-role", required=True, help="regulated validation account the credentials sign in to")
    parser.add_argument("--region", required=True, help="one of the account's workload regions")
    parser.add_argument("--out", default="oq-results", help="directory for the JSON, CSV and HTML record")
    parser.add_argument("--data-class", help="records bucket to test (default: the class with the shortest retention)")
    parser.add_argument("--signature-api", help="signature API URL (default: read from the Signatures stack's outputs)")
    parser.add_argument("--meaning", help="signature meaning (default: the first the data class's record class grants)")
    args = parser.parse_args(argv)

    def run():
        return run_oq(
            boto3.Session(), load_config(args.config), args.account_role, args.region, data_class=args.data_class,
            signature_api=args.signature_api, signer_token=os.environ.get(SIGNER_TOKEN_ENV) or None,
            meaning=args.meaning,
        )

    results, code = guarded("oq", run, (OqError, IqError))
    if code is not None:
        return code

    paths = write_results(results, args.out, args.account_role, args.region)
    for r in results:
        if r.outcome == "fail":
            print(f"FAIL {r.test_id} step {r.step} ({r.kind}) {r.resource}: expected {r.expected}; observed {r.observed}")
    tests = verdicts(results)
    counts = {v: sum(1 for t in tests.values() if t == v) for v in ("pass", "fail", "not executed", "manual")}
    kept = [r for r in results if r.kind == "test data"]
    print(
        f"OQ {args.account_role} {args.region}: " + ", ".join(f"{n} {v}" for v, n in counts.items())
        + f" ({len(kept)} labelled test data item(s) kept); record {paths.json}, {paths.csv} and {paths.html}"
    )
    return EXIT_FAILED if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
