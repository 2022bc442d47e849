"""OQ-BAK-01: a record and the signature ledger are restored from their latest AWS Backup recovery point
into scratch targets, and what comes back is compared with the source (Annex 11 7.2; GXP-BAK-01).

An OQ test, not a PQ one: it exercises the deployed back-up plan, vault and role once, on known test data,
with a stated bound; it says nothing about restore times under production volumes.

What AWS documents and this follows (https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-s3.html,
.../restoring-dynamodb.html, API_StartRestoreJob.html): an S3 recovery point restores only the version that
was current when it was taken, an item-level restore takes up to five S3 URIs, and a restore's metadata
starts from GetRecoveryPointRestoreMetadata, with the target's name changed. The record object therefore
is the newest labelled OQ test object the bucket held when the recovery point was taken, in the version
then current; the ledger is append-only, so every restored item must equal the source's item of the same
key, and the source may hold later ones. The scratch bucket and table are deleted at the end.
"""

from __future__ import annotations

import json
from datetime import datetime

from botocore.exceptions import ClientError

from .steps import _error, _iso, _sha256

RESTORE_WAIT_SECONDS, RESTORE_POLL_SECONDS = 3600, 30
DONE = ("COMPLETED", "ABORTED", "FAILED")


class RestoreSteps:
    def bak_01(self) -> None:
        test = "OQ-BAK-01"
        if not self.restore_test:
            self.not_executed(test, "run with --restore-test: it starts AWS Backup restore jobs into scratch targets "
                                    f"and waits up to {self.restore_wait_seconds // 60} minutes for each")
            return
        self.backup = self.session.client("backup", region_name=self.region)
        scratch = f"gxp-oq-restore-{self.run_id}".lower()
        bucket_done = self._restore_record(test, scratch)
        table_done = self._restore_ledger(test, scratch)
        self._restore_clean_up(test, scratch if bucket_done else None, scratch if table_done else None)

    def _skipped(self, test: str, reason: str, numbers: tuple[int, ...]) -> None:
        for number in numbers:
            action, expected = self.tests[test]["steps"][number - 1]
            self.record(test, str(number), action, "-", expected, f"not executed: {reason}", "not executed")

    # -- recovery points and jobs ---------------------------------------------------------------------

    def _latest_recovery_point(self, resource_arn: str) -> tuple[dict | None, str]:
        points = []
        try:
            for page in self.backup.get_paginator("list_recovery_points_by_resource").paginate(ResourceArn=resource_arn):
                points += [p for p in page.get("RecoveryPoints", []) if p.get("Status") == "COMPLETED"]
        except ClientError as exc:
            return None, _error(exc)[1]
        if not points:
            return None, f"no completed recovery point of {resource_arn}"
        return max(points, key=lambda p: p["CreationDate"]), ""

    def _start_restore(self, point: dict, resource_type: str, target: dict) -> tuple[str | None, str]:
        try:
            metadata = self.backup.get_recovery_point_restore_metadata(
                BackupVaultName=point["BackupVaultName"], RecoveryPointArn=point["RecoveryPointArn"]).get("RestoreMetadata", {})
            job = self.backup.start_restore_job(
                RecoveryPointArn=point["RecoveryPointArn"], ResourceType=resource_type, Metadata={**metadata, **target},
                IamRoleArn=self.names.backup_role_arn(self.account.id, self.region),
                IdempotencyToken=f"oq-{self.run_id}-{resource_type.lower()}")
        except ClientError as exc:
            return None, _error(exc)[1]
        return job["RestoreJobId"], ""

    def _wait(self, job_id: str) -> tuple[str, list[str]]:
        """The job's last status and every status seen, polling up to the bound."""
        seen: list[str] = []
        polls = self.restore_wait_seconds // RESTORE_POLL_SECONDS
        for attempt in range(polls + 1):
            try:
                status = self.backup.describe_restore_job(RestoreJobId=job_id).get("Status", "?")
            except ClientError as exc:
                status = _error(exc)[1]
            if not seen or seen[-1] != status:
                seen.append(status)
            if status in DONE or attempt == polls:
                return status, seen
            self.sleep(RESTORE_POLL_SECONDS)
        return seen[-1], seen

    def _job_step(self, test: str, step: str, action: str, resource: str, point: dict, resource_type: str,
                  target: dict) -> bool:
        job_id, error = self._start_restore(point, resource_type, target)
        status, seen = self._wait(job_id) if job_id else (error, [])
        bound = f"{self.restore_wait_seconds // 60} minutes"
        self.record(test, step, action, resource, f"the restore job ends COMPLETED within {bound}",
                    {"recovery point": point["RecoveryPointArn"], "restore job": job_id, "states seen": seen,
                     "last state": status}, "pass" if status == "COMPLETED" else "fail")
        return job_id is not None

    # -- the record -----------------------------------------------------------------------------------

    def _restore_record(self, test: str, scratch: str) -> bool:
        action, expected = self.tests[test]["steps"][0]
        point, why = self._latest_recovery_point(f"arn:aws:s3:::{self.bucket}")
        if point is None:
            self.record(test, "1", action, f"s3://{self.bucket}", expected, why, "fail")
            self._skipped(test, "no recovery point of the records bucket", (2, 3))
            return False
        taken = point["CreationDate"]
        prefix = self.key.rsplit("/", 1)[0] + "/"
        found, error = self._version_current_at(prefix, taken)
        if found is None:
            self.record(test, "1", action, f"s3://{self.bucket}/{prefix}", expected,
                        f"not executed: {error or f'no labelled OQ test object is older than the recovery point of {_iso(taken)}; run the OQ again after the next back-up'}",
                        "fail" if error else "not executed")
            self._skipped(test, "no test object in the recovery point", (2, 3))
            return False
        key, version = found
        try:
            digest = _sha256(self.s3.get_object(Bucket=self.bucket, Key=key, VersionId=version)["Body"].read())
        except ClientError as exc:
            self.record(test, "1", action, f"s3://{self.bucket}/{key}?versionId={version}", expected, _error(exc)[1], "fail")
            self._skipped(test, "the original version could not be read", (2, 3))
            return False
        self.record(test, "1", action, f"s3://{self.bucket}/{key}?versionId={version}", expected,
                    {"recovery point": point["RecoveryPointArn"], "taken": _iso(taken), "sha256": digest}, "pass")
        started = self._job_step(test, "2", f"Restore s3://{self.bucket}/{key} into the new bucket {scratch}",
                                 f"s3://{scratch}/{key}", point, "S3",
                                 {"DestinationBucketName": scratch, "NewBucket": "true",
                                  "ItemsToRestore": json.dumps([f"s3://{self.bucket}/{key}"])})
        action, expected = self.tests[test]["steps"][2]
        try:
            restored = _sha256(self.s3.get_object(Bucket=scratch, Key=key)["Body"].read())
            observed = {"restored sha256": restored, "original sha256": digest}
        except ClientError as exc:
            restored, observed = None, _error(exc)[1]
        self.record(test, "3", action, f"s3://{scratch}/{key}", f"SHA-256 {digest}", observed,
                    "pass" if restored == digest else "fail")
        return started

    def _version_current_at(self, prefix: str, taken: datetime) -> tuple[tuple[str, str] | None, str]:
        """(key, version ID) of the newest OQ test object as it was when the recovery point was taken."""
        current: dict[str, dict] = {}
        try:
            for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=self.bucket, Prefix=prefix):
                for v in page.get("Versions", []) + page.get("DeleteMarkers", []):
                    if v["LastModified"] < taken and (v["Key"] not in current or v["LastModified"] > current[v["Key"]]["LastModified"]):
                        current[v["Key"]] = {**v, "deleted": "Size" not in v}
        except ClientError as exc:
            return None, _error(exc)[1]
        live = [v for v in current.values() if not v["deleted"]]
        if not live:
            return None, ""
        newest = max(live, key=lambda v: v["LastModified"])
        return (newest["Key"], newest["VersionId"]), ""

    # -- the ledger -----------------------------------------------------------------------------------

    def _ledger_name(self) -> tuple[str | None, str]:
        if self.ledger_table:
            return self.ledger_table, ""
        try:
            parameter = self.names.signature_ledger_parameter()
            return self.session.client("ssm", region_name=self.region).get_parameter(Name=parameter)["Parameter"]["Value"], ""
        except ClientError as exc:
            return None, f"the ledger table is not known: give --ledger-table ({_error(exc)[1]})"

    def _restore_ledger(self, test: str, scratch: str) -> bool:
        action, expected = self.tests[test]["steps"][3]
        name, why = self._ledger_name()
        dynamodb = self.session.client("dynamodb", region_name=self.region)
        try:
            table = dynamodb.describe_table(TableName=name)["Table"] if name else None
        except ClientError as exc:
            table, why = None, _error(exc)[1]
        point, why = self._latest_recovery_point(table["TableArn"]) if table else (None, why)
        if point is None:
            self.record(test, "4", action, name or "ledger table", expected, why, "fail")
            self._skipped(test, "no recovery point of the ledger table", (5,))
            return False
        started = self._job_step(test, "4", f"Restore the ledger table {name} into the table {scratch}", scratch,
                                 point, "DynamoDB", {"TargetTableName": scratch})
        action, expected = self.tests[test]["steps"][4]
        keys = [k["AttributeName"] for k in table["KeySchema"]]
        try:
            source = {self._item_key(i, keys): i for i in self._scan(dynamodb, name)}
            restored = list(self._scan(dynamodb, scratch))
        except ClientError as exc:
            self.record(test, "5", action, scratch, expected, _error(exc)[1], "fail")
            return started
        differing = [self._item_key(i, keys) for i in restored if source.get(self._item_key(i, keys)) != i]
        ok = bool(restored) and not differing
        self.record(test, "5", action, f"{scratch} against {name}", expected,
                    {"restored items": len(restored), "source items": len(source), "differing or missing in source":
                     differing[:20], "note": "" if restored else "the restored table is empty: nothing was compared"},
                    "pass" if ok else "fail")
        return started

    @staticmethod
    def _item_key(item: dict, keys: list[str]) -> str:
        return json.dumps({k: item.get(k) for k in keys}, sort_keys=True)

    @staticmethod
    def _scan(dynamodb, table: str):
        for page in dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
            yield from page.get("Items", [])

    # -- clean-up ---------------------------------------------------------------------------------------

    def _restore_clean_up(self, test: str, bucket: str | None, table: str | None) -> None:
        action, expected = self.tests[test]["steps"][5]
        if bucket is None and table is None:
            return
        observed, ok = {}, True
        if bucket:
            try:
                for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
                    for v in page.get("Versions", []) + page.get("DeleteMarkers", []):
                        self.s3.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
                self.s3.delete_bucket(Bucket=bucket)
                observed["bucket"] = f"deleted {bucket}"
            except ClientError as exc:
                code, text = _error(exc)
                gone = code == "NoSuchBucket"  # the job ended before it made the bucket: nothing to remove
                ok, observed["bucket"] = ok and gone, f"{bucket}: {'never created' if gone else text}"
        if table:
            try:
                self.session.client("dynamodb", region_name=self.region).delete_table(TableName=table)
                observed["table"] = f"deleted {table}"
            except ClientError as exc:
                code, text = _error(exc)
                gone = code == "ResourceNotFoundException"
                ok, observed["table"] = ok and gone, f"{table}: {'never created' if gone else text}"
        self.record(test, "6", action, ", ".join(x for x in (bucket, table) if x), expected, observed,
                    "pass" if ok else "fail", kind="clean-up")
