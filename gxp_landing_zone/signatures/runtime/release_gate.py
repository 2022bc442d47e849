"""Release for regulated use (Annex 11 §10, 11.10(g); EU AI Act Art. 14): a prompt, model or model
package version is released only when its evaluation record - the go/no-go record the evaluation
wrote into a records bucket - carries a valid electronic signature with the release meaning, bound
to the record's current SHA-256.

What each refusal protects against:
- the record is not in the evaluation record class: a signature under another class's grants;
- a newer version of the record exists (stale hash): an approval of a superseded evaluation;
- the record evaluates another subject, or decided no-go: approving what was not evaluated, or failed;
- no valid signature with the release meaning on this exact version and hash: a review, a signature
  on another version, or a ledger that fails verification. Who may sign with the meaning (the
  signer's group) is checked by the signature service when the signature is applied (11.10(g)); a
  signer without that authority leaves no signature for the gate to find.

The gate reads the ledger, the manifest copies and the record through the service's own list and
verify operations, so it judges a signature exactly as the service's verify endpoint does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from botocore.exceptions import ClientError

from .errors import SignatureRefused


@dataclass(frozen=True)
class EvaluationRef:
    bucket: str
    key: str
    version_id: str

    @classmethod
    def parse(cls, uri: Any) -> "EvaluationRef":
        """``s3://bucket/key?versionId=...``, as the evaluation functions write it."""
        parsed = urlparse(uri) if isinstance(uri, str) else None
        version = (parse_qs(parsed.query).get("versionId") or [None])[0] if parsed else None
        if not parsed or parsed.scheme != "s3" or not parsed.netloc or not parsed.path.strip("/") or not version:
            raise ValueError(f"{uri!r} is not an evaluation record reference (s3://bucket/key?versionId=...)")
        return cls(parsed.netloc, parsed.path.lstrip("/"), version)

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}?versionId={self.version_id}"


@dataclass
class ReleaseDecision:
    released: bool
    reasons: list[str] = field(default_factory=list)
    evaluation_sha256: str | None = None
    signature: dict | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"released": self.released, "reasons": self.reasons, "evaluation_sha256": self.evaluation_sha256,
                "signature": self.signature}


def _refused(*reasons: str, sha: str | None = None) -> ReleaseDecision:
    return ReleaseDecision(False, list(reasons), sha)


class ReleaseGate:
    """``service``: an object with the signature service's ``list_signatures`` and ``verify``."""

    def __init__(self, *, service: Any, s3: Any, evaluation_location: str, meaning: str) -> None:
        self.service, self.s3, self.meaning = service, s3, meaning
        self.bucket, _, self.prefix = evaluation_location.partition("/")

    def check(self, subject: Mapping[str, str], ref: EvaluationRef) -> ReleaseDecision:
        if ref.bucket != self.bucket or not ref.key.startswith(self.prefix):
            return _refused(f"{ref.uri} is not an evaluation record (s3://{self.bucket}/{self.prefix}...)")
        try:
            current = self.s3.head_object(Bucket=ref.bucket, Key=ref.key).get("VersionId")
            body = self.s3.get_object(Bucket=ref.bucket, Key=ref.key, VersionId=ref.version_id)["Body"].read()
        except ClientError as exc:
            return _refused(f"evaluation record {ref.uri} cannot be read ({exc.response.get('Error', {}).get('Code')})")
        sha = hashlib.sha256(body).hexdigest()
        if current != ref.version_id:
            return _refused(
                f"stale evaluation: version {ref.version_id} (SHA-256 {sha}) was superseded by version {current}; "
                "release the current evaluation, after it is signed", sha=sha)
        try:
            record = json.loads(body)
        except ValueError:
            return _refused(f"evaluation record {ref.uri} is not JSON", sha=sha)
        reasons = []
        if not isinstance(record, dict) or record.get("subject") != dict(subject):
            found = record.get("subject") if isinstance(record, dict) else None
            reasons.append(f"the evaluation record evaluates {found}, not {dict(subject)}")
        elif record.get("decision") != "go":
            failures = "; ".join(record.get("failures") or []) or "no reason recorded"
            reasons.append(f"the evaluation decided {record.get('decision')!r}: {failures}")
        if reasons:
            return _refused(*reasons, sha=sha)
        return self._signed(ref, sha)

    def _signed(self, ref: EvaluationRef, sha: str) -> ReleaseDecision:
        try:
            listed = self.service.list_signatures(ref.bucket, ref.key)["signatures"]
            verified = self.service.verify(ref.bucket, ref.key, ref.version_id)
        except SignatureRefused as refusal:
            return _refused(f"no signature can be verified on {ref.uri}: {refusal.reason}", sha=sha)
        valid = {s.get("seq") for s in verified.get("signatures", []) if s.get("valid")}
        if not verified.get("chain", {}).get("valid", False):
            return _refused(f"the signature ledger of {ref.bucket}/{ref.key} fails verification; nothing is released", sha=sha)
        bound = [s for s in listed if s.get("record_version_id") == ref.version_id and s.get("record_sha256") == sha]
        releasing = [s for s in bound if s.get("meaning") == self.meaning and s.get("seq") in valid]
        if releasing:
            return ReleaseDecision(True, [], sha, releasing[-1])
        if bound:
            meanings = sorted({str(s.get("meaning")) for s in bound})
            return _refused(f"version {ref.version_id} is signed only with {', '.join(meanings)}; release needs "
                            f"'{self.meaning}' from a member of a group granted it", sha=sha)
        elsewhere = sorted({str(s.get("record_sha256")) for s in listed if s.get("meaning") == self.meaning})
        if elsewhere:
            return _refused(f"stale evaluation hash: '{self.meaning}' signatures are bound to {', '.join(elsewhere)}, "
                            f"not to the current evaluation result {sha}", sha=sha)
        return _refused(f"version {ref.version_id} of the evaluation record carries no '{self.meaning}' signature", sha=sha)
