"""python -m gxp_landing_zone.validation.oq --config config/reference.yaml --account-role regulated-us
    --region us-east-1 --out oq-results/ [--data-class NAME] [--signature-api URL] [--meaning M]
    [--inside-vpc] [--restore-test [--restore-wait-minutes N] [--ledger-table NAME]]
    [--signing-key ARN] [--signing-profile qa] [--protocol-sha256 HASH]

Runs in a regulated validation account with the caller's credentials. The signature steps need
the ID token of a qualified test signer who signed in with password and MFA, in the environment
variable GXP_OQ_SIGNER_ID_TOKEN (never an argument: arguments end up in shell history and process
lists); the negative signature tests read theirs from GXP_OQ_TOKEN_NO_MFA, GXP_OQ_TOKEN_STALE,
GXP_OQ_TOKEN_DISABLED, GXP_OQ_TOKEN_WRONG_GROUP and GXP_OQ_TOKEN_SEQUENCE; the batch-release test
from GXP_OQ_TOKEN_QP, GXP_OQ_TOKEN_NOT_QP and GXP_OQ_TOKEN_MEANING_<MEANING> (e.g. ..._REVIEW). Without
a token a test is recorded as not executed. The instrument tests act as a registered instrument: the
role GXP_OQ_INSTRUMENT_ROLE_ARN (assumed) or the credentials profile GXP_OQ_INSTRUMENT_PROFILE;
--inside-vpc says the runner runs on a host in the account's VPC (its S3 traffic through the account's
endpoint). --restore-test restores the latest back-ups of a records bucket and the ledger into scratch
targets and compares them (it can take as long as --restore-wait-minutes per restore).

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
from .instrument_steps import INSTRUMENT_PROFILE_ENV, INSTRUMENT_ROLE_ENV
from .protocol import NEGATIVE_SIGNATURES
from .release_steps import release_tokens_from_environment
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
    parser.add_argument("--inside-vpc", action="store_true",
                        help="the runner runs on a host in the account's VPC (instrument writes through its endpoint)")
    parser.add_argument("--restore-test", action="store_true", help="run OQ-BAK-01: restore the latest back-ups")
    parser.add_argument("--restore-wait-minutes", type=int, default=60, help="bound on each restore job (default 60)")
    parser.add_argument("--ledger-table", help="the signature ledger table (default: its name in SSM)")
    add_record_options(parser)
    args = parser.parse_args(argv)
    if args.restore_wait_minutes < 1:
        return error("oq", f"--restore-wait-minutes must be at least 1, not {args.restore_wait_minutes}", EXIT_USAGE)

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
            meaning=args.meaning, negative_tokens=negative, release_tokens=release_tokens_from_environment(config),
            instrument_identity={"role_arn": os.environ.get(INSTRUMENT_ROLE_ENV) or None,
                                 "profile": os.environ.get(INSTRUMENT_PROFILE_ENV) or None},
            inside_vpc=args.inside_vpc, restore_test=args.restore_test,
            restore_wait_seconds=args.restore_wait_minutes * 60, ledger_table=args.ledger_table,
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
