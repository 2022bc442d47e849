"""python -m gxp_landing_zone.validation seal|verify|public-key: seal a record written unsealed, check
records against the qualification-records key's public key, and fetch that public key for the package.

  seal RECORD.json [--signing-key ARN] [--signing-profile qa] [--config estate.yaml]
  verify RECORD.json ... --public-key key.pem
  public-key --config estate.yaml --out key.pem [--signing-key ARN] [--profile qa]

Exit codes: 0 done (verify: every record valid), 1 a record does not verify, 2 usage or input problem,
3 no usable credentials or AWS unreachable."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .cli_errors import EXIT_FAILED, EXIT_USAGE, aws_problem, error

PROG = "validation"


def _key_arn(args) -> str | None:
    if args.signing_key:
        return args.signing_key
    if not args.config:
        return None
    from ..config import load_config
    from ..naming import Names

    return Names(load_config(args.config)).record_signing_key_arn()


def _session(profile: str | None):
    import boto3

    return boto3.Session(profile_name=profile) if profile else boto3.Session()


def _read(path: str) -> dict:
    from .record import read_record

    try:
        return read_record(Path(path))
    except OSError as exc:
        raise ValueError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not JSON ({exc}); give an IQ or OQ record .json") from None


def seal_file(args) -> int:
    from .record import _atomic_write, render_html
    from .seal import RECORD_FORMAT, KmsSigner, seal

    record = _read(args.record)
    if record.get("format") != RECORD_FORMAT:
        return error(PROG, f"{args.record}: not a {RECORD_FORMAT} record; only records written by this version can be sealed", EXIT_USAGE)
    if isinstance(record.get("seal"), dict):
        return error(PROG, f"{args.record}: already sealed by {record['seal'].get('signed_by')}; a seal is never replaced", EXIT_USAGE)
    key = _key_arn(args)
    if not key:
        return error(PROG, "name the key: --signing-key ARN, or --config estate.yaml for the estate's key", EXIT_USAGE)
    sealed = seal(record, KmsSigner(_session(args.signing_profile), key))
    path = Path(args.record)
    _atomic_write(path, json.dumps(sealed, indent=2, sort_keys=True) + "\n")
    html = path.with_suffix(".html")
    if html.exists():
        title = f"{str(sealed.get('kind', '')).upper()} record: {sealed.get('account_role')} {sealed.get('region')}"
        _atomic_write(html, render_html(sealed["entries"], title=title,
                                        columns=[k for k in sealed["entries"][0] if k not in ("previous_hash", "entry_hash")]
                                        if sealed["entries"] else [], record=sealed,
                                        outcome_field="outcome" if sealed.get("kind") == "oq" else "passed"))
    print(f"sealed {path} with {sealed['seal']['key_arn']} as {sealed['seal']['signed_by']}")
    return 0


def verify_files(args) -> int:
    from .seal import load_public_key, verify

    key = load_public_key(args.public_key)
    bad = 0
    for name in args.records:
        verdict = verify(_read(name), key)
        print(f"{name}: {verdict}")
        bad += not verdict.valid
    return EXIT_FAILED if bad else 0


def public_key(args) -> int:
    from cryptography.hazmat.primitives import serialization

    key = _key_arn(args)
    if not key:
        return error(PROG, "name the key: --signing-key ARN, or --config estate.yaml for the estate's key", EXIT_USAGE)
    region = key.split(":")[3] if key.startswith("arn:") else None
    der = _session(args.profile).client("kms", region_name=region).get_public_key(KeyId=key)["PublicKey"]
    pem = serialization.load_der_public_key(der).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    Path(args.out).write_bytes(pem)
    print(f"public key of {key} written to {args.out}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m gxp_landing_zone.validation", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    s = commands.add_parser("seal", help="seal a record written unsealed")
    s.add_argument("record")
    s.add_argument("--signing-key")
    s.add_argument("--signing-profile")
    s.add_argument("--config")
    v = commands.add_parser("verify", help="verify records against the qualification-records public key")
    v.add_argument("records", nargs="+")
    v.add_argument("--public-key", required=True)
    k = commands.add_parser("public-key", help="fetch the qualification-records key's public key (PEM)")
    k.add_argument("--out", required=True)
    k.add_argument("--config")
    k.add_argument("--signing-key")
    k.add_argument("--profile")
    args = parser.parse_args(argv)
    run = {"seal": seal_file, "verify": verify_files, "public-key": public_key}[args.command]
    try:
        return run(args)
    except ValueError as exc:
        return error(PROG, str(exc), EXIT_USAGE)
    except OSError as exc:
        return error(PROG, f"{exc.filename or ''}: {exc.strerror or exc}", EXIT_USAGE)
    except Exception as exc:  # noqa: BLE001 - AWS set-up problems in one line; anything else is a defect
        found = aws_problem(exc)
        if found is None:
            raise
        return error(PROG, found[0], found[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
