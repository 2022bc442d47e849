"""GXP-OMICS-02: every HealthOmics run group caps its runs at the config's ceilings."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import Control, all_of, cannot_prove, cfn_int, compliant, non_compliant
from ._helpers import RUN_GROUPS_CHECK

# Run group property -> the config's ceiling for it (compute.defaults / compute.accounts.<role>).
CEILINGS = {
    "MaxCpus": "omics_max_cpus",
    "MaxGpus": "omics_max_gpus",
    "MaxRuns": "omics_max_runs",
    "MaxDuration": "omics_max_duration_minutes",
}


def _settings(group, ctx):
    config = ctx.config
    account = config.account_by_id(group.stack.account or "") if config is not None else None
    return config.compute_settings(account) if account is not None else None


def check(group, ctx):
    settings = _settings(group, ctx)
    if settings is None:
        return cannot_prove("the config does not name this stack's account: its run ceilings are not known")
    verdicts = []
    for field, setting in CEILINGS.items():
        ceiling = getattr(settings, setting)
        value = cfn_int(group.get(field))
        if isinstance(value, Unresolved):
            verdicts.append(cannot_prove(f"{field}: {value.why}"))
        elif not value:
            verdicts.append(non_compliant(f"{field} is not set: runs are unbounded there; required at most {ceiling}"))
        elif value > ceiling:
            verdicts.append(non_compliant(f"{field} is {value}, above the config's {setting} {ceiling}"))
        else:
            verdicts.append(compliant(f"{field} {value} (at most {ceiling})"))
    return all_of(*verdicts)


CONTROL = Control(
    id="GXP-OMICS-02",
    title="Genomics runs bounded",
    statement=(
        "Every HealthOmics run group caps vCPUs, GPUs, concurrent runs and run duration (minutes) at or below the "
        "config's omics_max_* ceilings for its account."
    ),
    operational=(
        "Runs stay within the resource and time limits they were specified with, so one run cannot starve the account; capacity, not a clause of a traced regulation."
    ),
    resource_types=("AWS::Omics::RunGroup",),
    check=check,
    deployed=RUN_GROUPS_CHECK,
)
