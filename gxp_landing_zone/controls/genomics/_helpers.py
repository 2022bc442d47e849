"""Where the IQ finds the genomics workspace: its stores and run group, named after the workspace."""

from __future__ import annotations

from ..deployed.ec2 import compute_runs_here
from ..deployed.omics import STORES, run_groups, store
from ..model import REGULATED, RESEARCH, DeployedCheck

# Regions where HealthOmics runs (the AWS regional services list): the Compute stack builds the
# workspace only there, so elsewhere there is nothing to find.
OMICS_REGIONS = frozenset(
    {"us-east-1", "us-west-2", "eu-central-1", "eu-west-1", "eu-west-2", "ap-southeast-1", "ap-northeast-2", "il-central-1"}
)
WORKLOADS = frozenset({REGULATED, RESEARCH})


def _workspace_here(reader) -> bool:
    return reader.region in OMICS_REGIONS and compute_runs_here(reader)


def _stores(reader):
    if not _workspace_here(reader):
        return []
    workspace = reader.names.genomics_workspace
    suffix = {"AWS::Omics::SequenceStore": "sequences", "AWS::Omics::ReferenceStore": "references"}
    return [s for kind in STORES for s in store(reader, kind, f"{workspace}-{suffix[kind]}")]


def _run_groups(reader):
    return run_groups(reader, f"{reader.names.genomics_workspace}-runs") if _workspace_here(reader) else []


STORES_CHECK = DeployedCheck(read=_stores, accounts=WORKLOADS, regions="workload")
RUN_GROUPS_CHECK = DeployedCheck(read=_run_groups, accounts=WORKLOADS, regions="workload")
