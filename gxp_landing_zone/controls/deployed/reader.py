"""One account and region, read through boto3 into a synthetic template.

Each deployed resource becomes a resource of that template, with CloudFormation's type and property
names, so a control's ``check`` reads it exactly as it reads the synthesized one. What the API would
not tell (AccessDenied, an endpoint that does not answer) becomes an ``Unresolved`` value in place of
the property: the control reports "cannot prove" with the API's own words, and the run goes on. A
resource the API says does not exist is marked missing; the IQ records that as a failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from botocore.exceptions import BotoCoreError, ClientError

from ..cfn import Resource, StackTemplate, Unresolved
from ..context import ControlContext

MISSING = "__missing__"
PHYSICAL_ID = "__physical_id__"


def error_text(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        return f"{err.get('Code', 'ClientError')}: {err.get('Message', '')}".strip()
    return f"{exc.__class__.__name__}: {exc}"


def error_code(exc: Exception) -> str:
    return exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else ""


@dataclass
class Answer:
    """A boto3 response, or why there is none."""

    response: dict | None
    error: str | None = None
    code: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None

    def get(self, *path: str, absent_on: tuple[str, ...] = ()) -> Any:
        """A value from the response; Unresolved carrying the API error, except for the error codes
        that mean "not configured", which read as absent (None)."""
        if self.error is not None:
            return None if self.code in absent_on else Unresolved(self.error)
        value: Any = self.response
        for key in path:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value


def logical_id(physical: str) -> str:
    """A readable, unique logical ID for a deployed resource: its name, alphanumerics only."""
    return re.sub(r"[^A-Za-z0-9]", "", physical.title()) or "Resource"


class AccountReader:
    def __init__(self, session, context: ControlContext, account, region: str):
        self.session = session
        self.context = context
        self.config = context.config
        self.names = context.names
        self.account = account
        self.region = region
        self.stack = StackTemplate(
            name=f"{account.role}/{region} (deployed)", template={"Resources": {}}, account=account.id, region=region
        )
        self._clients: dict[str, Any] = {}
        self._read: dict[tuple, Resource] = {}

    def client(self, service: str, region: str | None = None):
        key = f"{service}@{region or self.region}"
        if key not in self._clients:
            self._clients[key] = self.session.client(service, region_name=region or self.region)
        return self._clients[key]

    def call(self, service: str, operation: str, *, region: str | None = None, **kwargs) -> Answer:
        try:
            response = getattr(self.client(service, region), operation)(**kwargs)
        except (ClientError, BotoCoreError) as exc:
            return Answer(None, error_text(exc), error_code(exc))
        response.pop("ResponseMetadata", None)
        return Answer(response)

    def once(self, key: tuple, build: Callable[[], Resource]) -> Resource:
        """Each deployed resource is read once per run, however many controls judge it."""
        if key not in self._read:
            self._read[key] = build()
        return self._read[key]

    def add(self, resource_type: str, physical_id: str, properties: dict, *, missing: str | None = None, **extra) -> Resource:
        """Put a deployed resource into the synthetic template under a logical ID made from its name."""
        resources = self.stack.template["Resources"]
        base = logical_id(physical_id)
        lid, n = base, 1
        while lid in resources:
            n += 1
            lid = f"{base}{n}"
        raw = {"Type": resource_type, "Properties": properties, PHYSICAL_ID: physical_id, **extra}
        if missing:
            raw[MISSING] = missing
        resources[lid] = raw
        self.stack.invalidate()
        return self.stack.resource(lid)

    @property
    def kind(self) -> str:
        return self.account.kind.value

    @property
    def is_home(self) -> bool:
        return self.region == self.context.home_region


def physical_id(resource: Resource) -> str:
    return resource.raw.get(PHYSICAL_ID) or resource.logical_id


def missing(resource: Resource) -> str | None:
    return resource.raw.get(MISSING)
