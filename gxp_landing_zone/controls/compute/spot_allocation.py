"""GXP-BATCH-02: Spot environments draw capacity from the pools least likely to be reclaimed."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import Control, cannot_prove, compliant, non_compliant, not_applicable
from ._helpers import ALL_ENVIRONMENTS

# Both strategies place instances in the Spot pools with the most spare capacity, which AWS reclaims
# least often; BEST_FIT (Batch's default) and BEST_FIT_PROGRESSIVE chase the lowest price instead.
CAPACITY_OPTIMIZED = ("SPOT_PRICE_CAPACITY_OPTIMIZED", "SPOT_CAPACITY_OPTIMIZED")


def check(env, ctx):
    compute_type = env.get("ComputeResources.Type")
    if isinstance(compute_type, Unresolved):
        return cannot_prove(f"ComputeResources.Type: {compute_type.why}")
    if not (isinstance(compute_type, str) and compute_type.upper() == "SPOT"):
        return not_applicable(f"{compute_type or 'no'} capacity is not reclaimed as Spot is")
    strategy = env.get("ComputeResources.AllocationStrategy")
    if isinstance(strategy, Unresolved):
        return cannot_prove(f"ComputeResources.AllocationStrategy: {strategy.why}")
    if strategy in CAPACITY_OPTIMIZED:
        return compliant(f"AllocationStrategy {strategy}")
    return non_compliant(
        f"AllocationStrategy is {strategy or 'not set (BEST_FIT)'}; required one of {', '.join(CAPACITY_OPTIMIZED)}"
    )


CONTROL = Control(
    id="GXP-BATCH-02",
    title="Spot capacity from the least-reclaimed pools",
    statement=(
        "Every Spot compute environment allocates instances capacity-optimized (SPOT_PRICE_CAPACITY_OPTIMIZED or "
        "SPOT_CAPACITY_OPTIMIZED), so jobs are interrupted as rarely as Spot allows; how an interruption is handled "
        "is GXP-BATCH-01's."
    ),
    operational=(
        "Spot capacity comes from the pools least likely to be reclaimed, so computations finish in the time PQ-02 states; cost and reliability, not a clause of a traced regulation."
    ),
    resource_types=("AWS::Batch::ComputeEnvironment",),
    check=check,
    # Any Spot environment of a workload account, the estate's or not, is judged.
    deployed=ALL_ENVIRONMENTS,
)
