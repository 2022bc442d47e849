"""Emergency changes made around the pipeline under the break-glass permission set, recorded
retrospectively (Annex 11 10): the change is committed with a short file under
``change-control/emergencies/`` naming who, where, when and why; the next execution's change record step
reads what that session changed from CloudTrail, writes the retrospective record to the evidence bucket,
and lists it in the release candidate, so the QA approver's signature covers it.

    id: 2026-11-30-restore-signing          # lower case, digits and hyphens
    account: regulated-us
    started: 2026-11-30T08:10:00Z
    ended: 2026-11-30T08:55:00Z
    person: Pat Platform (pat@example.com)
    reason: signature API returned 500 after a manual key policy edit; policy restored
    ticket: INC-4711                         # optional
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from pydantic import Field, ValidationError, field_validator

from ..config.base import Strict
from ..config.loader import ConfigError, load_yaml
from .evidence import EvidenceStore, canonical
from .patterns import BREAK_GLASS_ROLE_PREFIX

DIRECTORY = "change-control/emergencies"
ID = re.compile(r"[a-z0-9][a-z0-9-]{2,62}")
# CloudTrail's event history covers the last 90 days.
LOOKBACK_DAYS = 90


class Emergency(Strict):
    id: str = Field(description="lower case letters, digits and hyphens, e.g. 2026-11-30-restore-signing")
    account: str = Field(description="role of the account the break-glass session changed")
    started: str = Field(description="start of the session, UTC, e.g. 2026-11-30T08:10:00Z")
    ended: str = Field(description="end of the session, UTC")
    person: str = Field(min_length=3)
    reason: str = Field(min_length=10)
    ticket: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID.fullmatch(value):
            raise ValueError(f"'{value}' is not an emergency ID (3-63 lower-case letters, digits, hyphens)")
        return value

    @field_validator("started", "ended")
    @classmethod
    def _time(cls, value: str) -> str:
        try:
            parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            raise ValueError(f"'{value}' is not a UTC time written like 2026-11-30T08:10:00Z") from None
        return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")

    def window(self) -> tuple[datetime, datetime]:
        parse = lambda v: datetime.strptime(v, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)  # noqa: E731
        return parse(self.started), parse(self.ended)


def load(root: Path, config) -> list[Emergency]:
    """Every emergency file in the repository; ConfigError naming the file and field for a bad one."""
    found = []
    roles = {a.role for a in config.regulated_accounts}
    for path in sorted((root / DIRECTORY).glob("*.y*ml")):
        data = load_yaml(path.read_text(encoding="utf-8"), str(path), document="emergency record")
        try:
            emergency = Emergency.model_validate(data)
        except ValidationError as exc:
            lines = [f"  {'.'.join(map(str, e['loc'])) or '(top level)'}: {e['msg'].removeprefix('Value error, ')}"
                     for e in exc.errors(include_url=False)]
            raise ConfigError(f"{path}: {len(lines)} problem(s) in the emergency record:\n" + "\n".join(lines)) from None
        if emergency.account not in roles:
            raise ConfigError(f"{path}: account: '{emergency.account}' is not a regulated or validation account of the config")
        start, end = emergency.window()
        if end <= start:
            raise ConfigError(f"{path}: ended: {emergency.ended} is not after started {emergency.started}")
        found.append(emergency)
    return found


def break_glass_events(session, regions: list[str], emergency: Emergency) -> list[dict]:
    """What the session changed: CloudTrail's write events in the window whose session was break-glass."""
    start, end = emergency.window()
    found = []
    for region in regions:
        cloudtrail = session.client("cloudtrail", region_name=region)
        kwargs = {"StartTime": start, "EndTime": end,
                  "LookupAttributes": [{"AttributeKey": "ReadOnly", "AttributeValue": "false"}]}
        while True:
            page = cloudtrail.lookup_events(**kwargs)
            for event in page.get("Events", []):
                detail = json.loads(event.get("CloudTrailEvent") or "{}")
                issuer = detail.get("userIdentity", {}).get("sessionContext", {}).get("sessionIssuer", {})
                if str(issuer.get("userName", "")).startswith(BREAK_GLASS_ROLE_PREFIX):
                    found.append({
                        "time": detail.get("eventTime"), "region": region, "source": detail.get("eventSource"),
                        "name": detail.get("eventName"), "principal": detail.get("userIdentity", {}).get("arn"),
                        "resources": [r.get("ResourceName") for r in event.get("Resources", [])],
                        "error": detail.get("errorCode"),
                    })
            if not page.get("NextToken"):
                break
            kwargs["NextToken"] = page["NextToken"]
    return sorted(found, key=lambda e: (e["time"] or "", e["region"]))


def _html(record: dict) -> str:
    rows = "".join(
        f"<tr><td>{escape(str(e['time']))}</td><td>{escape(e['region'])}</td><td>{escape(str(e['source']))}</td>"
        f"<td>{escape(str(e['name']))}</td><td>{escape(', '.join(filter(None, e['resources'])))}</td></tr>"
        for e in record["events"]
    )
    return (
        f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Emergency change {escape(record['id'])}</title>"
        "</head><body>"
        f"<h1>Emergency change {escape(record['id'])} (retrospective record)</h1>"
        f"<p>Account {escape(record['account'])}; {escape(record['started'])} to {escape(record['ended'])}; "
        f"by {escape(record['person'])}; ticket {escape(record.get('ticket') or '-')}.</p>"
        f"<p>Reason: {escape(record['reason'])}</p>"
        "<table border=\"1\"><thead><tr><th>Time</th><th>Region</th><th>Service</th><th>Call</th><th>Resources</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></body></html>\n"
    )


def record_all(emergencies: list[Emergency], config, store: EvidenceStore, session_for, clock=None) -> list[dict]:
    """Write each emergency's retrospective record once; return what the release candidate cites."""
    cited = []
    for emergency in emergencies:
        account = config.account(emergency.account)
        key = store.emergency_key(emergency.id)
        if store.exists(key):
            existing = store.read_json(key)
            cited.append({**{k: existing[k] for k in ("id", "account", "person", "reason")}, "key": key,
                          "events": existing["events"], "recorded_earlier": True})
            continue
        events = break_glass_events(session_for(account.id), list(config.allowed_regions), emergency)
        record = {
            "schema": "gxp-emergency-change/1", **emergency.model_dump(), "events": events,
            "recorded_at": (clock or (lambda: datetime.now(timezone.utc)))().strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        stored = store.put(key, canonical(record), "application/json")
        store.put(store.emergency_key(emergency.id, "html"), _html(record).encode(), "text/html")
        cited.append({"id": emergency.id, "account": emergency.account, "person": emergency.person,
                      "reason": emergency.reason, "events": events, **stored.to_dict(), "recorded_earlier": False})
    return cited
