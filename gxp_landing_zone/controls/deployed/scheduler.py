"""The audit-trail review schedule as ``AWS::Scheduler::Schedule``, with what GXP-REV-02 reads beside it: the
function it targets (``AWS::Lambda::Function``, with its ARN), that function's execution role and policies, and
the reports bucket."""

from __future__ import annotations

from ...naming import REVIEW_SCHEDULE
from ..cfn import Resource, Unresolved
from .lambda_functions import _function_properties, execution_role
from .reader import AccountReader
from .s3 import bucket

KEEP = ("Name", "State", "ScheduleExpression", "ScheduleExpressionTimezone", "GroupName")


def _target_function(reader: AccountReader, arn: object) -> None:
    if not isinstance(arn, str) or ":function:" not in arn:
        return
    answer = reader.call("lambda", "get_function_configuration", FunctionName=arn)
    if not answer.ok:
        reader.add("AWS::Lambda::Function", arn, {"Arn": arn, "Role": Unresolved(answer.error)})
        return
    function = reader.add("AWS::Lambda::Function", answer.response["FunctionName"], {
        **_function_properties(answer.response), "Arn": answer.response.get("FunctionArn")})
    execution_role(reader, function)


def _read(reader: AccountReader, name: str) -> Resource:
    answer = reader.call("scheduler", "get_schedule", Name=name)
    if not answer.ok:
        if answer.code == "ResourceNotFoundException":
            return reader.add("AWS::Scheduler::Schedule", name, {"Name": name}, missing=f"no schedule {name}: {answer.error}")
        return reader.add("AWS::Scheduler::Schedule", name, {"Name": name, "State": Unresolved(answer.error)})
    target = answer.get("Target") or {}
    schedule = reader.add("AWS::Scheduler::Schedule", name, {
        **{k: answer.response[k] for k in KEEP if answer.response.get(k) is not None},
        "Target": {k: target[k] for k in ("Arn", "RoleArn") if k in target},
    })
    _target_function(reader, target.get("Arn"))
    bucket(reader, reader.names.review_reports_bucket)
    return schedule


def review_schedule(reader: AccountReader) -> list[Resource]:
    return [reader.once(("scheduler", REVIEW_SCHEDULE), lambda: _read(reader, REVIEW_SCHEDULE))]
