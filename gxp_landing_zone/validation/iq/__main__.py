"""python -m gxp_landing_zone.validation.iq --config config/reference.yaml --account-role log-archive
    --region us-east-1 --out iq-results/ [--signing-key ARN] [--signing-profile qa] [--protocol-sha256 HASH]

Exit codes: 0 every check passed (record sealed), 1 a check failed, 2 config/usage problem, 3 no usable
credentials or AWS unreachable, 4 credentials for the wrong account, 5 record written but not sealed."""

from __future__ import annotations

import argparse
import sys

import boto3

from ...config import ConfigError, load_config
from ..cli_errors import EXIT_USAGE, error, guarded
from ..protocols import IQ_PROTOCOL, iq_protocol_sha256
from ..run_cli import add_record_options, finish, prepare, started
from .runner import IqError, run_iq, write_results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gxp_landing_zone.validation.iq", description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="estate YAML, e.g. config/reference.yaml")
    parser.add_argument("--account-role", required=True, help="role of the account the credentials sign in to")
    parser.add_argument("--region", required=True, help="region to check; must be in allowed_regions")
    parser.add_argument("--out", default="iq-results", help="directory for the JSON, CSV and HTML record")
    add_record_options(parser)
    args = parser.parse_args(argv)

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        return error("iq", str(exc), EXIT_USAGE)
    protocol = iq_protocol_sha256(config)
    signer, code = prepare("iq", args, config, protocol)
    if code is not None:
        return code
    began = started()
    results, code = guarded("iq", lambda: run_iq(boto3.Session(), config, args.account_role, args.region), (IqError,))
    if code is not None:
        return code

    header = {"kind": "iq", "account_role": args.account_role, "account_id": config.account(args.account_role).id,
              "region": args.region, "protocol": {"id": IQ_PROTOCOL, "sha256": protocol},
              "caller": results[0].caller if results else "", "started_at": began}
    paths = write_results(results, args.out, args.account_role, args.region, header=header, signer=signer)
    failed = [r for r in results if not r.passed]
    for r in failed:
        print(f"FAIL {r.control_id} {r.resource}: expected {r.expected}; observed {r.observed}")
    print(
        f"IQ {args.account_role} {args.region}: {len(results) - len(failed)} passed, {len(failed)} failed; "
        f"record {paths.json}, {paths.csv} and {paths.html}" + (" (sealed)" if paths.sealed else "")
    )
    return finish("iq", paths, bool(failed))


if __name__ == "__main__":
    sys.exit(main())
