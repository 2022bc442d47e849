"""GXP-ML-03: managed Spot training checkpoints, and may wait as long as it may run."""

from __future__ import annotations

from ..cfn import Joined, Ref, Unresolved
from ..model import Control, all_of, cannot_prove, cfn_bool, cfn_int, compliant, non_compliant, not_applicable
from ._pipeline import PIPELINE, definition, training_jobs


def _bucket(found, stack, ctx, name, job):
    """The checkpoint URI is in the account's checkpoint bucket (expiring, encrypted, access-logged)."""
    uri = found.get(job, "CheckpointConfig.S3Uri")
    if isinstance(uri, Unresolved):
        return cannot_prove(f"{name} CheckpointConfig.S3Uri: {uri.why}")
    if uri is None:
        return non_compliant(f"{name} has no CheckpointConfig: a reclaimed job starts over")
    if isinstance(uri, str) and uri.startswith("s3://"):
        bucket = uri[len("s3://"):].split("/", 1)[0]
    elif isinstance(uri, Joined) and uri.parts[0] == "s3://" and isinstance(uri.parts[1], Ref):
        target = stack.target(uri.parts[1], "AWS::S3::Bucket")
        bucket = target.get("BucketName") if target is not None else None
        if bucket is None or isinstance(bucket, Unresolved):
            return cannot_prove(f"{name} checkpoints to {uri}, a bucket whose name the template does not state")
    else:
        return non_compliant(f"{name} CheckpointConfig.S3Uri {uri} is not an S3 URI")
    names = ctx.names
    if names is None or not stack.account or not stack.region:
        return cannot_prove(f"{name} checkpoints to {bucket}: without the config and the stack's account and region "
                            "the checkpoint bucket is not known")
    required = names.checkpoint_bucket(stack.account, stack.region)
    if bucket != required:
        return non_compliant(f"{name} checkpoints to bucket {bucket}, not the account's checkpoint bucket {required}")
    return compliant()


def _timing(found, name, job):
    wait = cfn_int(found.get(job, "StoppingCondition.MaxWaitTimeInSeconds"))
    run = cfn_int(found.get(job, "StoppingCondition.MaxRuntimeInSeconds"))
    for what, value in (("MaxWaitTimeInSeconds", wait), ("MaxRuntimeInSeconds", run)):
        if isinstance(value, Unresolved):
            return cannot_prove(f"{name} {what}: {value.why}")
        if not value:
            return non_compliant(f"{name} sets no {what}")
    if wait < run:
        return non_compliant(f"{name} may wait {wait}s for Spot capacity but run {run}s: a resumed job is cut short")
    return compliant()


def check(pipeline, ctx):
    found = definition(pipeline)
    if isinstance(found, Unresolved):
        return cannot_prove(f"PipelineDefinition: {found.why}")
    jobs = training_jobs(found)
    if not jobs:
        return not_applicable("the pipeline starts no training job")
    verdicts, spot = [], []
    for name, job in jobs:
        managed_spot = cfn_bool(found.get(job, "EnableManagedSpotTraining"))
        if isinstance(managed_spot, Unresolved):
            verdicts.append(cannot_prove(f"{name} EnableManagedSpotTraining: {managed_spot.why}"))
        elif managed_spot:
            spot.append(name)
            verdicts += [_bucket(found, pipeline.stack, ctx, name, job), _timing(found, name, job)]
    verdict = all_of(*verdicts) if verdicts else compliant()
    if verdict.passed:
        if not spot:
            return compliant("no training job runs on managed Spot: nothing is reclaimed")
        return compliant(f"{', '.join(spot)}: managed Spot, checkpointed to the account's checkpoint bucket, "
                         "MaxWaitTimeInSeconds >= MaxRuntimeInSeconds")
    return verdict


CONTROL = Control(
    id="GXP-ML-03",
    title="Spot training checkpointed",
    statement=(
        "Every managed Spot training job a SageMaker pipeline starts writes checkpoints to the account's checkpoint "
        "bucket and may wait for capacity at least as long as it may run, so a reclaimed job resumes rather than "
        "restarts."
    ),
    operational=(
        "A reclaimed training job resumes from its last checkpoint within its time limits (PQ-02); reliability of the computation, not a clause of a traced regulation."
    ),
    resource_types=("AWS::SageMaker::Pipeline",),
    check=check,
    deployed=PIPELINE,
)
