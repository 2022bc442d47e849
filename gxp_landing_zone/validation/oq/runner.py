"""Run the automatable OQ tests of the validation package (package/builder.py OQ_TESTS) in one
regulated validation account and region, and write the same tamper-evident record as the IQ.

Every step that is expected to be refused is a real attempt to weaken a protection. Two rules
keep that safe in an account that holds regulated records:
* A change is attempted only after the original setting has been read, so it can be put back.
* If a refused-expected change is accepted (the guard is missing), the original is restored at
  once, the step fails and the restoration is recorded as its own entry with what it observed.

What the run creates and can remove (a queue in a region outside the allowed set, a stopped
recorder) is removed or restarted. The test object's versions cannot be removed: COMPLIANCE-mode
Object Lock keeps them until their retain-until date, which is what OQ-REC-01 proves. They carry
the tag gxp:test-data=true and are listed in the record as labelled test data, with their
retain-until dates, as is any signature applied to them (the signature ledger is append-only).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from ...config import AccountKind, EstateConfig
from ...naming import CONFIG_RECORDER_NAME
from ..package.builder import OQ_TESTS, oq_verdict
from ..record import RecordPaths, write_record
from .signature_client import SignatureClient, Transport

SIGNER_TOKEN_ENV = "GXP_OQ_SIGNER_ID_TOKEN"
EXCERPT_CHARS = 400
# Regions the SCP test tries, in order; the first one not in allowed_regions is used.
OUTSIDE_REGION_CANDIDATES = ("us-west-2", "eu-west-1", "ap-southeast-2", "sa-east-1", "ca-central-1", "us-east-2")
# Error codes that mean "an access control refused this", as opposed to a fault or a missing resource.
ACCESS_DENIED = frozenset({"AccessDenied", "AccessDeniedException", "AuthorizationError", "UnauthorizedOperation"})
TEST_DATA_TAGS = {"gxp:test-data": "true"}
OUTCOMES = ("pass", "fail", "not executed", "manual", "test data")
# Tests the runner executes; the others stay manual (the audit reader role is in another account,
# and validate-logs reads the organization trail's digests there).
AUTOMATED = frozenset({"OQ-REC-01", "OQ-REC-02", "OQ-REC-03", "OQ-REC-04", "OQ-REC-05", "OQ-SCP-01", "OQ-SCP-02",
                       "OQ-SCP-03", "OQ-SIG-01"})
# A guardrail step passes only when the refusal names a service control policy, as AWS's
# AccessDenied messages do: a tester lacking a permission is refused too, and proves nothing.
SCP_REFUSAL = "service control policy"
SCP_EXPECTED = "Refused with an explicit deny from a service control policy (AccessDenied naming the SCP)"
MANUAL_REASON = {
    "OQ-AUD-01": "not automated: the trail's data events are read in the log-archive account with the audit reader "
                 "role; perform the steps of the OQ protocol by hand and attach the evidence",
    "OQ-AUD-02": "not automated: aws cloudtrail validate-logs runs against the organization trail in the management "
                 "and log-archive accounts; perform the step by hand and attach its output",
}
CSV_FIELDS = ("test_id", "step", "kind", "action", "outcome", "resource", "expected", "observed", "controls",
              "clauses", "checked_at", "caller")


@dataclass(frozen=True)
class StepResult:
    test_id: str
    step: str  # protocol step number, with a letter for a sub-step: "2", "2b"
    kind: str  # step | restore | clean-up | test data
    action: str
    controls: list[str]
    clauses: dict[str, list[str]]
    resource: str
    expected: str
    observed: str
    outcome: str  # one of OUTCOMES
    passed: bool
    checked_at: str
    caller: str = ""


class OqError(Exception):
    """A problem that stops the run before any step; carries the CLI exit code (as IqError)."""

    exit_code = 2


def excerpt(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 3] + "..."


def _error(exc: ClientError) -> tuple[str, str]:
    err = exc.response.get("Error", {})
    code = str(err.get("Code", "ClientError"))
    return code, f"{code}: {err.get('Message', '')}".strip()


def _refused_by_scp(code: str | None, observed: str) -> bool:
    return code in ACCESS_DENIED and SCP_REFUSAL in observed.lower()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _iso(value) -> str | None:
    return value.astimezone(timezone.utc).isoformat() if isinstance(value, datetime) else value


def shortest_retention_class(config: EstateConfig) -> str:
    return min(config.data_classes, key=lambda d: d.days).name


def validate_target(config: EstateConfig, account_role: str, region: str, data_class: str | None):
    """The account and data class the run targets; OqError names what to change otherwise."""
    from ..iq.runner import target_account

    account = target_account(config, account_role, region, OqError)
    if account.kind is not AccountKind.REGULATED:
        regulated = ", ".join(a.role for a in config.regulated_accounts) or "none"
        raise OqError(
            f"OQ runs in a regulated validation account; {account_role} is a {account.kind.value} account "
            f"(regulated accounts: {regulated})"
        )
    if region not in config.workload_regions(account):
        raise OqError(
            f"{account_role} keeps no records in {region}; its workload regions are "
            f"{', '.join(config.workload_regions(account))}"
        )
    names = [d.name for d in config.data_classes]
    chosen = data_class or shortest_retention_class(config)
    if chosen not in names:
        raise OqError(f"unknown data class '{chosen}'; the config has: {', '.join(names)}")
    return account, next(d for d in config.data_classes if d.name == chosen)


class OqRun:
    """One execution: the steps in protocol order, each appended to ``results``."""

    def __init__(
        self,
        session: boto3.Session,
        config: EstateConfig,
        account,
        region: str,
        data_class,
        *,
        caller: str,
        signature_api: str | None = None,
        signer_token: str | None = None,
        meaning: str | None = None,
        transport: Transport | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        from ...naming import Names
        from ..controls import by_id

        self.session, self.config, self.account, self.region = session, config, account, region
        self.data_class, self.caller, self.now = data_class, caller, now
        self.names = Names(config)
        self.bucket = self.names.records_bucket(data_class.name, account.id, region)
        self.signature_api, self.signer_token, self.meaning = signature_api, signer_token, meaning
        self.transport = transport
        self.run_id = f"{now().strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:12]}"
        self.record_class = self._record_class()
        prefix = self.record_class[1].key_prefix if self.record_class else ""
        self.key = f"{prefix}oq/{self.run_id}.txt"
        self.results: list[StepResult] = []
        self.tests = {t["id"]: t for t in OQ_TESTS}
        self._controls = by_id()
        self.versions: dict[str, dict] = {}  # "first"/"second" -> {version_id, sha256, retain_until}

    # -- recording --------------------------------------------------------------------------------

    def record(self, test_id: str, step: str, action: str, resource: str, expected: str, observed: object,
               outcome: str, kind: str = "step") -> StepResult:
        assert outcome in OUTCOMES, outcome
        controls = [c for c in self.tests[test_id]["controls"] if c in self._controls]
        clauses: dict[str, list[str]] = {}
        for cid in controls:
            for framework, ids in self._controls[cid].clauses.items():
                clauses.setdefault(framework, [])
                clauses[framework] += [i for i in ids if i not in clauses[framework]]
        r = StepResult(
            test_id=test_id, step=step, kind=kind, action=action, controls=controls,
            clauses={k: v for k, v in clauses.items() if v}, resource=resource, expected=expected,
            # Test data is listed whole: its bucket, key, version and retain-until date must stay findable.
            observed=json.dumps(observed, default=str, sort_keys=True) if kind == "test data" else excerpt(observed),
            outcome=outcome, passed=outcome in ("pass", "test data"),
            checked_at=self.now().isoformat(timespec="seconds"), caller=self.caller,
        )
        self.results.append(r)
        return r

    def not_executed(self, test_id: str, reason: str, first_step: int = 1) -> None:
        for i, (action, expected) in enumerate(self.tests[test_id]["steps"][first_step - 1:], start=first_step):
            self.record(test_id, str(i), action, self._object(), expected, f"not executed: {reason}", "not executed")

    def _object(self, version_id: str | None = None) -> str:
        return f"s3://{self.bucket}/{self.key}" + (f"?versionId={version_id}" if version_id else "")

    # -- the run ----------------------------------------------------------------------------------

    def execute(self) -> list[StepResult]:
        self.s3 = self.session.client("s3")
        if self._guarded("OQ-REC-01", self.rec_01):
            for test_id, fn in (("OQ-REC-02", self.rec_02), ("OQ-REC-03", self.rec_03), ("OQ-REC-04", self.rec_04),
                                ("OQ-REC-05", self.rec_05)):
                self._guarded(test_id, fn)
        else:
            for test_id in ("OQ-REC-02", "OQ-REC-03", "OQ-REC-04", "OQ-REC-05"):
                self.not_executed(test_id, "no test object could be stored (see OQ-REC-01 step 1)")
        for test_id in ("OQ-AUD-01", "OQ-AUD-02"):
            for i, (action, expected) in enumerate(self.tests[test_id]["steps"], start=1):
                self.record(test_id, str(i), action, "-", expected, MANUAL_REASON[test_id], "manual")
        for test_id, fn in (("OQ-SCP-01", self.scp_01), ("OQ-SCP-02", self.scp_02), ("OQ-SCP-03", self.scp_03),
                            ("OQ-SIG-01", self.sig_01)):
            self._guarded(test_id, fn)
        self.test_data()
        return self.results

    def _guarded(self, test_id: str, fn: Callable):
        """A network or client fault ends that test with a failed entry, not the run: the record of
        the steps before it (and of any restoration) must still be written."""
        try:
            return fn()
        except (BotoCoreError, ClientError) as exc:
            self.record(test_id, "-", "Test interrupted", "-", "the test runs to its end",
                        f"interrupted by {type(exc).__name__}: {exc}", "fail")
            return False

    def _head(self, version_id: str) -> tuple[dict | None, str | None]:
        try:
            head = self.s3.head_object(Bucket=self.bucket, Key=self.key, VersionId=version_id)
        except ClientError as exc:
            return None, _error(exc)[1]
        return head, None

    def _put(self, body: bytes) -> tuple[dict | None, str | None]:
        try:
            put = self.s3.put_object(
                Bucket=self.bucket, Key=self.key, Body=body, ContentType="text/plain",
                Tagging=urlencode({**TEST_DATA_TAGS, "gxp:oq-run": self.run_id}),
            )
        except ClientError as exc:
            return None, _error(exc)[1]
        return put, None

    def _body(self, n: int) -> bytes:
        return (f"GxP landing zone OQ test object, run {self.run_id}, body {n}.\n"
                "Labelled test data written by the OQ runner; not a GxP record.\n").encode("utf-8")

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

    def _attempt(self, fn: Callable) -> tuple[str | None, str]:
        """(error code or None if accepted, what was observed)."""
        try:
            response = fn()
        except ClientError as exc:
            return _error(exc)
        response.pop("ResponseMetadata", None)
        return None, "accepted" + (f": {excerpt(response)}" if response else "")

    def _restore(self, test: str, step: str, resource: str, what: str, put_back: Callable, holds: Callable) -> None:
        code, observed = self._attempt(put_back)
        ok = holds()
        self.record(test, step, "Restore the original setting the refused-expected call changed", resource,
                    f"{what} restored", {"restore call": observed, "original in force": ok},
                    "pass" if ok else "fail", kind="restore")

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

    # -- OQ-SCP-01 / 02 / 03 -------------------------------------------------------------------------

    def scp_01(self) -> None:
        test, config_client = "OQ-SCP-01", self.session.client("config")
        resource = f"config recorder {CONFIG_RECORDER_NAME} ({self.region})"
        code, observed = self._attempt(
            lambda: config_client.stop_configuration_recorder(ConfigurationRecorderName=CONFIG_RECORDER_NAME))
        self.record(test, "1", "Stop the local AWS Config recorder (config:StopConfigurationRecorder)", resource,
                    SCP_EXPECTED, observed, "pass" if _refused_by_scp(code, observed) else "fail")
        if code is None:
            self._restore(test, "1", resource, "recorder recording", lambda: config_client.start_configuration_recorder(
                ConfigurationRecorderName=CONFIG_RECORDER_NAME), lambda: self._recording(config_client))

        # The organization trail lives in the management account; a member account reaches it by ARN.
        trail = self.names.trail_arn()
        cloudtrail = self.session.client("cloudtrail", region_name=self.config.home_region)
        code, observed = self._attempt(lambda: cloudtrail.stop_logging(Name=trail))
        self.record(test, "1b", "Stop the organization trail (cloudtrail:StopLogging)", trail,
                    SCP_EXPECTED, observed, "pass" if _refused_by_scp(code, observed) else "fail")
        if code is None:
            self._restore(test, "1b", trail, "trail logging", lambda: cloudtrail.start_logging(Name=trail),
                          lambda: self._logging(cloudtrail, trail))

    @staticmethod
    def _logging(cloudtrail, trail: str) -> bool:
        try:
            return cloudtrail.get_trail_status(Name=trail).get("IsLogging") is True
        except ClientError:
            return False

    @staticmethod
    def _recording(config_client) -> bool:
        try:
            status = config_client.describe_configuration_recorder_status(
                ConfigurationRecorderNames=[CONFIG_RECORDER_NAME])["ConfigurationRecordersStatus"]
        except ClientError:
            return False
        return bool(status) and status[0].get("recording") is True

    def scp_02(self) -> None:
        test = "OQ-SCP-02"
        outside = next((r for r in OUTSIDE_REGION_CANDIDATES if r not in self.config.allowed_regions), None)
        action_text = "Create an SQS queue in a region outside allowed_regions"
        if outside is None:
            self.not_executed(test, "every candidate region is allowed; no region outside the set to try")
            return
        sqs = self.session.client("sqs", region_name=outside)
        name = f"gxp-oq-{self.run_id}"
        resource = f"sqs queue {name} ({outside})"
        try:
            url = sqs.create_queue(QueueName=name, tags=TEST_DATA_TAGS)["QueueUrl"]
            code, observed = None, f"accepted: created {url}"
        except ClientError as exc:
            url, (code, observed) = None, _error(exc)
        self.record(test, "1", f"{action_text} ({outside})", resource,
                    SCP_EXPECTED, observed, "pass" if _refused_by_scp(code, observed) else "fail")
        if url:
            code, observed = self._attempt(lambda: sqs.delete_queue(QueueUrl=url))
            self.record(test, "1", "Delete the queue the refused-expected call created", resource,
                        "queue deleted", observed if code else "deleted", "fail" if code else "pass", kind="clean-up")

    def scp_03(self) -> None:
        test = "OQ-SCP-03"
        from ...config.regions import REGION_JURISDICTION

        jurisdiction = self.account.jurisdiction
        outside = next((r for r in self.config.allowed_regions if REGION_JURISDICTION.get(r) != jurisdiction), None)
        outside = outside or next(
            (r for r in OUTSIDE_REGION_CANDIDATES
             if r not in self.config.allowed_regions and REGION_JURISDICTION.get(r) != jurisdiction), None)
        if outside is None:
            self.not_executed(test, f"no candidate region outside {jurisdiction} to try")
            return
        s3 = self.session.client("s3", region_name=outside)
        name = f"gxp-oq-{self.run_id}".lower()
        resource = f"s3 bucket {name} ({outside})"
        location = {} if outside == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": outside}}
        try:
            s3.create_bucket(Bucket=name, **location)
            created, code, observed = True, None, f"accepted: created {name} in {outside}"
        except ClientError as exc:
            created, (code, observed) = False, _error(exc)
        self.record(test, "1", f"Create an S3 bucket in {outside}, outside {jurisdiction}", resource, SCP_EXPECTED,
                    observed, "pass" if _refused_by_scp(code, observed) else "fail")
        if created:
            code, observed = self._attempt(lambda: s3.delete_bucket(Bucket=name))
            self.record(test, "1", "Delete the bucket the refused-expected call created", resource,
                        "bucket deleted", observed if code else "deleted", "fail" if code else "pass", kind="clean-up")

    # -- OQ-SIG-01 --------------------------------------------------------------------------------

    def _record_class(self):
        """(name, RecordClass) of the signing policy covering this data class's whole bucket or a prefix of it."""
        classes = [(n, rc) for n, rc in self.config.signatures.record_classes.items()
                   if rc.data_class == self.data_class.name]
        return min(classes, key=lambda c: len(c[1].key_prefix)) if classes else None

    def _default_meaning(self) -> str:
        _, rc = self.record_class
        return rc.sequence[0] if rc.sequence else next(iter(rc.signers.values()))[0]

    def _api_url(self) -> tuple[str | None, str]:
        if self.signature_api:
            return self.signature_api, "given with --signature-api"
        from ...topology import stack_id

        stack = stack_id("Signatures", self.account, self.region)
        try:
            stacks = self.session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
        except ClientError as exc:
            return None, f"the signature service is not deployed here (no stack {stack}: {_error(exc)[1]})"
        outputs = stacks[0].get("Outputs", []) if stacks else []
        url = next((o["OutputValue"] for o in outputs if o.get("OutputKey", "").startswith("SignatureServiceApiEndpoint")),
                   None)
        return (url, f"output of stack {stack}") if url else (None, f"stack {stack} has no API endpoint output")

    def sig_01(self) -> None:
        test = "OQ-SIG-01"
        if "second" not in self.versions or not self.versions["second"]["version_id"]:
            self.not_executed(test, "the test object has no two versions (see OQ-REC-01/02)")
            return
        if self.record_class is None:
            covered = sorted({rc.data_class for rc in self.config.signatures.record_classes.values()})
            self.not_executed(test, f"data class {self.data_class.name} has no signing record class; run with "
                                    f"--data-class {' or '.join(covered) or '<a class with one>'}")
            return
        url, source = self._api_url()
        if url is None:
            self.not_executed(test, source)
            return
        if not self.signer_token:
            self.not_executed(test, f"no signer ID token: set {SIGNER_TOKEN_ENV} to the ID token of a qualified test "
                                    "signer who signed in with password and MFA")
            return
        meaning = self.meaning or self._default_meaning()
        client = SignatureClient(url, self.signer_token, transport=self.transport)
        first, second = self.versions["first"], self.versions["second"]
        status, body = client.sign(self.bucket, self.key, first["version_id"], meaning,
                                   reason=f"OQ test signature of labelled test data (run {self.run_id})",
                                   request_id=f"oq-{self.run_id}")
        signature = body.get("signature") if isinstance(body, dict) else None
        ok = status in (200, 201) and isinstance(signature, dict) and signature.get("meaning") == meaning and \
            signature.get("record_version_id") == first["version_id"]
        self.record(test, "1", f"Sign the first test version with meaning '{meaning}' ({source})",
                    self._object(first["version_id"]),
                    "201 with a manifest naming the signer, the UTC time and the meaning, bound to the version",
                    {"status": status, "response": body}, "pass" if ok else "fail")
        if ok:
            self.versions["signature"] = {"seq": signature.get("seq"), "manifest_hash": signature.get("manifest_hash"),
                                          "meaning": meaning}
        status, body = client.verify(self.bucket, self.key, first["version_id"])
        valid = status == 200 and isinstance(body, dict) and body.get("valid") is True
        self.record(test, "2", "Verify the first version's signature", self._object(first["version_id"]),
                    "200 with valid = true", {"status": status, "response": body}, "pass" if valid else "fail")
        status, body = client.verify(self.bucket, self.key, second["version_id"])
        # The changed copy: a signature bound to the first version must not hold for different bytes.
        refused = status == 404 or (status == 200 and isinstance(body, dict) and body.get("valid") is False)
        self.record(test, "2b", "Verify the second (changed) version against the signature",
                    self._object(second["version_id"]), "not valid: the first version's signature does not verify "
                    "for the changed content (200 with valid = false, or 404 no signatures)",
                    {"status": status, "response": body}, "pass" if refused else "fail")

    # -- what stays ------------------------------------------------------------------------------

    def test_data(self) -> None:
        for label, test in (("first", "OQ-REC-01"), ("second", "OQ-REC-02")):
            v = self.versions.get(label)
            if v and v["version_id"]:
                self.record(test, "-", "Labelled test data left in place (COMPLIANCE lock: cannot be deleted)",
                            self._object(v["version_id"]), "kept until its retain-until date, tagged gxp:test-data=true",
                            {"bucket": self.bucket, "key": self.key, "version_id": v["version_id"],
                             "retain_until": v["retain_until"], "sha256": v["sha256"]}, "test data", kind="test data")
        if "signature" in self.versions:
            self.record("OQ-SIG-01", "-", "Test signature left in the append-only ledger",
                        self._object(self.versions["first"]["version_id"]), "kept; it signs labelled test data only",
                        self.versions["signature"], "test data", kind="test data")


