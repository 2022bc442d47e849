#!/usr/bin/env python3
"""CDK entry point: `cdk synth` (config from cdk.json, or -c config=path/to.yaml).

Synthesizes every stack, runs the GXP, AwsSolutions, HIPAA Security and NIST 800-53 R5
packs, and writes the compliance report to <outdir>/compliance/. Exits non-zero, with a
readable message, on a bad config or an unacknowledged violation.
"""

import os
import sys

from gxp_landing_zone.cli import main

if __name__ == "__main__":
    sys.exit(main(os.environ.get("CDK_OUTDIR")))
