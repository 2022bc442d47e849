"""Installation Qualification: read a deployed account with boto3 and record, per control,
what was expected, what the API returned and whether they agree."""

import os

# The control registry loads the CDK libraries; their Node end-of-life banner would otherwise
# bury the one-line errors the CLI promises.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from .checks import IQ_CHECKS, CheckResult  # noqa: E402
from .runner import IqError, run_iq, verify_chain, write_results  # noqa: E402

__all__ = ["IQ_CHECKS", "CheckResult", "IqError", "run_iq", "verify_chain", "write_results"]
