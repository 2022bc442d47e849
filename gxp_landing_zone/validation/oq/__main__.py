"""python -m gxp_landing_zone.validation.oq --config config/reference.yaml --account-role regulated-us
    --region us-east-1 --out oq-results/ [--data-class NAME] [--signature-api URL] [--meaning M]
    [--signing-key ARN] [--signing-profile qa] [--protocol-sha256 HASH]

Runs in a regulated validation account with the caller's credentials. The signature steps need
the ID token of a qualified test signer who signed in with password and MFA, in the environment
variable GXP_OQ_SIGNER_ID_TOKEN (never an argument: arguments end up in shell history and process
lists); the negative signature tests read theirs from GXP_OQ_TOKEN_NO_MFA, GXP_OQ_TOKEN_STALE,
GXP_OQ_TOKEN_DISABLED, GXP_OQ_TOKEN_WRONG_GROUP and GXP_OQ_TOKEN_SEQUENCE. Without a token a test is
recorded as not executed.

Exit codes: 0 no step failed (record sealed), 1 a step failed, 2 config/usage problem, 3 no usable
credentials or AWS unreachable, 4 credentials for the wrong account, 5 record written but not sealed."""

from __future__ import annotations

import argparse
import os
import sys

import boto3

from ...config import ConfigError, load_config
from ..cli_errors import EXIT_USAGE, error, guarded
from ..iq.runner import IqError
from ..protocols import OQ_PROTOCOL, oq_protocol_sha256
from ..run_cli import add_record_options, finish, prepare, started
from .protocol import NEGATIVE_SIGNATURES
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
    add_record_options(parser)
    args = parser.parse_args(argv)

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        return error("oq", str(exc), EXIT_USAGE)
    protocol = oq_protocol_sha256()
    signer, code = prepare("oq", args, config, protocol)
    if code is not None:
        return code
    negative = {test: os.environ[variable] for test, (variable, _, _) in NEGATIVE_SIGNATURES.items()
                if os.environ.get(variable)}

    def run():
        return run_oq(
            boto3.Session(), config, args.account_role, args.region, data_class=args.data_class,
            signature_api=args.signature_api, signer_token=os.environ.get(SIGNER_TOKEN_ENV) or None,
            meaning=args.meaning, negative_tokens=negative,
        )

    began = started()
    results, code = guarded("oq", run, (OqError, IqError))
    if code is not None:
        return code

    header = {"kind": "oq", "account_role": args.account_role, "account_id": config.account(args.account_role).id,
              "region": args.region, "protocol": {"id": OQ_PROTOCOL, "sha256": protocol},
              "caller": results[0].caller if results else "", "started_at": began}
    paths = write_results(results, args.out, args.account_role, args.region, header=header, signer=signer)
    for r in results:
        if r.outcome == "fail":
            print(f"FAIL {r.test_id} step {r.step} ({r.kind}) {r.resource}: expected {r.expected}; observed {r.observed}")
    tests = verdicts(results)
    counts = {v: sum(1 for t in tests.values() if t == v) for v in ("pass", "fail", "not executed", "manual")}
    kept = [r for r in results if r.kind == "test data"]
    print(
        f"OQ {args.account_role} {args.region}: " + ", ".join(f"{n} {v}" for v, n in counts.items())
        + f" ({len(kept)} labelled test data item(s) kept); record {paths.json}, {paths.csv} and {paths.html}"
        + (" (sealed)" if paths.sealed else "")
    )
    return finish("oq", paths, bool(counts["fail"]))


if __name__ == "__main__":
    sys.exit(main())
