"""GXP-API-02: each API stage writes an access log of who called what, when, with what outcome, to a
CloudWatch Logs log group."""

from __future__ import annotations

import re

from ..cfn import Joined, Ref, Unresolved
from ..deployed.apigateway import STAGE, estate_apis
from ..model import Control, all_of, cannot_prove, compliant, non_compliant, not_applicable
from ..policy import matches
from ._service import service_check

DEPLOYMENT = "AWS::ApiGateway::Deployment"
LOG_GROUP_ARN = "arn:*:logs:*:*:log-group:*"
# What each entry must record (Annex 11 §12.4: operator identity, date and time, the action), as the
# $context variables that carry it. The caller is an authorizer's claim or principal, or the IAM
# identity; $context.identity.sourceIp or userAgent name a machine, not a person.
REQUIRED_FIELDS = {
    "caller identity": re.compile(r"\$context\.(authorizer\.\w|identity\.(user|userArn|caller)\b)"),
    "time": re.compile(r"\$context\.requestTime"),
    "method": re.compile(r"\$context\.httpMethod\b"),
    "resource": re.compile(r"\$context\.(resourcePath|path)\b"),
    "outcome": re.compile(r"\$context\.status\b"),
}


def _destination(setting, stack, where: str):
    arn = setting.get("DestinationArn")
    if isinstance(arn, Unresolved):
        return cannot_prove(f"{where}.DestinationArn: {arn.why}")
    if isinstance(arn, Ref) and arn.attribute == "Arn" and stack.target(arn, "AWS::Logs::LogGroup") is not None:
        return compliant(f"{where}.DestinationArn is log group {arn.logical_id}")
    text = str(arn) if isinstance(arn, Joined) else arn
    if isinstance(text, str) and matches(LOG_GROUP_ARN, text):
        return compliant(f"{where}.DestinationArn is {text}")
    return non_compliant(f"{where}.DestinationArn is {arn or 'not set'}; required a CloudWatch Logs log group")


def _format(setting, where: str):
    text = setting.get("Format")
    if isinstance(text, Unresolved):
        return cannot_prove(f"{where}.Format: {text.why}")
    if not isinstance(text, str) or not text:
        return non_compliant(f"{where}.Format is not set")
    missing = [name for name, pattern in REQUIRED_FIELDS.items() if not pattern.search(text)]
    if missing:
        return non_compliant(f"{where}.Format does not log the {', '.join(missing)}")
    return compliant(f"{where}.Format logs {', '.join(REQUIRED_FIELDS)}")


def check(resource, ctx):
    where = "AccessLogSetting"
    if resource.type == DEPLOYMENT:
        # A deployment creates a stage only when it names one; its settings are in StageDescription.
        name = resource.get("StageName")
        if isinstance(name, Unresolved):
            return cannot_prove(f"StageName: {name.why}")
        if not name:
            return not_applicable()
        where = "StageDescription.AccessLogSetting"
    setting = resource.get(where)
    if isinstance(setting, Unresolved):
        return cannot_prove(f"{where}: {setting.why}")
    if not isinstance(setting, dict) or not setting:
        return non_compliant(f"{where} is not set: the stage writes no access log")
    return all_of(_destination(setting, resource.stack, where), _format(setting, where))


CONTROL = Control(
    id="GXP-API-02",
    title="API access logged",
    statement=(
        "Each API stage writes an access log to a CloudWatch Logs log group, each entry naming the caller's identity, "
        "the time, the method and resource called and the outcome."
    ),
    part11={
        "11.10(e)": "Every call to the signature service is recorded with who made it and when, by the system itself.",
        "11.300(d)": "Refused and failed calls are recorded, so attempted misuse can be detected and reported.",
    },
    annex11={
        "9": "API calls that create signatures leave an audit record.",
        "12.4": "Each entry records the operator identity and the date and time of the action.",
    },
    jp_eres={"3.1.1": "Authenticity: who called the service, when, and with what result is traceable."},
    resource_types=(STAGE, DEPLOYMENT),
    check=check,
    deployed=service_check(lambda reader: [r for r in estate_apis(reader) if r.type == STAGE]),
)