def run_oq(
    session: boto3.Session,
    config: EstateConfig,
    account_role: str,
    region: str,
    *,
    data_class: str | None = None,
    signature_api: str | None = None,
    signer_token: str | None = None,
    meaning: str | None = None,
    transport: Transport | None = None,
) -> list[StepResult]:
    from ..iq.runner import signed_in

    account, chosen = validate_target(config, account_role, region, data_class)
    if meaning is not None and meaning not in config.signatures.meanings:
        raise OqError(f"unknown meaning '{meaning}'; the config allows: {', '.join(config.signatures.meanings)}")
    session, identity = signed_in(session, account, account_role, region)
    run = OqRun(session, config, account, region, chosen, caller=identity["Arn"], signature_api=signature_api,
                signer_token=signer_token, meaning=meaning, transport=transport)
    return run.execute()


def verdicts(results: list) -> dict[str, str]:
    """Per test, the verdict the validation package gives it (package/builder.py oq_verdict).
    Accepts StepResults or their JSON entries."""
    by_test: dict[str, list[str]] = {}
    for r in results:
        entry = r if isinstance(r, dict) else r.__dict__
        outcomes = by_test.setdefault(entry["test_id"], [])
        if entry["kind"] != "test data":
            outcomes.append(entry["outcome"])
    return {test_id: oq_verdict(outcomes) for test_id, outcomes in by_test.items()}


def write_results(results: list[StepResult], out_dir: str | Path, account_role: str, region: str) -> RecordPaths:
    return write_record(
        results, out_dir, f"oq-{account_role}-{region}", csv_fields=CSV_FIELDS, outcome_field="outcome",
        title=f"Operational qualification record: {account_role} {region}",
        html_columns=("test_id", "step", "kind", "action", "resource", "expected", "observed", "checked_at", "caller"),
    )


__all__ = ["AUTOMATED", "OqError", "StepResult", "run_oq", "verdicts", "write_results"]
