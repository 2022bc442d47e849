"""Record the go/no-go decision for a SageMaker model package version from the evaluation report its
training pipeline attached, and stamp the version with the record it was judged by.

The pipeline evaluates the model on its held-out split and registers the version with a model
quality report (ModelMetrics.ModelQuality.Statistics, a JSON object of metric -> value). This function
compares that report with the configured thresholds (ml.thresholds), writes the record as
``bedrock_evaluation`` does, and puts the record's URI and SHA-256 on the version's
CustomerMetadataProperties, where the approval gate and the lineage export find them.

Event: {"model_package_arn": ...}. Environment: RECORD_BUCKET, RECORD_PREFIX, THRESHOLDS (JSON).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlparse

from . import evaluation_record as records
from .metrics import decide

EVALUATION_RECORD = "gxp:evaluation-record"
EVALUATION_SHA256 = "gxp:evaluation-sha256"


class PackageEvaluation:
    def __init__(self, *, s3: Any, sagemaker: Any, env: Mapping[str, str],
                 clock: Callable[[], str] = lambda: datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")) -> None:
        self.s3, self.sagemaker, self.clock = s3, sagemaker, clock
        self.record_bucket, self.record_prefix = env["RECORD_BUCKET"], env["RECORD_PREFIX"]
        self.thresholds = json.loads(env["THRESHOLDS"])

    def run(self, event: Mapping[str, Any]) -> dict[str, Any]:
        arn = event.get("model_package_arn")
        if not isinstance(arn, str) or ":model-package/" not in arn:
            return {"refused": "model_package_arn must be the ARN of a model package version"}
        package = self.sagemaker.describe_model_package(ModelPackageName=arn)
        report_uri = (((package.get("ModelMetrics") or {}).get("ModelQuality") or {}).get("Statistics") or {}).get("S3Uri")
        if not report_uri:
            return {"refused": f"{arn} carries no ModelMetrics.ModelQuality.Statistics report to judge"}
        where = urlparse(report_uri)
        obj = self.s3.get_object(Bucket=where.netloc, Key=where.path.lstrip("/"))
        body = obj["Body"].read()
        try:
            metrics = json.loads(body)
        except ValueError:
            return {"refused": f"{report_uri} is not JSON"}
        if not isinstance(metrics, dict):
            return {"refused": f"{report_uri} is not a JSON object of metric -> value"}
        subject = {"kind": "sagemaker-model-package", "id": arn}
        decision, failures = decide(metrics, self.thresholds)
        record = {
            "schema": records.SCHEMA,
            "subject": subject,
            "report": {"uri": report_uri, "version_id": obj.get("VersionId"), "sha256": hashlib.sha256(body).hexdigest()},
            "lineage": {k: v for k, v in (package.get("CustomerMetadataProperties") or {}).items()
                        if k not in (EVALUATION_RECORD, EVALUATION_SHA256)},
            "metrics": {k: metrics.get(k) for k in sorted(self.thresholds)},
            "thresholds": self.thresholds,
            "decision": decision,
            "failures": failures,
            "recorded_at": self.clock(),
        }
        written = records.write(self.s3, self.record_bucket, records.record_key(self.record_prefix, subject), record)
        # The whole metadata and the current status are passed back: UpdateModelPackage merges them, and
        # an implementation that replaces them must not lose the lineage or the status.
        metadata = {**(package.get("CustomerMetadataProperties") or {}),
                    EVALUATION_RECORD: records.uri(written), EVALUATION_SHA256: written["sha256"]}
        self.sagemaker.update_model_package(ModelPackageArn=arn, ModelApprovalStatus=package["ModelApprovalStatus"],
                                            CustomerMetadataProperties=metadata)
        return {"record": written, "uri": records.uri(written), "failures": failures}


def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    import boto3

    return PackageEvaluation(s3=boto3.client("s3"), sagemaker=boto3.client("sagemaker"), env=os.environ).run(event)
