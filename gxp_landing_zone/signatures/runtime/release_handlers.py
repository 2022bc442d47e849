"""The release gates as Lambda handlers, reading the signature service's ledger from another stack.

``sagemaker_approval_handler`` runs on every "SageMaker Model Package State Change" of the account's
model package group: a version set to Approved stays Approved only if ``release_gate`` finds its
evaluation record released by a valid signature; otherwise it is set back to PendingManualApproval
with the reasons, and a "Model Approval Reverted" event goes to the audit account.

``bedrock_release_handler`` is invoked with {"subject", "evaluation"} by whoever releases a Bedrock
model or prompt version: on success it writes a release record to the locked evaluation bucket.

Environment: LEDGER_PARAMETER (SSM name holding the ledger table's name), MANIFEST_BUCKET,
EVALUATION_LOCATION ("bucket/key-prefix"), RELEASE_MEANING, EVENT_SOURCE, and for Bedrock
RELEASE_BUCKET, for SageMaker MODEL_PACKAGE_GROUP (what the hourly sweep re-checks).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from .release_gate import EvaluationRef, ReleaseDecision, ReleaseGate
from .service import SignatureService

log = logging.getLogger(__name__)

EVALUATION_RECORD = "gxp:evaluation-record"
EVALUATION_SHA256 = "gxp:evaluation-sha256"
PENDING = "PendingManualApproval"


class ReleaseHandlers:
    def __init__(self, *, gate: ReleaseGate, s3: Any, sagemaker: Any, events: Any, env: Mapping[str, str],
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.gate, self.s3, self.sagemaker, self.events, self.clock = gate, s3, sagemaker, events, clock
        self.source = env.get("EVENT_SOURCE", "gxp.model-release")
        self.release_bucket = env.get("RELEASE_BUCKET")
        self.group = env.get("MODEL_PACKAGE_GROUP")

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "ReleaseHandlers":
        import boto3

        table = boto3.client("ssm").get_parameter(Name=env["LEDGER_PARAMETER"])["Parameter"]["Value"]
        bucket = env["EVALUATION_LOCATION"].partition("/")[0]
        service = SignatureService(s3=boto3.client("s3"), dynamodb=boto3.client("dynamodb"), events=boto3.client("events"),
                                   kms=boto3.client("kms"), seal_key=env.get("LEDGER_SEAL_KEY") or None,
                                   ledger_table=table, manifest_bucket=env["MANIFEST_BUCKET"], records_buckets={bucket},
                                   event_bus_name="default")
        gate = ReleaseGate(service=service, s3=boto3.client("s3"), evaluation_location=env["EVALUATION_LOCATION"],
                           meaning=env["RELEASE_MEANING"])
        return cls(gate=gate, s3=boto3.client("s3"), sagemaker=boto3.client("sagemaker"),
                   events=boto3.client("events"), env=env)

    # -- SageMaker model package approvals ---------------------------------------------------------

    def model_package_changed(self, event: Mapping[str, Any]) -> dict[str, Any]:
        detail = event.get("detail") or {}
        arn = detail.get("ModelPackageArn")
        if detail.get("ModelApprovalStatus") != "Approved" or not isinstance(arn, str):
            return {"action": "none"}
        package = self.sagemaker.describe_model_package(ModelPackageName=arn)
        if package.get("ModelApprovalStatus") != "Approved":
            return {"action": "none", "reason": "no longer Approved"}
        metadata = package.get("CustomerMetadataProperties") or {}
        decision = self._decide({"kind": "sagemaker-model-package", "id": arn}, metadata.get(EVALUATION_RECORD))
        stamped = metadata.get(EVALUATION_SHA256)
        if decision.released and stamped != decision.evaluation_sha256:
            decision = ReleaseDecision(False, [f"stale evaluation hash: the version names {stamped}, the signed "
                                              f"evaluation record is {decision.evaluation_sha256}"], decision.evaluation_sha256)
        approver = package.get("LastModifiedBy") or {}
        if decision.released:
            self._emit("Model Release Verified", {"model_package_arn": arn, **decision.to_dict()})
            return {"action": "kept", **decision.to_dict()}
        description = ("Reverted by the release gate: " + "; ".join(decision.reasons))[:1024]
        # The metadata is passed back so the lineage and evaluation reference survive the revert.
        self.sagemaker.update_model_package(ModelPackageArn=arn, ModelApprovalStatus=PENDING, ApprovalDescription=description,
                                            **({"CustomerMetadataProperties": dict(metadata)} if metadata else {}))
        self._emit("Model Approval Reverted", {"model_package_arn": arn, "approved_by": approver, **decision.to_dict()})
        return {"action": "reverted", **decision.to_dict()}

    def sweep(self) -> dict[str, Any]:
        """Every Approved version of the group through the gate again: an event lost or failed is caught here."""
        checked, kwargs = [], {"ModelPackageGroupName": self.group, "ModelApprovalStatus": "Approved"}
        while True:
            page = self.sagemaker.list_model_packages(**kwargs)
            for summary in page.get("ModelPackageSummaryList", []):
                arn = summary["ModelPackageArn"]
                outcome = self.model_package_changed({"detail": {"ModelPackageArn": arn, "ModelApprovalStatus": "Approved"}})
                checked.append({"model_package_arn": arn, "action": outcome["action"]})
            if not page.get("NextToken"):
                return {"swept": checked}
            kwargs["NextToken"] = page["NextToken"]

    # -- Bedrock model and prompt versions ---------------------------------------------------------

    def release(self, event: Mapping[str, Any]) -> dict[str, Any]:
        subject = event.get("subject")
        if not isinstance(subject, Mapping) or subject.get("kind") not in ("bedrock-model", "bedrock-prompt"):
            return {"released": False, "reasons": ["subject must be a bedrock-model or bedrock-prompt"]}
        subject = {"kind": subject["kind"], "id": str(subject.get("id"))}
        decision = self._decide(subject, event.get("evaluation"))
        if not decision.released:
            self._emit("AI Release Refused", {"subject": subject, **decision.to_dict()})
            return decision.to_dict()
        release = {"schema": "gxp-ai-release/1", "subject": subject, "evaluation": event.get("evaluation"),
                   "evaluation_sha256": decision.evaluation_sha256, "signature": decision.signature,
                   "released_at": self.clock().strftime("%Y-%m-%dT%H:%M:%SZ")}
        body = (json.dumps(release, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
        key = f"releases/{subject['kind']}/{subject['id'].replace('/', '-').replace(':', '-')}.json"
        written = self.s3.put_object(Bucket=self.release_bucket, Key=key, Body=body, ContentType="application/json",
                                     ChecksumAlgorithm="SHA256")
        self._emit("AI Release Recorded", {"subject": subject, "release_record": f"s3://{self.release_bucket}/{key}",
                                           "version_id": written["VersionId"], **decision.to_dict()})
        return {**decision.to_dict(), "release_record": f"s3://{self.release_bucket}/{key}?versionId={written['VersionId']}"}

    # -- shared --------------------------------------------------------------------------------------

    def _decide(self, subject: Mapping[str, str], reference: Any) -> ReleaseDecision:
        try:
            ref = EvaluationRef.parse(reference)
        except ValueError as exc:
            return ReleaseDecision(False, [f"no evaluation record: {exc}"])
        return self.gate.check(subject, ref)

    def _emit(self, detail_type: str, detail: Mapping[str, Any]) -> None:
        try:
            self.events.put_events(Entries=[{"Source": self.source, "DetailType": detail_type, "EventBusName": "default",
                                             "Detail": json.dumps(detail, sort_keys=True, default=str)}])
        except Exception:  # noqa: BLE001 - the decision stands even if the event cannot be sent; the log keeps it
            log.exception("could not publish %s", detail_type)


_handlers: ReleaseHandlers | None = None


def _default() -> ReleaseHandlers:
    global _handlers
    if _handlers is None:
        _handlers = ReleaseHandlers.from_env()
    return _handlers


def sagemaker_approval_handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    handlers = _default()
    return handlers.sweep() if event.get("sweep") is True else handlers.model_package_changed(event)


def bedrock_release_handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    return _default().release(event)
