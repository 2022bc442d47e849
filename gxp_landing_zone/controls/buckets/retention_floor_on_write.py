"""GXP-S3-09: a write cannot ask for less than the bucket's retention, or for GOVERNANCE mode."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import Control, all_of, cannot_prove, cfn_int, compliant, non_compliant, not_applicable
from ._bucket import ESTATE_BUCKETS, readable_statements, required_lock_days
from ._statements import OBJECTS, denies_everyone, glob_matches, sid, sole_condition

# A writer with s3:PutObjectRetention may name its own retain-until date, on upload (PutObject with
# the Object Lock headers) or afterwards, and S3 takes it over the bucket default. Both are refused
# when they ask for less than the bucket's retention or for GOVERNANCE mode.
RETENTION_WRITES = ("s3:PutObject", "s3:PutObjectRetention")
REMAINING_DAYS = "s3:object-lock-remaining-retention-days"
LOCK_MODE = "s3:object-lock-mode"
GOVERNANCE = "GOVERNANCE"


def _operator(name: str) -> str:
    # ...IfExists also denies a request without the key: stricter, never weaker.
    return name.lower().removesuffix("ifexists")


def _floor(statement):
    """The retention below which the statement denies the write, Unresolved, or None."""
    condition = sole_condition(statement)
    if condition is None or condition[1].lower() != REMAINING_DAYS:
        return None
    operator, _, values = condition
    numbers = [cfn_int(v) for v in values]
    if any(isinstance(n, Unresolved) or n is None for n in numbers):
        return Unresolved(f"{sid(statement)}: {REMAINING_DAYS} compared with {values}, not whole numbers")
    if _operator(operator) == "numericlessthan":
        return max(numbers)
    if _operator(operator) == "numericlessthanequals":
        return max(numbers) + 1
    return None


def _refuses_governance(statement) -> bool:
    condition = sole_condition(statement)
    if condition is None or condition[1].lower() != LOCK_MODE:
        return False
    operator, _, values = condition
    operator = _operator(operator)
    if operator == "stringequals":
        return GOVERNANCE in values
    if operator == "stringequalsignorecase":
        return any(isinstance(v, str) and v.upper() == GOVERNANCE for v in values)
    if operator == "stringlike":
        return any(isinstance(v, str) and glob_matches(v, GOVERNANCE) for v in values)
    return False


def _action(found, bucket, action, required):
    floors, unknown, governance = [], [], False
    for statement in found:
        if not denies_everyone(statement, action, bucket, OBJECTS):
            continue
        if statement.unconditional:
            return compliant(f"{action} denied to everyone by {sid(statement)}")
        floor = _floor(statement)
        if isinstance(floor, Unresolved):
            unknown.append(floor)
        elif floor is not None:
            floors.append(floor)
        governance = governance or _refuses_governance(statement)
    unknown += found.unresolved
    parts = []
    if not floors or max(floors) < required:
        if unknown:
            return cannot_prove(unknown[0])
        seen = f"denied below {max(floors)} days" if floors else "no retention floor"
        parts.append(non_compliant(f"{action}: {seen}; required a floor of at least {required} days"))
    else:
        parts.append(compliant(f"{action} denied below {max(floors)} days"))
    if governance:
        parts.append(compliant(f"{action} denied in {GOVERNANCE} mode"))
    elif found.unresolved:
        parts.append(cannot_prove(found.unresolved[0]))
    else:
        parts.append(non_compliant(f"{action} is not denied when {LOCK_MODE} is {GOVERNANCE}"))
    return all_of(*parts)


def check(bucket, ctx):
    required = required_lock_days(bucket, ctx)
    if isinstance(required, Unresolved):
        return cannot_prove(required)
    if required is None:
        return not_applicable("the config sets no retention for this bucket")
    if required <= 0:
        return non_compliant("the bucket is named as a records bucket but holds no data class the config knows")
    found = readable_statements(bucket)
    if isinstance(found, Unresolved):
        return cannot_prove(found)
    if not found and not found.unresolved:
        return non_compliant("the bucket has no bucket policy")
    return all_of(*(_action(found, bucket, action, required) for action in RETENTION_WRITES))


CONTROL = Control(
    id="GXP-S3-09",
    title="Retention cannot be shortened on write",
    statement=(
        "The bucket policy denies s3:PutObject and s3:PutObjectRetention to everyone when the request asks for "
        "less remaining retention than the config requires of the bucket, and when it asks for GOVERNANCE mode: "
        "a writer cannot lock a record for a day, or under a lock that can be bypassed."
    ),
    part11={
        "11.10(c)": "A record cannot be written with a retention shorter than the period it must remain retrievable.",
        "11.10(e)": "Audit-trail files cannot be written under a short or bypassable lock that would let them be removed early.",
    },
    annex11={
        "7.1": "The retention the organization set is a floor every write must meet, not a default a writer can undercut.",
    },
    jp_eres={"3.1.3": "Preservation: no writer can shorten how long a record is kept."},
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=ESTATE_BUCKETS,
)
