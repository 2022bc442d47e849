"""python -m gxp_landing_zone.change_control STEP ...  - the promotion pipeline's change-control steps.

  prepare  --config C --cdk-out OUT [--junit J] [--diff D]   synth step: summarize the change beside the assembly
  qualify  iq|oq --config C --accounts a,b                   IQ or OQ of the accounts through their pipeline roles
  record   candidate|final --config C --cdk-out OUT           write the release candidate / the complete record
  gate     --config C --cdk-out OUT --wait-hours H            wait for and verify the release signature
  fetch    --config C --out DIR [--latest N]                  the newest change records, for the validation package

The execution comes from GXP_EXECUTION_ID (CodePipeline sets it). Exit codes: 0 done, 1 failed or not
released, 2 config or usage problem, 3 no usable credentials."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from ..config import ConfigError, load_config
from .qualify import assumed, qualify
from .release_service import ServiceNotFound
from .steps import StepError, dumps, fetch, gate, store_for, write_candidate, write_complete
from .synthesis_summary import summarize, write_summary

PROG = "python -m gxp_landing_zone.change_control"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n")[0])
    steps = parser.add_subparsers(dest="step", required=True)
    prepare = steps.add_parser("prepare")
    prepare.add_argument("--junit", type=Path)
    prepare.add_argument("--diff", type=Path)
    qualify_ = steps.add_parser("qualify")
    qualify_.add_argument("kind", choices=("iq", "oq"))
    qualify_.add_argument("--accounts", required=True, help="account roles, comma-separated")
    record = steps.add_parser("record")
    record.add_argument("stage", choices=("candidate", "final"))
    gate_ = steps.add_parser("gate")
    gate_.add_argument("--wait-hours", type=float, default=4)
    fetch_ = steps.add_parser("fetch")
    fetch_.add_argument("--out", type=Path, required=True)
    fetch_.add_argument("--latest", type=int, default=10)
    for sub in (prepare, qualify_, record, gate_, fetch_):
        sub.add_argument("--config", required=True)
        if sub is not fetch_ and sub is not qualify_:
            sub.add_argument("--cdk-out", type=Path, default=Path("cdk.out"))
    return parser


def _execution() -> str:
    execution = os.environ.get("GXP_EXECUTION_ID", "").strip()
    if not execution:
        raise StepError("GXP_EXECUTION_ID is not set; the pipeline sets it to #{codepipeline.PipelineExecutionId}")
    return execution


def run(args, session) -> int:
    config = load_config(args.config)
    if args.step == "prepare":
        diff = args.diff.read_text(encoding="utf-8", errors="replace") if args.diff and args.diff.exists() else None
        path = write_summary(summarize(config, Path(args.config), args.cdk_out, junit=args.junit, diff_text=diff), args.cdk_out)
        print(f"change summary: {path}")
        return 0
    if args.step == "fetch":
        written = fetch(session, config, args.out, args.latest)
        print(f"{len(written)} change record(s) in {args.out}")
        return 0
    execution = _execution()
    if args.step == "qualify":
        roles = [r.strip() for r in args.accounts.split(",") if r.strip()]
        unknown = [r for r in roles if r not in {a.role for a in config.accounts}]
        if unknown:
            raise StepError(f"unknown account role {', '.join(unknown)} in --accounts")
        found = qualify(args.kind, config, roles, store=store_for(session, config), execution=execution,
                        session_for=lambda account, role: assumed(session, account, role, execution))
        for entry in found:
            state = "FAIL" if entry["failed"] else "pass"
            print(f"{state} {args.kind.upper()} {entry['account']} {entry['region']}: {entry['failed']} failed of "
                  f"{entry['entries']} {entry.get('error', '')} {entry['key']}")
        return 1 if any(e["failed"] for e in found) else 0
    if args.step == "record":
        if args.stage == "candidate":
            print("release candidate:", dumps(write_candidate(session, config, args.cdk_out, execution)))
        else:
            print("change record:", dumps(write_complete(session, config, args.cdk_out, execution)))
        return 0
    stack = os.environ.get("GXP_SIGNATURE_STACK") or f"Signatures-deployment-{config.home_region}"
    decision = gate(session, config, args.cdk_out, execution, stack=stack, wait_seconds=args.wait_hours * 3600)
    for refused in decision.refused:
        print(f"not accepted: {refused['signature']}: {refused['reason']} [{refused['code']}]")
    print(decision.summary)
    return 0 if decision.released else 1


def main(argv: list[str] | None = None, session=None) -> int:
    args = _parser().parse_args(argv)
    try:
        return run(args, session or boto3.Session())
    except (ConfigError, StepError, ServiceNotFound, ValueError) as exc:
        print(f"{PROG} {args.step}: error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, (ConfigError, ValueError)) else 1
    except NoCredentialsError:
        print(f"{PROG} {args.step}: error: no AWS credentials found", file=sys.stderr)
        return 3
    except (ClientError, BotoCoreError) as exc:
        print(f"{PROG} {args.step}: error: an AWS call failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
