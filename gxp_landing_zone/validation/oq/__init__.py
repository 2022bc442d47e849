"""Operational Qualification: exercise a regulated validation account's protections (put, try to
delete, overwrite and weaken a locked test record; the SCP guardrails; the signature service)
and record, per step, what was expected, what AWS answered and whether they agree."""

import os

# The control registry loads the CDK libraries; their Node end-of-life banner would otherwise
# bury the one-line errors the CLI promises.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from .runner import AUTOMATED, OqError, StepResult, run_oq, verdicts, write_results  # noqa: E402

__all__ = ["AUTOMATED", "OqError", "StepResult", "run_oq", "verdicts", "write_results"]
