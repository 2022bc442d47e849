"""Who is told when the estate leaves its validated state or a signature attempt is refused.

21 CFR 11.300(d) asks that attempted misuse be detected and urgently reported. A topic nobody
subscribes to reports to no one, so the config must name at least one subscriber of the
compliance alert topic in the audit account; the Audit stack subscribes each of them, and
GXP-ALERT-02 checks the subscriptions at synthesis and, confirmed, in the deployed account.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from .base import Strict

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
QUEUE_OR_FUNCTION_ARN = {
    "sqs": re.compile(r"arn:aws:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?"),
    "lambda": re.compile(r"arn:aws:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?"),
}


class AlertSubscription(Strict):
    """One subscriber of the compliance alert topic."""

    protocol: Literal["email", "email-json", "https", "sqs", "lambda"] = Field(
        description="SNS protocol, e.g. email (the recipient confirms the subscription from the first message)"
    )
    endpoint: str = Field(
        description="e-mail address, https:// URL, or SQS queue / Lambda function ARN, e.g. gxp-qa@example.com"
    )

    @model_validator(mode="after")
    def _endpoint(self):
        endpoint, protocol = self.endpoint, self.protocol
        if protocol in ("email", "email-json") and not EMAIL.fullmatch(endpoint):
            raise ValueError(f"endpoint '{endpoint}' is not an e-mail address, e.g. gxp-qa@example.com")
        if protocol == "https" and not re.fullmatch(r"https://[^\s]+", endpoint):
            raise ValueError(f"endpoint '{endpoint}' is not an https:// URL; SNS delivers alerts to https endpoints only here")
        if protocol in QUEUE_OR_FUNCTION_ARN and not QUEUE_OR_FUNCTION_ARN[protocol].fullmatch(endpoint):
            example = {"sqs": "arn:aws:sqs:us-east-1:333333333333:gxp-alerts",
                       "lambda": "arn:aws:lambda:us-east-1:333333333333:function:page-qa"}[protocol]
            raise ValueError(f"endpoint '{endpoint}' is not an {protocol} ARN, e.g. {example}")
        return self


class Alerts(Strict):
    """Subscribers of the compliance alert topic (drift, refused signatures, changes to regulated
    resources). At least one is required: an alert nobody receives is no report (11.300(d))."""

    subscriptions: list[AlertSubscription] = Field(
        min_length=1,
        description="e.g. [{protocol: email, endpoint: gxp-qa-alerts@example.com}]; at least one",
    )

    @model_validator(mode="after")
    def _unique(self):
        seen = [(s.protocol, s.endpoint.lower()) for s in self.subscriptions]
        twice = sorted({f"{p} {e}" for p, e in seen if seen.count((p, e)) > 1})
        if twice:
            raise ValueError(f"subscription {', '.join(twice)} is listed twice")
        return self
