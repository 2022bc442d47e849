"""OQ-BAK-01: the restore test. S3 and DynamoDB are moto; AWS Backup is a botocore Stubber, because moto's
Backup has no recovery points or restore jobs (moto 5.2: plans, vaults, tags and vault lock only).

Stubbed calls, in the order the runner makes them, for the records bucket and then the ledger table:
ListRecoveryPointsByResource, GetRecoveryPointRestoreMetadata, StartRestoreJob, DescribeRestoreJob (until
a final state or the bound). What AWS Backup would do on StartRestoreJob (create the scratch bucket with
the restored object, or the scratch table with the restored items) is done here with boto3 calls into moto,
from the job's own parameters; a test changes what "the restore" writes to make the comparison fail."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.stub import ANY, Stubber

from gxp_landing_zone.validation.oq import run_oq, verdicts
from tests.test_iq import REGION
from tests.test_iq import fake_credentials  # noqa: F401  (autouse fixture: moto credentials)
from tests.test_oq import REGULATED, enforce, failing_steps, step, validation, _validation_built_once  # noqa: F401  (fixtures)

LEDGER = "oq-ledger-source"
VAULT = "gxp-backup"
OLD_BODY = b"an earlier OQ run's test object, in the back-up\n"


class Backup:
    """AWS Backup for one run: a Stubber on the runner's backup client, and the restores' effects in moto."""

    def __init__(self, session, monkeypatch, *, restored_body=OLD_BODY, ledger_edit=None, s3_states=("RUNNING", "COMPLETED"),
                 table_states=("COMPLETED",)):
        self.session, self.restored_body, self.ledger_edit = session, restored_body, ledger_edit
        # AWS Backup acts with its own role: its writes do not pass the guardrails injected on the runner's session.
        creds = session.get_credentials()
        self.service = boto3.Session(aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key,
                                     aws_session_token=creds.token, region_name=REGION)
        self.client = session.client("backup", region_name=REGION)
        self.stub, self.started = Stubber(self.client), []
        self.client.meta.events.register("before-parameter-build.backup.StartRestoreJob", self._restore)
        original = session.client
        monkeypatch.setattr(session, "client", lambda service, *a, **kw: self.client if service == "backup"
                            else original(service, *a, **kw))
        self.s3_states, self.table_states = s3_states, table_states

    def expect(self, resource_arn: str, taken: datetime, resource_type: str, states) -> None:
        point = f"arn:aws:backup:{REGION}:111122223333:recovery-point:{resource_type.lower()}-1"
        self.stub.add_response("list_recovery_points_by_resource", {"RecoveryPoints": [
            {"RecoveryPointArn": point, "CreationDate": taken, "Status": "COMPLETED", "BackupVaultName": VAULT},
            {"RecoveryPointArn": point + "-older", "CreationDate": taken - timedelta(days=1), "Status": "COMPLETED",
             "BackupVaultName": VAULT},
            {"RecoveryPointArn": point + "-partial", "CreationDate": taken + timedelta(hours=1), "Status": "PARTIAL",
             "BackupVaultName": VAULT}]}, {"ResourceArn": resource_arn})
        self.stub.add_response("get_recovery_point_restore_metadata", {"RestoreMetadata": {"source": "metadata"}},
                               {"BackupVaultName": VAULT, "RecoveryPointArn": point})
        self.stub.add_response("start_restore_job", {"RestoreJobId": f"job-{resource_type}"}, {
            "RecoveryPointArn": point, "ResourceType": resource_type, "Metadata": ANY, "IamRoleArn": ANY,
            "IdempotencyToken": ANY})
        for state in states:
            self.stub.add_response("describe_restore_job", {"RestoreJobId": f"job-{resource_type}", "Status": state},
                                   {"RestoreJobId": f"job-{resource_type}"})

    def _restore(self, params, **_):
        self.started.append(params)
        metadata = params["Metadata"]
        if params["ResourceType"] == "S3" and "COMPLETED" in self.s3_states:
            s3 = self.service.client("s3")
            s3.create_bucket(Bucket=metadata["DestinationBucketName"])
            for uri in json.loads(metadata["ItemsToRestore"]):
                s3.put_object(Bucket=metadata["DestinationBucketName"], Key=uri.split("/", 3)[3], Body=self.restored_body)
        if params["ResourceType"] == "DynamoDB" and "COMPLETED" in self.table_states:
            ddb = self.service.client("dynamodb")
            make_table(ddb, metadata["TargetTableName"])
            for item in ddb.scan(TableName=LEDGER)["Items"][:2]:  # the items the recovery point held
                ddb.put_item(TableName=metadata["TargetTableName"], Item=(self.ledger_edit or (lambda i: i))(item))


def make_table(ddb, name):
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "record_id", "KeyType": "HASH"}, {"AttributeName": "seq", "KeyType": "RANGE"}],
                     AttributeDefinitions=[{"AttributeName": "record_id", "AttributeType": "S"},
                                           {"AttributeName": "seq", "AttributeType": "N"}])


@pytest.fixture
def earlier_run(validation):
    """An earlier OQ run's test object and three ledger entries, then a recovery point taken after them."""
    config, names, session = validation
    bucket = names.records_bucket("deidentified-analytics", config.account(REGULATED).id, REGION)
    s3 = session.client("s3")
    s3.put_object(Bucket=bucket, Key="oq/20261101T000000Z-earlier.txt", Body=OLD_BODY)
    written = s3.list_object_versions(Bucket=bucket, Prefix="oq/")["Versions"][0]["LastModified"]
    ddb = session.client("dynamodb")
    make_table(ddb, LEDGER)
    for seq in range(3):
        ddb.put_item(TableName=LEDGER, Item={"record_id": {"S": f"{bucket}/oq/x"}, "seq": {"N": str(seq)},
                                             "manifest_hash": {"S": f"{seq:064d}"}})
    # S3 lists times to the second: the run's own objects must fall after the recovery point.
    while datetime.now(timezone.utc) < written + timedelta(seconds=1):
        time.sleep(0.05)
    return bucket, written + timedelta(milliseconds=500)


