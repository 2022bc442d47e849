"""Evaluate a Bedrock model or prompt version on a locked held-out set, through the account's
guardrail, and record the go/no-go decision (Annex 11 4.7; EU AI Act Art. 15).

Why here and not a Bedrock evaluation job: a release must be judged as it will run, model and guardrail
together, under the same IAM policy that admits inference only with the guardrail. Bedrock evaluation
jobs call the model without a guardrail (a job's model is modelIdentifier, inferenceParams and
performanceConfig only: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_EvaluationBedrockModel.html)
and would need a role exempt from that policy; a Batch job
would need an evaluation image of the customer's to validate. This function calls Converse for each
held-out item with the guardrail (trace on), scores the responses with ``metrics`` and writes the
record with ``evaluation_record``. A Lambda function runs at most 15 minutes: at a few seconds per
call and four calls at a time, a few hundred items per run.

Event: {"subject": {"kind": "bedrock-model" | "bedrock-prompt", "id": model/profile ID or prompt
version ARN}, "dataset": key of a JSON Lines file under the held-out prefix}.
Environment: DATASET_BUCKET, DATASET_PREFIX, RECORD_BUCKET, RECORD_PREFIX, GUARDRAIL_ID,
GUARDRAIL_VERSION, THRESHOLDS (JSON), ALLOWED (JSON list of the account's models and profiles).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any

from . import evaluation_record as records
from .metrics import DatasetError, Item, decide, measure, outcome, parse_dataset

WORKERS = 4
INTERVENED = "guardrail_intervened"


class EvaluationRefused(ValueError):
    """A request this function will not evaluate; the message says why."""


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class BedrockEvaluation:
    def __init__(self, *, s3: Any, runtime: Any, env: Mapping[str, str], clock: Callable[[], str] = _now,
                 workers: int = WORKERS) -> None:
        self.s3, self.runtime, self.clock, self.workers = s3, runtime, clock, workers
        self.dataset_bucket, self.dataset_prefix = env["DATASET_BUCKET"], env["DATASET_PREFIX"]
        self.record_bucket, self.record_prefix = env["RECORD_BUCKET"], env["RECORD_PREFIX"]
        self.guardrail = {"guardrailIdentifier": env["GUARDRAIL_ID"], "guardrailVersion": env["GUARDRAIL_VERSION"],
                          "trace": "enabled"}
        self.thresholds = json.loads(env["THRESHOLDS"])
        self.allowed = frozenset(json.loads(env.get("ALLOWED") or "[]"))

    def run(self, event: Mapping[str, Any]) -> dict[str, Any]:
        try:
            subject = records.check_subject(event.get("subject"))
        except ValueError as exc:
            raise EvaluationRefused(str(exc)) from None
        if subject["kind"] == "sagemaker-model-package":
            raise EvaluationRefused("model packages are evaluated by the training pipeline's report (package_evaluation)")
        if subject["kind"] == "bedrock-model" and subject["id"] not in self.allowed:
            raise EvaluationRefused(f"{subject['id']} is not among the account's models and profiles (genai.accounts)")
        key = event.get("dataset")
        if not isinstance(key, str) or not key.startswith(self.dataset_prefix) or ".." in key:
            raise EvaluationRefused(f"dataset must be a key under {self.dataset_prefix} in {self.dataset_bucket}")
        started = self.clock()
        obj = self.s3.get_object(Bucket=self.dataset_bucket, Key=key)
        body = obj["Body"].read()
        try:
            items = parse_dataset(body.decode("utf-8"))
        except (DatasetError, UnicodeDecodeError) as exc:
            raise EvaluationRefused(f"held-out set {key}: {exc}") from None
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            results = list(pool.map(lambda item: self._ask(subject, item), items))
        metrics = measure((item, result["outcome"]) for item, result in zip(items, results))
        decision, failures = decide(metrics, self.thresholds)
        record = {
            "schema": records.SCHEMA,
            "subject": subject,
            "evaluated_with": {"guardrail_id": self.guardrail["guardrailIdentifier"],
                               "guardrail_version": self.guardrail["guardrailVersion"]},
            "dataset": {"bucket": self.dataset_bucket, "key": key, "version_id": obj.get("VersionId"),
                        "sha256": hashlib.sha256(body).hexdigest(), "items": len(items)},
            "results": results,
            "metrics": metrics,
            "thresholds": self.thresholds,
            "decision": decision,
            "failures": failures,
            "started_at": started,
            "finished_at": self.clock(),
        }
        written = records.write(self.s3, self.record_bucket, records.record_key(self.record_prefix, subject), record)
        return {"record": written, "uri": records.uri(written), "metrics": metrics, "failures": failures}

    def _ask(self, subject: Mapping[str, str], item: Item) -> dict[str, Any]:
        request: dict[str, Any] = {"modelId": subject["id"], "guardrailConfig": self.guardrail}
        if item.prompt is not None:
            request["messages"] = [{"role": "user", "content": [{"text": item.prompt}]}]
        if item.variables:
            request["promptVariables"] = {k: {"text": v} for k, v in item.variables.items()}
        if subject["kind"] == "bedrock-model":
            request["inferenceConfig"] = {"temperature": 0}
        response = self.runtime.converse(**request)
        content = ((response.get("output") or {}).get("message") or {}).get("content") or []
        text = "".join(part.get("text", "") for part in content if isinstance(part, dict))
        blocked = response.get("stopReason") == INTERVENED
        return {"id": item.id, "expect": item.expect, "outcome": outcome(item, text, blocked),
                "response_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    import boto3

    evaluation = BedrockEvaluation(s3=boto3.client("s3"), runtime=boto3.client("bedrock-runtime"), env=os.environ)
    try:
        return evaluation.run(event)
    except EvaluationRefused as refusal:
        return {"refused": str(refusal)}
