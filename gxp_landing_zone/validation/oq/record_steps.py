"""OQ-REC-01..05: a locked record cannot be deleted, overwritten, unlocked, read in plain text or
stored with a weaker lock than its class requires."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from urllib.parse import urlencode

from botocore.exceptions import ClientError

from .steps import ACCESS_DENIED, TEST_DATA_TAGS, _error, _iso, _sha256


class RecordSteps:
    # -- OQ-REC-01 --------------------------------------------------------------------------------

    def rec_01(self) -> bool:
        test = "OQ-REC-01"
        body = self._body(1)
        expected = "stored with a version ID; Object Lock mode COMPLIANCE with a retain-until date in the future"
        put, err = self._put(body)
        if err:
            self.record(test, "1", "Put a test object into the records bucket", self._object(), expected, err, "fail")
            self.not_executed(test, "no test object could be stored", first_step=2)
            return False
        version = put.get("VersionId")
        head, err = self._head(version) if version else (None, "no VersionId in the PutObject response")
        retain_until = (head or {}).get("ObjectLockRetainUntilDate")
        observed = err or {
            "VersionId": version, "ObjectLockMode": head.get("ObjectLockMode"),
            "ObjectLockRetainUntilDate": _iso(retain_until), "SHA256": _sha256(body),
        }
        ok = bool(version) and not err and head.get("ObjectLockMode") == "COMPLIANCE" and isinstance(
            retain_until, datetime) and retain_until > self.now()
        self.record(test, "1", "Put a test object (tagged gxp:test-data=true) into the records bucket",
                    self._object(version), expected, observed, "pass" if ok else "fail")
        self.versions["first"] = {"version_id": version, "sha256": _sha256(body), "retain_until": _iso(retain_until)}
        if not version:
            self.not_executed(test, "the test object has no version ID", first_step=2)
            return False
        for step, extra, label in (("2", {}, "Delete the test object version"),
                                   ("2b", {"BypassGovernanceRetention": True},
                                    "Delete the test object version with the bypass-governance header")):
            self._refused_delete(test, step, label, version, extra)
        return True

    def _refused_delete(self, test: str, step: str, action: str, version: str, extra: dict) -> None:
        expected = "Refused (AccessDenied); the version is still there"
        try:
            response = self.s3.delete_object(Bucket=self.bucket, Key=self.key, VersionId=version, **extra)
            code, refusal = None, None
        except ClientError as exc:
            response, (code, refusal) = None, _error(exc)
        head, err = self._head(version)
        still_there = head is not None
        observed = {"delete": refusal or "accepted", "version still there": still_there if still_there else err}
        ok = code in ACCESS_DENIED and still_there
        self.record(test, step, action, self._object(version), expected, observed, "pass" if ok else "fail")
        if response is not None and not still_there:
            # Nothing can bring a deleted version back; the failure and the loss are both on record.
            self.record(test, step, "Restore the deleted version", self._object(version),
                        "the version restored", "cannot be restored: S3 deleted the version permanently", "fail",
                        kind="restore")

    # -- OQ-REC-02 --------------------------------------------------------------------------------

    def rec_02(self) -> None:
        test, first = "OQ-REC-02", self.versions["first"]
        body = self._body(2)
        put, err = self._put(body)
        second = (put or {}).get("VersionId")
        ok = bool(second) and second != first["version_id"]
        self.record(test, "1", "Put a different body under the same key", self._object(second),
                    "a new version ID, different from the first", err or {"VersionId": second}, "pass" if ok else "fail")
        if second:
            head, _ = self._head(second)
            self.versions["second"] = {"version_id": second, "sha256": _sha256(body),
                                       "retain_until": _iso((head or {}).get("ObjectLockRetainUntilDate"))}
        try:
            data = self.s3.get_object(Bucket=self.bucket, Key=self.key, VersionId=first["version_id"])["Body"].read()
            observed, ok = {"SHA256": _sha256(data)}, _sha256(data) == first["sha256"]
        except ClientError as exc:
            observed, ok = _error(exc)[1], False
        self.record(test, "2", "Get the first version by its version ID and hash it", self._object(first["version_id"]),
                    f"SHA-256 {first['sha256']} (as stored in OQ-REC-01)", observed, "pass" if ok else "fail")

    # -- OQ-REC-03 --------------------------------------------------------------------------------

    def rec_03(self) -> None:
        test, version = "OQ-REC-03", self.versions["first"]["version_id"]
        resource = self._object(version)
        head, err = self._head(version)
        original = (head or {}).get("ObjectLockRetainUntilDate")
        action = "Set the test version's retain-until date one day earlier"
        expected = "Refused (AccessDenied); the retain-until date is unchanged"
        if not isinstance(original, datetime):
            # Never attempt a change that could not be put back.
            self.record(test, "1", action, resource, expected,
                        f"not attempted: the current retain-until date cannot be read ({err or 'none set'})", "fail")
        else:
            code, observed = self._attempt(lambda: self.s3.put_object_retention(
                Bucket=self.bucket, Key=self.key, VersionId=version,
                Retention={"Mode": "COMPLIANCE", "RetainUntilDate": original - timedelta(days=1)}))
            after = (self._head(version)[0] or {}).get("ObjectLockRetainUntilDate")
            ok = code in ACCESS_DENIED and after == original
            self.record(test, "1", action, resource, expected,
                        {"put-object-retention": observed, "retain-until after": _iso(after), "before": _iso(original)},
                        "pass" if ok else "fail")
            if after != original:
                self._restore(test, "1", resource, f"retain-until {_iso(original)}", lambda: self.s3.put_object_retention(
                    Bucket=self.bucket, Key=self.key, VersionId=version,
                    Retention={"Mode": "COMPLIANCE", "RetainUntilDate": original}),
                    lambda: (self._head(version)[0] or {}).get("ObjectLockRetainUntilDate") == original)

        action = "Remove the bucket's Object Lock default retention"
        expected = "Refused (AccessDenied by the bucket policy); the lock configuration is unchanged"
        bucket = f"s3://{self.bucket}"
        original_cfg, err = self._lock_configuration()
        if err:
            self.record(test, "2", action, bucket, expected,
                        f"not attempted: the current lock configuration cannot be read ({err})", "fail")
            return
        code, observed = self._attempt(lambda: self.s3.put_object_lock_configuration(
            Bucket=self.bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"}))
        after, _ = self._lock_configuration()
        ok = code in ACCESS_DENIED and after == original_cfg
        self.record(test, "2", action, bucket, expected, {"put-object-lock-configuration": observed,
                                                           "configuration after": after}, "pass" if ok else "fail")
        if code is None or after != original_cfg:
            self._restore(test, "2", bucket, f"lock configuration {json.dumps(original_cfg, sort_keys=True)}",
                          lambda: self.s3.put_object_lock_configuration(
                              Bucket=self.bucket, ObjectLockConfiguration=original_cfg),
                          lambda: self._lock_configuration()[0] == original_cfg)

    def _lock_configuration(self) -> tuple[dict | None, str | None]:
        try:
            cfg = self.s3.get_object_lock_configuration(Bucket=self.bucket)["ObjectLockConfiguration"]
        except ClientError as exc:
            return None, _error(exc)[1]
        retention = cfg.get("Rule", {}).get("DefaultRetention")
        if retention:
            # S3 takes Days or Years, never both; some readers report the unset one as 0.
            cfg["Rule"]["DefaultRetention"] = {k: v for k, v in retention.items() if v not in (0, None)}
        return cfg, None

    # -- OQ-REC-04 --------------------------------------------------------------------------------

    def rec_04(self) -> None:
        version = self.versions["first"]["version_id"]
        endpoint = f"http://s3.{self.region}.amazonaws.com"
        plain = self.session.client("s3", region_name=self.region, use_ssl=False, endpoint_url=endpoint)
        try:
            data = plain.get_object(Bucket=self.bucket, Key=self.key, VersionId=version)["Body"].read()
            code, observed = None, f"accepted: {len(data)} bytes returned over plain HTTP"
        except ClientError as exc:
            code, observed = _error(exc)
        self.record("OQ-REC-04", "1", f"Get the test object over plain HTTP ({endpoint})", self._object(version),
                    "Refused (AccessDenied by the aws:SecureTransport deny)", observed,
                    "pass" if code in ACCESS_DENIED else "fail")

    # -- OQ-REC-05 --------------------------------------------------------------------------------

    def rec_05(self) -> None:
        test, days = "OQ-REC-05", self.data_class.days
        attempts = (
            ("1", "COMPLIANCE", timedelta(days=1),
             f"Put a new test object asking for COMPLIANCE mode until tomorrow (class retention {days} days)"),
            ("2", "GOVERNANCE", timedelta(days=days + 1),
             f"Put a new test object asking for GOVERNANCE mode for {days + 1} days"),
        )
        for step, mode, period, action in attempts:
            key = f"{self.key.removesuffix('.txt')}-lock-{step}.txt"
            until = self.now() + period
            try:
                put = self.s3.put_object(
                    Bucket=self.bucket, Key=key, Body=self._body(int(step) + 2), ContentType="text/plain",
                    Tagging=urlencode({**TEST_DATA_TAGS, "gxp:oq-run": self.run_id}),
                    ObjectLockMode=mode, ObjectLockRetainUntilDate=until,
                )
                code, observed = None, f"accepted: version {put.get('VersionId')}"
            except ClientError as exc:
                put, (code, observed) = None, _error(exc)
            resource = f"s3://{self.bucket}/{key}"
            self.record(test, step, action, resource, "Refused (AccessDenied by the bucket policy); nothing stored",
                        observed, "pass" if code in ACCESS_DENIED else "fail")
            if put is not None:
                # The weaker lock holds until its own date; it can be removed only then, so it is listed.
                self.record(test, step, "Labelled test data the refused-expected put stored", resource,
                            "removable after its retain-until date, tagged gxp:test-data=true",
                            {"bucket": self.bucket, "key": key, "version_id": put.get("VersionId"),
                             "mode": mode, "retain_until": _iso(until)}, "test data", kind="test data")