def run(config, session, backup, bucket, taken, *, wait_seconds=3600):
    table_arn = session.client("dynamodb").describe_table(TableName=LEDGER)["Table"]["TableArn"]
    backup.expect(f"arn:aws:s3:::{bucket}", taken, "S3", backup.s3_states)
    backup.expect(table_arn, taken, "DynamoDB", backup.table_states)
    enforce(session)
    waits = []
    with backup.stub:
        results = run_oq(session, config, REGULATED, REGION, restore_test=True, ledger_table=LEDGER,
                         restore_wait_seconds=wait_seconds, sleep=waits.append)
    return results, waits


def test_record_and_ledger_restored_unchanged_and_scratch_removed(validation, earlier_run, monkeypatch):
    config, names, session = validation
    bucket, taken = earlier_run
    backup = Backup(session, monkeypatch)
    results, waits = run(config, session, backup, bucket, taken)
    assert verdicts(results)["OQ-BAK-01"] == "pass", [r for r in results if r.test_id == "OQ-BAK-01"]
    assert "oq/20261101T000000Z-earlier.txt" in step(results, "OQ-BAK-01", "1").resource  # not this run's object
    assert '"states seen": ["RUNNING", "COMPLETED"]' in step(results, "OQ-BAK-01", "2").observed and waits == [30]
    assert '"restored items": 2, "source items": 3' in step(results, "OQ-BAK-01", "5").observed
    s3_job, table_job = backup.started
    account = config.account(REGULATED).id
    assert s3_job["IamRoleArn"] == table_job["IamRoleArn"] == f"arn:aws:iam::{account}:role/gxp-backup-use1"
    assert s3_job["Metadata"]["NewBucket"] == "true" and s3_job["Metadata"]["source"] == "metadata"
    assert json.loads(s3_job["Metadata"]["ItemsToRestore"]) == [f"s3://{bucket}/oq/20261101T000000Z-earlier.txt"]
    assert table_job["Metadata"]["TargetTableName"].startswith("gxp-oq-restore-")
    cleanup = step(results, "OQ-BAK-01", "6", kind="clean-up")
    assert cleanup.outcome == "pass"
    assert not [b for b in session.client("s3").list_buckets()["Buckets"] if b["Name"].startswith("gxp-oq-restore-")]
    assert session.client("dynamodb").list_tables()["TableNames"] == [LEDGER]
    backup.stub.assert_no_pending_responses()


