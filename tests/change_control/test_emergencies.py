"""The emergency path's paperwork: a break-glass session committed as a short file becomes a retrospective
change record in the locked evidence bucket, listing what the session changed according to CloudTrail
(botocore's Stubber: moto does not filter LookupEvents by session issuer), and the next release candidate
cites it so the QA approver's signature covers it."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from botocore.stub import Stubber

from change_control._release import NOW, ReleaseWorld
from gxp_landing_zone.change_control import emergencies
from gxp_landing_zone.change_control.patterns import BREAK_GLASS_ROLE_PREFIX
from gxp_landing_zone.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]
CONFIG = load_config(ROOT / "config" / "reference.yaml")
RECORD = """\
id: 2026-11-30-restore-signing
account: regulated-us
started: 2026-11-30T08:10:00Z
ended: 2026-11-30T08:55:00Z
person: Pat Platform (pat@example.com)
reason: signature API returned 500 after a manual key policy edit; policy restored
ticket: INC-4711
"""


def _event(name: str, issuer: str, resource: str) -> dict:
    detail = {"eventTime": "2026-11-30T08:20:00Z", "eventSource": "kms.amazonaws.com", "eventName": name,
              "userIdentity": {"arn": f"arn:aws:sts::444444444444:assumed-role/{issuer}/pat",
                               "sessionContext": {"sessionIssuer": {"userName": issuer}}}}
    return {"EventId": name, "EventName": name, "CloudTrailEvent": json.dumps(detail),
            "Resources": [{"ResourceType": "AWS::KMS::Key", "ResourceName": resource}]}


class Trail:
    """Each region's CloudTrail answers: one break-glass call and one by the pipeline in us-east-1."""

    def __init__(self, session):
        self.session, self.stubs = session, []

    def client(self, name, region_name):
        client = self.session.client(name, region_name=region_name)
        stub = Stubber(client)
        events = [] if region_name != "us-east-1" else [
            _event("PutKeyPolicy", f"{BREAK_GLASS_ROLE_PREFIX}_a1b2c3", "signing-key"),
            _event("UpdateAlias", "cdk-hnb659fds-cfn-exec-role-444444444444-us-east-1", "alias/x"),
        ]
        stub.add_response("lookup_events", {"Events": events}, {
            "StartTime": datetime(2026, 11, 30, 8, 10, tzinfo=timezone.utc),
            "EndTime": datetime(2026, 11, 30, 8, 55, tzinfo=timezone.utc),
            "LookupAttributes": [{"AttributeKey": "ReadOnly", "AttributeValue": "false"}],
        })
        stub.activate()
        self.stubs.append(stub)
        return client


def committed(tmp_path: Path, text: str = RECORD, name: str = "restore-signing.yaml") -> Path:
    folder = tmp_path / emergencies.DIRECTORY
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
    return tmp_path


def test_a_break_glass_session_becomes_a_retrospective_record(world: ReleaseWorld, tmp_path):
    found = emergencies.load(committed(tmp_path), CONFIG)
    trail = Trail(world.session)
    asked = []
    cited = emergencies.record_all(found, CONFIG, world.store, lambda account: asked.append(account) or trail, clock=lambda: NOW)
    assert asked == [CONFIG.account("regulated-us").id]
    ((entry,),) = [cited]
    assert entry["recorded_earlier"] is False and entry["id"] == "2026-11-30-restore-signing"
    # Only the break-glass session's call; the pipeline's own deployment in the window is not the emergency.
    assert [e["name"] for e in entry["events"]] == ["PutKeyPolicy"] and entry["events"][0]["resources"] == ["signing-key"]
    record = world.store.read_json(entry["key"], entry["version_id"])
    assert record["reason"].startswith("signature API returned 500") and record["recorded_at"] == "2026-11-30T09:00:00Z"
    page = world.store.read(world.store.emergency_key(entry["id"], "html")).decode()
    assert "retrospective record" in page and "PutKeyPolicy" in page and "INC-4711" in page
    head = world.s3.head_object(Bucket=world.store.bucket, Key=entry["key"])
    assert head["ObjectLockMode"] == "COMPLIANCE"
    for stub in trail.stubs:
        stub.assert_no_pending_responses()


def test_an_emergency_is_recorded_once_and_cited_again(world, tmp_path):
    found = emergencies.load(committed(tmp_path), CONFIG)
    emergencies.record_all(found, CONFIG, world.store, lambda account: Trail(world.session))
    again = emergencies.record_all(found, CONFIG, world.store, lambda account: pytest.fail("CloudTrail read twice"))
    assert again[0]["recorded_earlier"] is True and again[0]["events"][0]["name"] == "PutKeyPolicy"
    assert len(world.store.versions(world.store.emergency_key(found[0].id))) == 1


@pytest.mark.parametrize("change,expected", [
    (("account: regulated-us", "account: research"), "account: 'research' is not a regulated or validation account"),
    (("ended: 2026-11-30T08:55:00Z", "ended: 2026-11-30T08:00:00Z"), "ended: 2026-11-30T08:00:00Z is not after started"),
    (("started: 2026-11-30T08:10:00Z", "started: 30.11.2026 08:10"), "started: '30.11.2026 08:10' is not a UTC time written like"),
    (("id: 2026-11-30-restore-signing", "id: Restore Signing"), "id: 'Restore Signing' is not an emergency ID"),
    (("reason: signature API", "reasn: signature API"), "reason"),
])
def test_a_malformed_emergency_file_names_the_file_and_the_field(tmp_path, change, expected):
    root = committed(tmp_path, RECORD.replace(*change))
    with pytest.raises(ConfigError) as caught:
        emergencies.load(root, CONFIG)
    assert "restore-signing.yaml" in str(caught.value) and expected in str(caught.value)


def test_no_emergency_folder_means_no_emergency(tmp_path):
    assert emergencies.load(tmp_path, CONFIG) == []

