"""python -m gxp_landing_zone.validation iq|oq [options]: the IQ or OQ runner, with the options
and exit codes of python -m gxp_landing_zone.validation.iq / .oq."""

from __future__ import annotations

import os
import sys

USAGE = ("usage: python -m gxp_landing_zone.validation {iq,oq} --config ... --account-role ... --region ... --out ...\n"
         "       python -m gxp_landing_zone.validation {seal,verify,public-key} ... (records and their seal)")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("iq", "oq", "seal", "verify", "public-key"):
        print(USAGE, file=sys.stderr)
        print("validation: error: the first argument is iq, oq, seal, verify or public-key", file=sys.stderr)
        return 2
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    if argv[0] in ("seal", "verify", "public-key"):
        from .seal_cli import main as records

        return records(argv)
    if argv[0] == "iq":
        from .iq.__main__ import main as run
    else:
        from .oq.__main__ import main as run
    return run(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
