"""OQ-DEV-01/02: instrument data is written only by a registered instrument, through a VPC endpoint of the
account, with a signed payload (21 CFR 11.10(h); GXP-DEV-01).

The bucket policy judges where a request came from (aws:VpceAccount), so where the runner stands decides
what it can show: from a host inside the account's VPC (``inside_vpc``) the allowed write and the refusals
owed to the principal or the payload alone (OQ-DEV-01); from anywhere else the refusal owed to the
endpoint alone (OQ-DEV-02). The other test is recorded as manual, with the reason, never as passed.

The instrument's identity is a role the operator may assume (GXP_OQ_INSTRUMENT_ROLE_ARN) or a named
credentials profile (GXP_OQ_INSTRUMENT_PROFILE); its credentials stay in memory and out of the record.
Its clients are made from the runner's own session, so they share its configuration.

How a write is signed: botocore signs the payload of an HTTPS PutObject only when told to
(``payload_signing_enabled``), and given ChecksumAlgorithm alone it streams the body with an unsigned
trailer (x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER), which the bucket policy refuses. The
writes here therefore send the SHA-256 themselves (ChecksumSHA256, with ChecksumAlgorithm, which an Object
Lock bucket requires of an upload): it travels in x-amz-checksum-sha256, S3 checks it against the body and
stores it with the version (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html),
and only ``payload_signing_enabled`` decides whether the payload is signed. An instrument gateway must
upload the same way.
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urlencode

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .steps import ACCESS_DENIED, TEST_DATA_TAGS, _error

INSTRUMENT_ROLE_ENV, INSTRUMENT_PROFILE_ENV = "GXP_OQ_INSTRUMENT_ROLE_ARN", "GXP_OQ_INSTRUMENT_PROFILE"
INTAKE_TAG, INTAKE_WITH_SHA256 = "gxp:intake-check", "sha256"  # records/runtime/intake.py
INTAKE_WAIT_SECONDS, INTAKE_POLL_SECONDS = 300, 15
SIGNED, UNSIGNED = Config(s3={"payload_signing_enabled": True}), Config(s3={"payload_signing_enabled": False})
OUTSIDE_ONLY = ("manual: this step needs a host inside the account's VPC (the bucket admits instrument writes only "
                "through its VPC endpoint, and a refusal from outside would be owed to that alone); run the OQ from a "
                "host in the VPC with --inside-vpc, or perform the step by hand")
INSIDE_ONLY = ("manual: this step needs a network path outside the account's VPC, and the runner runs inside it "
               "(--inside-vpc); run the OQ once from outside the VPC, or perform the step by hand")


class InstrumentSteps:
    def instrument_target(self):
        """(instrument-data class, registered instruments here) or None when the config has no such class."""
        from ...config.instruments import instruments_at

        classes = [d for d in self.config.data_classes if d.instrument_data]
        for data_class in classes:
            found = instruments_at(self.config, self.account.role, self.region, data_class.name)
            if found:
                return data_class, found
        return (classes[0], []) if classes else None

    def dev_tests(self) -> None:
        target = self.instrument_target()
        if target is None:
            for test in ("OQ-DEV-01", "OQ-DEV-02"):
                self.not_executed(test, "the config has no instrument-data class (instrument_data: true)")
            return
        data_class, instruments = target
        self.instrument_bucket = self.names.records_bucket(data_class.name, self.account.id, self.region)
        if not instruments:
            for test in ("OQ-DEV-01", "OQ-DEV-02"):
                self.not_executed(test, f"no instrument is registered for {self.account.role} {self.region} "
                                        f"(config instruments:); register a test instrument of {data_class.name} here")
            return
        credentials, why = self._instrument_credentials(instruments)
        inside = self.inside_vpc
        for test, runs_here, steps in (("OQ-DEV-01", inside, self._dev_01), ("OQ-DEV-02", not inside, self._dev_02)):
            if not runs_here:
                for i, (action, expected) in enumerate(self.tests[test]["steps"], start=1):
                    self.record(test, str(i), action, f"s3://{self.instrument_bucket}", expected,
                                INSIDE_ONLY if inside else OUTSIDE_ONLY, "manual")
            elif credentials is None:
                self.not_executed(test, why)
            else:
                self._guarded(test, lambda s=steps: s(credentials))

    def _instrument_credentials(self, instruments) -> tuple[dict | None, str]:
        role_arn, profile = self.instrument_identity.get("role_arn"), self.instrument_identity.get("profile")
        registered = {f"arn:aws:iam::{self.account.id}:role/{i.role or i.certificate.role}" for i in instruments}
        if not role_arn and not profile:
            return None, (f"no instrument identity: set {INSTRUMENT_ROLE_ENV} to the ARN of a registered instrument's "
                          f"role the operator may assume ({', '.join(sorted(registered))}), or {INSTRUMENT_PROFILE_ENV}")
        try:
            if role_arn:
                if role_arn not in registered:
                    return None, f"{INSTRUMENT_ROLE_ENV} is {role_arn}, not a registered instrument's role here"
                answer = self.session.client("sts").assume_role(RoleArn=role_arn, RoleSessionName=f"oq-{self.run_id}"[:64])
                c = answer["Credentials"]
                return {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"],
                        "aws_session_token": c["SessionToken"]}, ""
            frozen = boto3.Session(profile_name=profile).get_credentials().get_frozen_credentials()
        except (BotoCoreError, ClientError, AttributeError) as exc:
            return None, f"the instrument identity could not be used: {exc}"
        return {"aws_access_key_id": frozen.access_key, "aws_secret_access_key": frozen.secret_key,
                "aws_session_token": frozen.token}, ""

    # -- the writes -------------------------------------------------------------------------------------

    def _instrument_write(self, test: str, step: str, credentials: dict | None, *, signed: bool = True):
        """Put a labelled test object; (key, body SHA-256, PutObject response or None, error code, observed)."""
        key = f"oq/{self.run_id}-{test.lower()}-{step}.txt"
        body = (f"GxP landing zone OQ instrument test object, run {self.run_id}, {test} step {step}.\n"
                "Labelled test data written by the OQ runner; not a GxP record.\n").encode("utf-8")
        digest = hashlib.sha256(body)
        s3 = self.session.client("s3", region_name=self.region, config=SIGNED if signed else UNSIGNED, **(credentials or {}))
        try:
            put = s3.put_object(Bucket=self.instrument_bucket, Key=key, Body=body, ContentType="text/plain",
                                ChecksumAlgorithm="SHA256", ChecksumSHA256=base64.b64encode(digest.digest()).decode("ascii"),
                                Tagging=urlencode({**TEST_DATA_TAGS, "gxp:oq-run": self.run_id}))
        except ClientError as exc:
            code, observed = _error(exc)
            return key, digest.hexdigest(), None, code, observed
        put.pop("ResponseMetadata", None)
        return key, digest.hexdigest(), put, None, f"accepted: version {put.get('VersionId')}"

    def _stored_versions(self, key: str) -> list[str] | str:
        try:
            listed = self.s3.list_object_versions(Bucket=self.instrument_bucket, Prefix=key)
        except ClientError as exc:
            return f"cannot confirm: {_error(exc)[1]}"
        return [v["VersionId"] for v in listed.get("Versions", []) if v.get("Key") == key]

    def _refused_write(self, test: str, step: str, action: str, credentials: dict | None, *, signed: bool = True) -> None:
        key, digest, put, code, observed = self._instrument_write(test, step, credentials, signed=signed)
        stored = self._stored_versions(key)
        ok = code in ACCESS_DENIED and stored == []
        self.record(test, step, action, f"s3://{self.instrument_bucket}/{key}",
                    "Refused (AccessDenied); nothing stored under the key",
                    {"put": observed, "versions stored": stored}, "pass" if ok else "fail")
        if isinstance(stored, list) and stored:
            # Accepted where it must be refused: the object stays under its class's lock, labelled as test data.
            self._instrument_test_data(test, step, key, stored, digest)

    def _instrument_test_data(self, test: str, step: str, key: str, versions: list[str], digest: str) -> None:
        self.record(test, step, "Labelled test data the write stored (kept under its class's Object Lock)",
                    f"s3://{self.instrument_bucket}/{key}", "kept until its retain-until date, tagged gxp:test-data=true",
                    {"bucket": self.instrument_bucket, "key": key, "version_ids": versions, "sha256": digest},
                    "test data", kind="test data")

    def _dev_01(self, credentials: dict) -> None:
        test = "OQ-DEV-01"
        key, digest, put, code, observed = self._instrument_write(test, "1", credentials)
        version = (put or {}).get("VersionId")
        stored = self._stored_checksum(key, version) if version else None
        tag = self._intake_verdict(key, version) if version else None
        ok = bool(version) and stored == digest and tag == INTAKE_WITH_SHA256
        self.record(test, "1", "From inside the VPC, as the registered instrument, put a test object with a signed "
                               "payload and its SHA-256 (x-amz-checksum-sha256)",
                    f"s3://{self.instrument_bucket}/{key}" + (f"?versionId={version}" if version else ""),
                    f"stored; S3 stored SHA-256 {digest}; tagged {INTAKE_TAG}={INTAKE_WITH_SHA256} within "
                    f"{INTAKE_WAIT_SECONDS} s", {"put": observed, "stored sha256": stored, INTAKE_TAG: tag},
                    "pass" if ok else "fail")
        if version:
            self._instrument_test_data(test, "1", key, [version], digest)
        self._refused_write(test, "2", "As the OQ operator's own role (no registered instrument), put a test object "
                                       "with a signed payload", None)
        self._refused_write(test, "3", "As the registered instrument, put a test object with an unsigned payload",
                            credentials, signed=False)

    def _dev_02(self, credentials: dict) -> None:
        self._refused_write("OQ-DEV-02", "1", "From outside the account's VPC, as the registered instrument, put a "
                                              "test object with a signed payload and its SHA-256", credentials)

    def _stored_checksum(self, key: str, version: str) -> str | None:
        try:
            head = self.s3.head_object(Bucket=self.instrument_bucket, Key=key, VersionId=version, ChecksumMode="ENABLED")
            value = head.get("ChecksumSHA256")
            return base64.b64decode(value).hex() if value else None
        except (ClientError, ValueError):
            return None

    def _intake_verdict(self, key: str, version: str) -> str | None:
        """The intake check's tag on the version, waited for (it runs on the bucket's EventBridge event)."""
        for attempt in range(INTAKE_WAIT_SECONDS // INTAKE_POLL_SECONDS + 1):
            try:
                tags = self.s3.get_object_tagging(Bucket=self.instrument_bucket, Key=key, VersionId=version)["TagSet"]
            except ClientError:
                tags = []
            value = next((t["Value"] for t in tags if t.get("Key") == INTAKE_TAG), None)
            if value is not None:
                return value
            if attempt < INTAKE_WAIT_SECONDS // INTAKE_POLL_SECONDS:
                self.sleep(INTAKE_POLL_SECONDS)
        return None
