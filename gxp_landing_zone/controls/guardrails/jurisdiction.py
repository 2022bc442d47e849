"""GXP-SCP-06: a regulated account stores and processes data only in its jurisdiction's regions."""

from __future__ import annotations

from ..model import Control, all_of
from ._judges import both, confined, everywhere
from ._scp import REGULATED_UNIT, UNIT, each_regulated_account, require

# Actions that put data at rest or start compute that processes it. The baseline (Config recorder,
# rules, event forwarding) runs in every allowed region, so residency is enforced on these actions
# rather than on the region as a whole.
DATA_PLACEMENT = (
    "backup:CreateBackupVault",
    "batch:CreateComputeEnvironment",
    "dynamodb:CreateTable",
    "dynamodb:CreateTableReplica",
    "dynamodb:RestoreTableFromBackup",
    "dynamodb:RestoreTableToPointInTime",
    "ec2:CopyImage",
    "ec2:CopySnapshot",
    "ec2:CreateVolume",
    "ec2:RunInstances",
    "elasticfilesystem:CreateFileSystem",
    "es:CreateDomain",
    "fsx:CreateFileSystem",
    "glacier:CreateVault",
    "kinesis:CreateStream",
    "omics:CreateReferenceStore",
    "omics:CreateSequenceStore",
    "omics:StartRun",
    "rds:CopyDBClusterSnapshot",
    "rds:CopyDBSnapshot",
    "rds:CreateDBCluster",
    "rds:CreateDBInstance",
    "rds:RestoreDBClusterFromSnapshot",
    "rds:RestoreDBInstanceFromDBSnapshot",
    "redshift:CreateCluster",
    "s3:CreateBucket",
    "sagemaker:CreateDomain",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
)
# A bucket's region is its LocationConstraint, which a request sent to one region's endpoint may
# name freely: CreateBucket must also be denied by location. A request without a LocationConstraint
# creates the bucket in the endpoint's own region, which aws:RequestedRegion already confines, so a
# location deny may be limited to requests that carry one.
LOCATED = (("Null", "s3:locationconstraint", "false"),)


def _account(reach, account: str, jurisdiction: str, inside: set[str]):
    return all_of(
        require(reach, DATA_PLACEMENT, both(everywhere, confined("aws:RequestedRegion", inside)),
                f"{account} ({jurisdiction}) data placement"),
        require(reach, ("s3:CreateBucket",), both(everywhere, confined("s3:LocationConstraint", inside, LOCATED)),
                f"{account} ({jurisdiction}) bucket location"),
    )


def check(unit, ctx):
    return each_regulated_account(unit, ctx, _account)


CONTROL = Control(
    id="GXP-SCP-06",
    title="Regulated data placed only in its jurisdiction",
    statement=(
        "For each regulated account, the SCPs that bind it (on the root, the Regulated unit or the account) deny "
        "creating buckets, tables, volumes, instances, databases, file systems, training jobs and genomics stores "
        "in a region outside the account's jurisdiction, and creating a bucket located outside it."
    ),
    annex11={
        "7.1": "Regulated data is stored only where the account's validated baseline and its jurisdiction's obligations apply.",
    },
    jp_eres={"3.1.3": "Preservation: records of a Japanese account are kept in Japan, under the rules they are kept for."},
    # Where data may be stored is also what GDPR (Chapter V transfers) and APPI (cross-border provision) regulate.
    regimes=("gxp", "gdpr", "appi"),
    resource_types=(UNIT,),
    check=check,
    deployed=REGULATED_UNIT,
)
