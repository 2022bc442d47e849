"""The deployment account's signature service as the release gate uses it: its own list and verify
operations over its ledger and manifest copies, and its user pool for who is an approver now."""

from __future__ import annotations

from typing import Callable

from botocore.exceptions import ClientError

from ..naming import Names
from ..signatures.runtime.errors import NotFound
from ..signatures.runtime.service import SignatureService

LEDGER_TYPE = "AWS::DynamoDB::Table"
POOL_TYPE = "AWS::Cognito::UserPool"


class ServiceNotFound(Exception):
    """The release signature service's stack does not hold what the gate reads."""


def locate(cloudformation, stack: str) -> dict[str, str]:
    """Physical IDs of the service's ledger and user pool, from its stack (never from an export)."""
    try:
        resources = cloudformation.describe_stack_resources(StackName=stack)["StackResources"]
    except ClientError as exc:
        raise ServiceNotFound(f"cannot read stack {stack}: {exc.response.get('Error', {}).get('Message', exc)}") from None
    found = {r["ResourceType"]: r["PhysicalResourceId"] for r in resources if r["ResourceType"] in (LEDGER_TYPE, POOL_TYPE)}
    missing = [t for t in (LEDGER_TYPE, POOL_TYPE) if t not in found]
    if missing:
        raise ServiceNotFound(f"stack {stack} has no {', '.join(missing)}; is the release signature service deployed?")
    return found


def release_service(session, config, stack: str) -> tuple[SignatureService, Callable[[str], tuple[set[str], bool] | None]]:
    names = Names(config)
    deployment = config.account("deployment")
    found = locate(session.client("cloudformation"), stack)
    service = SignatureService(
        s3=session.client("s3"),
        dynamodb=session.client("dynamodb"),
        events=session.client("events"),
        kms=session.client("kms"),
        seal_key=names.signature_seal_key_alias(),
        ledger_table=found[LEDGER_TYPE],
        manifest_bucket=names.signature_manifest_bucket(deployment.id, config.home_region),
        records_buckets={names.evidence_bucket},
        event_bus_name="default",
    )
    return service, cognito_membership(session.client("cognito-idp"), found[POOL_TYPE])


def cognito_membership(cognito, pool_id: str) -> Callable[[str], tuple[set[str], bool] | None]:
    """username -> (groups now, enabled now), or None for a user the pool no longer has."""

    def groups_of(username: str):
        try:
            user = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
            groups, token = set(), None
            while True:
                page = cognito.admin_list_groups_for_user(
                    UserPoolId=pool_id, Username=username, **({"NextToken": token} if token else {})
                )
                groups |= {g["GroupName"] for g in page.get("Groups", [])}
                token = page.get("NextToken")
                if not token:
                    return groups, bool(user.get("Enabled", False))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "UserNotFoundException":
                return None
            raise

    return groups_of


def signatures(service: SignatureService, bucket: str, key: str) -> tuple[list[dict], dict | None]:
    """Every signature on the record (any version), as listed and as verified by the service."""
    listed = service.list_signatures(bucket, key)["signatures"]
    if not listed:
        return [], None
    try:
        return listed, service.verify(bucket, key)
    except NotFound:
        return listed, None
