"""GXP-CHG-04: change records are written only by the pipeline, into the locked evidence bucket."""

from __future__ import annotations

from ..buckets._bucket import readable_statements
from ..buckets._statements import OBJECTS, denies_everyone, glob_within, sid, sole_condition
from ..cfn import Unresolved
from ..deployed.s3 import bucket as read_bucket
from ..model import LOG_ARCHIVE, Control, DeployedCheck, all_of, cannot_prove, compliant, non_compliant, not_applicable

# Writing a record, or setting its own retention or legal hold, is left to the pipeline's roles.
WRITES = ("s3:PutObject", "s3:PutObjectRetention", "s3:PutObjectLegalHold")
_EXEMPTING = ("arnnotlike", "arnnotequals", "stringnotlike")


def _write_denied(found, bucket, action: str, pipeline: str):
    reasons = []
    for statement in found:
        if not denies_everyone(statement, action, bucket, OBJECTS):
            continue
        condition = sole_condition(statement)
        if condition is None or condition[1].lower() != "aws:principalarn" or condition[0].lower() not in _EXEMPTING:
            reasons.append(f"{sid(statement)} applies only under {statement.conditions or 'no condition it needs'}"
                           if not statement.unconditional else f"{sid(statement)} denies it to the pipeline too")
            continue
        wide = [v for v in condition[2] if not (isinstance(v, str) and glob_within(v, pipeline))]
        if wide:
            reasons.append(f"{sid(statement)} exempts {', '.join(map(str, wide))}, wider than the pipeline's roles {pipeline}")
            continue
        return compliant(f"{action} denied by {sid(statement)} to all but {', '.join(condition[2])}")
    if found.unresolved:
        return cannot_prove(found.unresolved[0])
    return non_compliant(f"{action}: " + ("; ".join(reasons) if reasons else "no statement denies it to everyone but the pipeline"))


def check(bucket, ctx):
    if ctx.names is None:
        return cannot_prove("the evidence bucket is named by the config")
    name = bucket.get("BucketName")
    if isinstance(name, Unresolved):
        return cannot_prove(f"BucketName: {name.why}")
    if name != ctx.names.evidence_bucket:
        return not_applicable()
    found = readable_statements(bucket)
    if isinstance(found, Unresolved):
        return cannot_prove(found)
    pipeline = ctx.names.pipeline_role_pattern()
    return all_of(*(_write_denied(found, bucket, action, pipeline) for action in WRITES))


def evidence_bucket(reader):
    return [read_bucket(reader, reader.names.evidence_bucket)]


CONTROL = Control(
    id="GXP-CHG-04",
    title="Change records written only by the pipeline",
    statement=(
        "The policy of the log archive's evidence bucket, where every pipeline execution's change record is kept under "
        "Object Lock COMPLIANCE, denies writing an object, or setting an object's retention or legal hold, to every "
        "principal except the pipeline's roles; no one else can add to or shape the change control record."
    ),
    part11={
        "11.10(k)": "The time-sequenced record of changes (11.10(k)(2)) holds only what the controlled change process wrote.",
        "11.10(e)": "Change records, once written by the pipeline, are kept unaltered with the audit trail.",
    },
    annex11={
        "4.2": "The change control records filed with the validation documentation are the pipeline's own, unaltered.",
        "10": "The record of each change is produced by the controlled procedure itself, not by anyone able to write to storage.",
    },
    jp_eres={"3.1.3": "Preservation: change records are kept unaltered for their retention period."},
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=DeployedCheck(read=evidence_bucket, accounts=frozenset({LOG_ARCHIVE}), regions="home"),
)
