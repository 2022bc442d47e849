"""What the IQ and OQ command lines share around a run: the record options (signing key, signer's
profile, the approved protocol's hash), checking --out before anything runs, and writing and sealing
the record so that a finished record is never lost."""

from __future__ import annotations

import argparse
import os
from datetime import datetime, timezone
from pathlib import Path

from .cli_errors import EXIT_FAILED, EXIT_UNSEALED, EXIT_USAGE, aws_problem, error


def add_record_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--signing-key", help="KMS key (ARN or alias ARN) that seals the record; default: the estate's "
                                              "qualification-records key in the audit account")
    parser.add_argument("--signing-profile", help="AWS profile of the person who seals the record (a qualification "
                                                  "signer); default: the credentials the run uses")
    parser.add_argument("--no-seal", action="store_true", help="write the record without sealing it (the package "
                                                                "refuses it until it is sealed)")
    parser.add_argument("--protocol-sha256", help="SHA-256 of the approved protocol; the run refuses to start if the "
                                                  "protocol this code executes differs")


def out_problem(out: str) -> str | None:
    """Why --out cannot take the record, found before anything runs."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        return f"--out {out} is a file; give a directory for the record (e.g. iq-results/)"
    parent = next((p for p in [path, *path.parents] if p.exists()), Path("."))
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"--out {out}: {parent} is not writable"
    return None


def protocol_problem(approved: str | None, executed: str) -> str | None:
    if approved and approved.strip().lower() != executed:
        return (f"the approved protocol's SHA-256 is {approved.strip()}, the protocol this code executes is {executed}: "
                "run the commit the protocol was approved from, or have the new protocol approved")
    return None


def signer_for(args, config):
    """A KmsSigner for the record's seal, or None with --no-seal; raises botocore errors for a bad profile."""
    if args.no_seal:
        return None
    import boto3

    from ..naming import Names
    from .seal import KmsSigner

    session = boto3.Session(profile_name=args.signing_profile) if args.signing_profile else boto3.Session()
    return KmsSigner(session, args.signing_key or Names(config).record_signing_key_arn())


def started() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def finish(prog: str, paths, failed: bool) -> int:
    """Say where the record is and whether it is sealed; the exit code (0, 1 failed, 5 not sealed)."""
    if paths.note:
        print(f"{prog}: {paths.note}")
    if not paths.sealed:
        print(f"{prog}: the record {paths.json} is written but not sealed; seal it with python -m "
              f"gxp_landing_zone.validation seal {paths.json} (as a qualification signer) before filing it")
        return EXIT_UNSEALED
    return EXIT_FAILED if failed else 0


def prepare(prog: str, args, config, executed_protocol: str):
    """(signer, None) when the run may start, else (None, exit code) after printing why."""
    for problem in (out_problem(args.out), protocol_problem(args.protocol_sha256, executed_protocol)):
        if problem:
            return None, error(prog, problem, EXIT_USAGE)
    try:
        return signer_for(args, config), None
    except Exception as exc:  # noqa: BLE001 - a bad profile or set-up, reported in one line
        found = aws_problem(exc)
        if found is None:
            raise
        return None, error(prog, found[0], found[1])
