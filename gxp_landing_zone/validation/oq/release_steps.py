"""OQ-SIG-07: batch release is signed by a Qualified Person only (Annex 11 15; GXP-ESIG-12), and the
printable release record states whether the record changed since its first version and shows the release
signature with the record's hash (Annex 11 8.2).

The test record sits under the prefix of the record class that grants a reserved meaning, so the signing
policy covers it; the meanings its sequence requires before the release are signed first, each by the test
identity holding that meaning (one person, one meaning per version). Every token is read from the
environment by the CLI and never written to the record."""

from __future__ import annotations

import os
from urllib.parse import urlencode

from botocore.exceptions import ClientError

from .signature_client import SignatureClient
from .steps import TEST_DATA_TAGS, _error, _sha256

QP_TOKEN_ENV, NOT_QP_TOKEN_ENV, MEANING_TOKEN_PREFIX = "GXP_OQ_TOKEN_QP", "GXP_OQ_TOKEN_NOT_QP", "GXP_OQ_TOKEN_MEANING_"
RESTRICTED_REFUSAL = (403, "restricted_meaning")  # signatures/runtime/policy.py check_authority


def meaning_token_env(meaning: str) -> str:
    return MEANING_TOKEN_PREFIX + meaning.upper().replace("-", "_")


def release_tokens_from_environment(config) -> dict:
    """The release test's tokens as the CLI reads them: the QP's, a non-QP signer's, one per meaning."""
    meanings = {m: os.environ[meaning_token_env(m)] for m in config.signatures.meanings if os.environ.get(meaning_token_env(m))}
    return {"qp": os.environ.get(QP_TOKEN_ENV) or None, "not_qp": os.environ.get(NOT_QP_TOKEN_ENV) or None,
            "meanings": meanings}


