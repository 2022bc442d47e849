"""python -m gxp_landing_zone.preflight --config config/reference.yaml [--account-role audit [--region us-east-1]]

Without --account-role: the organization-level checks, signed in to the management account, and the
per-account commands to run next. With it: that account's checks in every region the estate deploys
it to, or only --region. Nothing is changed in AWS.

Exit codes: 0 every check passed, 1 a check failed, 2 config/usage problem, 3 cannot sign in (no
credentials, or AWS unreachable), 4 credentials for the wrong account."""

from __future__ import annotations

import argparse
import sys

import boto3
from botocore.exceptions import BotoCoreError

from ..config import load_config
from ..validation.cli_errors import EXIT_CREDENTIALS, EXIT_FAILED, EXIT_USAGE, error, guarded
from .runner import PreflightError, account_run, organization_run

PROG = "preflight"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gxp_landing_zone.preflight", description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="estate YAML, e.g. config/reference.yaml")
    parser.add_argument("--account-role", help="check this account (signed in to it); omit for the organization checks")
    parser.add_argument("--region", help="only this region (with --account-role); default: every region it deploys to")
    parser.add_argument("--cdk-out", default="cdk.out", help="synthesized assembly to read requirements from")
    parser.add_argument("--deployer-account", help="account that runs make deploy (default: the management account)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.region and not args.account_role:
        message = "--region applies to one account; add --account-role (e.g. --account-role audit)"
        return error(PROG, message, EXIT_USAGE)

    def run():
        config = load_config(args.config)
        if args.account_role:
            return account_run(boto3.Session(), config, args.account_role, args.region,
                               cdk_out=args.cdk_out, deployer=args.deployer_account)
        return organization_run(boto3.Session(), config, args.deployer_account)

    try:
        outcome, code = guarded(PROG, run, (PreflightError,))
    except BotoCoreError as exc:
        # No network, an expired SSO token, a proxy refusing: signing in failed before any check.
        message = f"cannot sign in to AWS ({exc}); check the network and your sign-in (aws sso login)"
        return error(PROG, message, EXIT_CREDENTIALS)
    if code is not None:
        return code

    for check in outcome.checks:
        print(check.line())
    failed = outcome.failed
    scope = f"account {args.account_role}" if args.account_role else "organization"
    print(f"preflight {scope}: {len(outcome.checks) - len(failed)} passed, {len(failed)} failed")
    if outcome.next_steps:
        print("Next, in each account (each checks its service-linked roles, CDK bootstrap and Lambda concurrency):")
        for step in outcome.next_steps:
            print(f"  {step}")
    return EXIT_FAILED if failed else 0


if __name__ == "__main__":
    sys.exit(main())
