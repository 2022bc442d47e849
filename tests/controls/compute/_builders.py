"""The stacks the compute, machine-learning and genomics channel cases rebuild. One function per stack,
shared by every test module, so the unchanged stack is synthesized once per session."""

from __future__ import annotations

from gxp_landing_zone.stacks.baseline import BaselineStack
from gxp_landing_zone.stacks.compute import ComputeStack

COMPUTE = "Compute-regulated-us-us-east-1"
RESEARCH_COMPUTE = "Compute-research-us-east-1"
BASELINE = "Baseline-regulated-us-us-east-1"


def compute_stack(app, config):
    return ComputeStack(app, config=config, account=config.account("regulated-us"), region="us-east-1")


def baseline_stack(app, config):
    return BaselineStack(app, config=config, account=config.account("regulated-us"), region=config.home_region)