@pytest.mark.parametrize("change, failing", [
    ({"restored_body": b"different bytes"}, ("OQ-BAK-01", "3")),
    ({"ledger_edit": lambda i: {**i, "manifest_hash": {"S": "f" * 64}}}, ("OQ-BAK-01", "5")),
    ({"s3_states": ("RUNNING", "FAILED")}, ("OQ-BAK-01", "2")),
])
def test_a_restore_that_differs_or_fails_fails_its_step(validation, earlier_run, monkeypatch, change, failing):
    config, names, session = validation
    bucket, taken = earlier_run
    results, _ = run(config, session, Backup(session, monkeypatch, **change), bucket, taken)
    assert failing in failing_steps(results)
    if "s3_states" in change:
        assert failing_steps(results) == {("OQ-BAK-01", "2"), ("OQ-BAK-01", "3")}
        assert '"last state": "FAILED"' in step(results, "OQ-BAK-01", "2").observed
        # The job made no bucket: nothing to remove, which is not a failure of the clean-up.
        assert step(results, "OQ-BAK-01", "6", kind="clean-up").outcome == "pass"
    else:
        assert failing_steps(results) == {failing}


def test_a_restore_still_running_at_the_bound_fails_with_its_states(validation, earlier_run, monkeypatch):
    config, names, session = validation
    bucket, taken = earlier_run
    backup = Backup(session, monkeypatch, s3_states=("PENDING", "RUNNING", "RUNNING"))
    results, waits = run(config, session, backup, bucket, taken, wait_seconds=60)
    assert ("OQ-BAK-01", "2") in failing_steps(results) and waits[:2] == [30, 30]
    observed = json.loads(step(results, "OQ-BAK-01", "2").observed)
    assert observed["states seen"] == ["PENDING", "RUNNING"] and observed["last state"] == "RUNNING"


def test_not_requested_or_nothing_to_restore(validation, monkeypatch):
    config, names, session = validation
    enforce(session)
    results = run_oq(session, config, REGULATED, REGION)
    restore = [r for r in results if r.test_id == "OQ-BAK-01"]
    assert {r.outcome for r in restore} == {"not executed"} and "--restore-test" in restore[0].observed
    # A first OQ run: no test object is older than the recovery point; the ledger part still runs.
    make_table(session.client("dynamodb"), LEDGER)
    session.client("dynamodb").put_item(TableName=LEDGER, Item={"record_id": {"S": "r"}, "seq": {"N": "0"}})
    bucket = names.records_bucket("deidentified-analytics", config.account(REGULATED).id, REGION)
    taken = datetime.now(timezone.utc) - timedelta(minutes=5)
    backup = Backup(session, monkeypatch)
    table_arn = session.client("dynamodb").describe_table(TableName=LEDGER)["Table"]["TableArn"]
    backup.stub.add_response("list_recovery_points_by_resource", {"RecoveryPoints": [
        {"RecoveryPointArn": "rp-s3", "CreationDate": taken, "Status": "COMPLETED", "BackupVaultName": VAULT}]},
        {"ResourceArn": f"arn:aws:s3:::{bucket}"})
    backup.expect(table_arn, taken, "DynamoDB", ("COMPLETED",))
    with backup.stub:
        results = run_oq(session, config, REGULATED, REGION, restore_test=True, ledger_table=LEDGER, sleep=lambda s: None)
    assert step(results, "OQ-BAK-01", "1").outcome == "not executed"
    assert "run the OQ again after the next back-up" in step(results, "OQ-BAK-01", "1").observed
    assert step(results, "OQ-BAK-01", "5").outcome == "pass"
