"""Installation Qualification: read a deployed account with boto3 and judge each deployed resource
with its control's own check (controls/<area>/<control>.py); record, per control and resource, what
was required, what the API showed and whether they agree."""

import os

# The control registry loads the CDK libraries; their Node end-of-life banner would otherwise
# bury the one-line errors the CLI promises.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from .results import CheckResult  # noqa: E402
from .runner import IqError, run_iq, verify_chain, write_results  # noqa: E402

__all__ = ["CheckResult", "IqError", "run_iq", "verify_chain", "write_results"]
