"""GXP-AI-08: Macie scans every bucket a training pipeline reads for sensitive data on a schedule,
and its findings go to the audit account."""

from __future__ import annotations

from ..cfn import Unresolved
from ..deployed.events import default_bus_rules
from ..deployed.model_governance import macie
from ..ml._pipeline import PIPELINE
from ..model import Control, DeployedCheck, all_of, cannot_prove, compliant, non_compliant
from ._helpers import WORKLOADS, compute_here

JOB = "Custom::MacieClassificationJob"
JOB_PREFIX = "gxp-training-data-"
SCHEDULES = ("DAILY", "WEEKLY")


def required_buckets(ctx, account_id, region):
    config, names = ctx.config, ctx.names
    role = config.account_by_id(account_id).role
    classes = config.ml.settings(role).training_data_classes
    return {names.ml_artifact_bucket(account_id, region), *(names.records_bucket(c, account_id, region) for c in classes)}


def _session(stack):
    sessions = stack.of_type("AWS::Macie::Session")
    if not sessions:
        return non_compliant("Macie is not enabled in this account and region (no AWS::Macie::Session)")
    status = sessions[0].get("Status")
    if isinstance(status, Unresolved):
        return cannot_prove(f"Macie Status: {status.why}")
    return compliant() if status in (None, "ENABLED") else non_compliant(f"Macie is {status}")


def _jobs(stack, account, wanted):
    covered, verdicts = set(), []
    for job in stack.of_type(JOB):
        definitions = job.get("BucketDefinitions")
        if isinstance(definitions, Unresolved):
            return cannot_prove(f"Macie job BucketDefinitions: {definitions.why}")
        if job.get("ScheduleFrequency") not in SCHEDULES:
            verdicts.append(non_compliant(f"Macie job {job.logical_id} runs {job.get('ScheduleFrequency') or 'once'}, "
                                          f"not on a {' or '.join(SCHEDULES).lower()} schedule"))
            continue
        for definition in definitions if isinstance(definitions, list) else []:
            if isinstance(definition, dict) and definition.get("AccountId") == account:
                covered |= {b for b in definition.get("Buckets") or [] if isinstance(b, str)}
    missing = sorted(wanted - covered)
    if missing:
        verdicts.append(non_compliant(f"no scheduled Macie job scans {', '.join(missing)}"))
    return all_of(*verdicts) if verdicts else compliant()


def _forwarded(stack, audit_bus):
    for rule in stack.of_type("AWS::Events::Rule"):
        pattern, targets = rule.get("EventPattern"), rule.get("Targets")
        if rule.get("State") not in (None, "ENABLED") or not isinstance(pattern, dict) or pattern.get("source") != ["aws.macie"]:
            continue
        if (pattern.get("detail-type") in (None, ["Macie Finding"]) and isinstance(targets, list)
                and any(isinstance(t, dict) and t.get("Arn") == audit_bus for t in targets)):
            return compliant()
    return non_compliant(f"no enabled rule sends Macie findings to the audit bus {audit_bus}")


def check(pipeline, ctx):
    stack = pipeline.stack
    if ctx.config is None or not stack.account or not stack.region or ctx.config.account_by_id(stack.account) is None:
        return cannot_prove("the buckets training reads are known only from the config")
    wanted = required_buckets(ctx, stack.account, stack.region)
    verdict = all_of(_session(stack), _jobs(stack, stack.account, wanted), _forwarded(stack, ctx.audit_bus_arn))
    if verdict.passed:
        return compliant(f"Macie scans {', '.join(sorted(wanted))} on a schedule; findings go to the audit bus")
    return verdict


def _deployed(reader):
    if not compute_here(reader):
        return []
    macie(reader, JOB_PREFIX)
    default_bus_rules(reader)
    return PIPELINE.read(reader)


CONTROL = Control(
    id="GXP-AI-08",
    title="Training data under sensitive-data discovery",
    statement=(
        "Where a training pipeline runs, Macie is enabled, scheduled discovery jobs scan the ML artifact bucket and "
        "the records bucket of every data class the config lets the account train on, and an enabled rule sends "
        "Macie findings to the audit account's bus."
    ),
    eu_ai_act={
        "10": "Personal data in training sets is detected where it was not expected, so data governance rests on evidence, not on declarations alone.",
    },
    resource_types=("AWS::SageMaker::Pipeline",),
    check=check,
    deployed=DeployedCheck(read=_deployed, accounts=WORKLOADS, regions="workload"),
)