class ReleaseSteps:
    def _release_class(self):
        """(name, record class, reserved meaning) of the first record class granting a reserved meaning."""
        restricted = self.config.signatures.restricted_meanings
        for name, rc in sorted(self.config.signatures.record_classes.items()):
            granted = {m for meanings in rc.signers.values() for m in meanings}
            reserved = sorted(m for m in restricted if m in granted)
            if reserved:
                return name, rc, reserved[0]
        return None

    def sig_07(self) -> None:
        test, tokens = "OQ-SIG-07", self.release_tokens or {}
        chosen = self._release_class()
        if chosen is None:
            self.not_executed(test, "no record class grants a meaning reserved by signatures.restricted_meanings")
            return
        _, rc, release = chosen
        earlier = list(rc.sequence[: rc.sequence.index(release)]) if release in rc.sequence else []
        missing = [meaning_token_env(m) for m in earlier if not tokens.get("meanings", {}).get(m)]
        missing += [] if tokens.get("qp") else [QP_TOKEN_ENV]
        if missing:
            self.not_executed(test, f"no ID token in {', '.join(missing)}: set each to the ID token of a test identity "
                                    "prepared as the step describes")
            return
        url, source = self._api_url()
        if url is None:
            self.not_executed(test, source)
            return
        bucket = self.names.records_bucket(rc.data_class, self.account.id, self.region)
        key = f"{rc.key_prefix}oq/{self.run_id}-release.txt"
        where = f"s3://{bucket}/{key}"
        body = self._body(7)
        try:
            version = self.s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="text/plain",
                                         Tagging=urlencode({**TEST_DATA_TAGS, "gxp:oq-run": self.run_id})).get("VersionId")
            observed = {"VersionId": version}
        except ClientError as exc:
            version, observed = None, _error(exc)[1]
        signed = {}
        for meaning in earlier if version else ():
            client = SignatureClient(url, tokens["meanings"][meaning], transport=self.transport)
            signed[meaning] = client.sign(bucket, key, version, meaning, reason=f"OQ {test} on labelled test data "
                                          f"(run {self.run_id})", request_id=f"oq-{self.run_id}-sig-07-{meaning}")[0]
        ok = bool(version) and all(status == 201 for status in signed.values())
        self.record(test, "1", f"Put a labelled test record and sign it {', '.join(earlier) or '(no earlier meaning)'} "
                               f"({source})", where + (f"?versionId={version}" if version else ""),
                    "stored with a version ID; each signature 201", {**observed, "signatures": signed},
                    "pass" if ok else "fail")
        if not version:
            self.not_executed(test, "no test record could be stored", first_step=2)
            return
        self.versions["release"] = {"bucket": bucket, "key": key, "version_id": version, "sha256": _sha256(body)}
        self._release_refused(test, url, bucket, key, version, release, tokens.get("not_qp"))
        qp = SignatureClient(url, tokens["qp"], transport=self.transport)
        status, answer = qp.sign(bucket, key, version, release, reason=f"OQ {test} on labelled test data (run {self.run_id})",
                                 request_id=f"oq-{self.run_id}-sig-07-release")
        signature = answer.get("signature") if isinstance(answer, dict) else None
        ok = status == 201 and isinstance(signature, dict) and signature.get("meaning") == release and \
            signature.get("record_version_id") == version
        self.record(test, "3", f"As a Qualified Person, sign with '{release}'", f"{where}?versionId={version}",
                    "201; the manifestation names the Qualified Person, the UTC time and the meaning",
                    {"status": status, "response": answer}, "pass" if ok else "fail")
        manifest_hash = signature.get("manifest_hash") if ok else None
        self._release_record(test, "4", qp, version, manifest_hash, release, changed=False)
        try:
            second = self.s3.put_object(Bucket=bucket, Key=key, Body=self._body(8), ContentType="text/plain",
                                        Tagging=urlencode({**TEST_DATA_TAGS, "gxp:oq-run": self.run_id})).get("VersionId")
        except ClientError as exc:
            self.record(test, "5", "Put a changed body under the same key", where, "a second version",
                        _error(exc)[1], "fail")
            second = None
        if second:
            self.versions["release"]["changed_version_id"] = second
            self._release_record(test, "5", qp, version, manifest_hash, release, changed=True)
        self.record(test, "-", "Labelled test record and its signatures left in place (Object Lock; append-only ledger)",
                    where, "kept until its retain-until date, tagged gxp:test-data=true", self.versions["release"],
                    "test data", kind="test data")

    def _release_refused(self, test, url, bucket, key, version, release, token) -> None:
        action = f"As a signer outside the Qualified Person group, sign with '{release}'"
        if not token:
            self.record(test, "2", action, f"s3://{bucket}/{key}?versionId={version}", "403 restricted_meaning",
                        f"not executed: set {NOT_QP_TOKEN_ENV} to the ID token of a test signer outside the group",
                        "not executed")
            return
        status, answer = SignatureClient(url, token, transport=self.transport).sign(
            bucket, key, version, release, reason=f"OQ {test} negative test (run {self.run_id})",
            request_id=f"oq-{self.run_id}-sig-07-not-qp")
        code = answer.get("error") if isinstance(answer, dict) else None
        self.record(test, "2", action, f"s3://{bucket}/{key}?versionId={version}",
                    f"{RESTRICTED_REFUSAL[0]} {RESTRICTED_REFUSAL[1]}; nothing signed", {"status": status, "response": answer},
                    "pass" if (status, code) == RESTRICTED_REFUSAL else "fail")
        signature = answer.get("signature") if isinstance(answer, dict) else None
        if status in (200, 201) and isinstance(signature, dict):
            # Signed where it must be refused: the signature stays in the append-only ledger, as test data.
            self.record(test, "2", "Release signature the service should have refused, left in the append-only ledger",
                        f"s3://{bucket}/{key}?versionId={version}", "kept; it signs labelled test data only",
                        {"seq": signature.get("seq"), "meaning": release}, "test data", kind="test data")

    def _release_record(self, test, step, client, version, manifest_hash, release, *, changed: bool) -> None:
        r = self.versions["release"]
        status, body = client.release_record(r["bucket"], r["key"], version)
        record = body if isinstance(body, dict) else {}
        shown = [s for s in record.get("signatures") or [] if s.get("meaning") == release]
        problems = []
        if status != 200:
            problems.append(f"status {status}")
        if record.get("released") is not True:
            problems.append("not stated as released")
        if record.get("sha256") != r["sha256"]:
            problems.append(f"SHA-256 {record.get('sha256')} is not the upload's {r['sha256']}")
        if manifest_hash is None or not any(s.get("manifest_hash") == manifest_hash and s.get("manifestation") for s in shown):
            problems.append("the release signature's manifestation and manifest hash are not shown")
        if record.get("changed_since_original_entry") is not changed:
            problems.append(f"changed since original entry is {record.get('changed_since_original_entry')}, expected {changed}")
        if changed and len(record.get("versions") or []) != 2:
            problems.append("the two versions are not listed")
        if manifest_hash and manifest_hash not in str(record.get("html") or ""):
            problems.append("the printable HTML does not show the manifest hash")
        observed = {k: record.get(k) for k in ("released", "sha256", "changed_since_original_entry", "version_number",
                                                "valid")} | {"status": status, "release signatures": shown,
                                                             "problems": problems}
        action = ("Get the release record of the released version" if not changed else
                  "After a changed body was put under the same key, get the released version's release record again")
        expected = (f"200, released, SHA-256 {r['sha256']}, the '{release}' manifestation and manifest hash shown, "
                    f"changed since original entry: {'yes, both versions listed' if changed else 'no'}")
        self.record(test, step, f"{action} (GET /signatures/release-record)",
                    f"s3://{r['bucket']}/{r['key']}?versionId={version}", expected, observed,
                    "fail" if problems else "pass")
