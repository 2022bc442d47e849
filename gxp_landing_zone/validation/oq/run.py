"""One OQ execution: records each step in protocol order and holds what the steps share (the test
object, attempts at refused-expected changes and the restoration of anything accepted)."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timezone
from typing import Callable
from urllib.parse import urlencode

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from ...config import EstateConfig
from .alert_steps import AlertSteps
from .guardrail_steps import GuardrailSteps
from .instrument_steps import InstrumentSteps
from .protocol import MANUAL_REASON, OQ_TESTS
from .record_steps import RecordSteps
from .release_steps import ReleaseSteps
from .restore_steps import RESTORE_WAIT_SECONDS, RestoreSteps
from .signature_client import Transport
from .signature_steps import SignatureSteps
from .steps import OUTCOMES, TEST_DATA_TAGS, StepResult, _error, excerpt


class OqRun(RecordSteps, GuardrailSteps, SignatureSteps, ReleaseSteps, InstrumentSteps, RestoreSteps, AlertSteps):
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
        negative_tokens: dict[str, str] | None = None,
        release_tokens: dict | None = None,
        instrument_identity: dict | None = None,
        inside_vpc: bool = False,
        restore_test: bool = False,
        restore_wait_seconds: int = RESTORE_WAIT_SECONDS,
        ledger_table: str | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        from ...naming import Names
        from ...controls.registry import by_id

        self.session, self.config, self.account, self.region = session, config, account, region
        self.data_class, self.caller, self.now = data_class, caller, now
        self.names = Names(config)
        self.bucket = self.names.records_bucket(data_class.name, account.id, region)
        self.signature_api, self.signer_token, self.meaning = signature_api, signer_token, meaning
        self.transport = transport
        self.negative_tokens = negative_tokens or {}
        self.release_tokens, self.instrument_identity = release_tokens or {}, instrument_identity or {}
        self.inside_vpc, self.restore_test, self.restore_wait_seconds = inside_vpc, restore_test, restore_wait_seconds
        self.ledger_table, self.sleep = ledger_table, sleep
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
        for test_id in ("OQ-SIG-02", "OQ-SIG-03", "OQ-SIG-04", "OQ-SIG-05", "OQ-SIG-06"):
            self._guarded(test_id, lambda t=test_id: self.sig_negative(t))
        self._guarded("OQ-SIG-07", self.sig_07)
        self.dev_tests()
        self._guarded("OQ-BAK-01", self.bak_01)
        self._guarded("OQ-ALERT-01", self.alert_01)
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

    # -- attempts at refused-expected changes, and putting back what was accepted --------------

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


