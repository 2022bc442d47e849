"""Lambda reserved concurrency: room in the account's pool for what the estate's functions reserve.

Lambda lets reservations take the unreserved pool down to 100 and no further ("You can reserve up to
the Unreserved account concurrency value that is shown, minus 100 for functions that don't have
reserved concurrency"). New accounts start with reduced concurrency quotas, often below 100, where
any reservation makes CloudFormation fail the function.
https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
"""

from __future__ import annotations

from .assembly import Needs
from .result import Check, checked, fail, ok

MIN_UNRESERVED = 100
DEFAULT_QUOTA = 1000  # Lambda's default concurrent executions per account and region
# Service Quotas code of Lambda "Concurrent executions" (aws service-quotas list-service-quotas
# --service-code lambda); requests go through RequestServiceQuotaIncrease.
# https://docs.aws.amazon.com/goto/WebAPI/service-quotas-2019-06-24/RequestServiceQuotaIncrease
QUOTA_CODE = "L-B99A9384"


def headroom(lambda_client, account_id: str, region: str, needs: Needs) -> Check:
    """The estate's reservations are counted as new: this is a check before the first deploy."""
    reserved = needs.reserved_concurrency
    name = f"lambda concurrency: {reserved} reserved fits in {account_id}/{region}"

    def judge() -> Check:
        limits = lambda_client.get_account_settings()["AccountLimit"]
        limit, unreserved = limits["ConcurrentExecutions"], limits["UnreservedConcurrentExecutions"]
        left = unreserved - reserved
        observed = (
            f"account limit {limit}, unreserved {unreserved}; after the estate's reservations {left} "
            f"(minimum {MIN_UNRESERVED}; reservations {needs.source})"
        )
        if left >= MIN_UNRESERVED:
            return ok(name, observed)
        reserved_by_others = limit - unreserved
        wanted = max(DEFAULT_QUOTA, reserved_by_others + reserved + MIN_UNRESERVED)
        return fail(
            name,
            observed,
            f"aws service-quotas request-service-quota-increase --service-code lambda --quota-code {QUOTA_CODE} "
            f"--desired-value {wanted} --region {region} (in account {account_id}; console: Service Quotas > "
            "AWS Lambda > Concurrent executions)",
        )

    return checked(name, "lambda:GetAccountSettings", judge)
