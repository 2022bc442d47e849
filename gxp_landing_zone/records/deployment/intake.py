"""The intake check of instrument data, deployed: S3's "Object Created" events of the instrument-data
buckets, on the account's default bus, run the check (records/runtime/intake.py), which tags each new
version and reports one without a stored SHA-256 (11.10(h))."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from constructs import Construct

from .functions import RecordsFunction

EVENT_SOURCE = "gxp.records"


class InstrumentIntake(Construct):
    def __init__(
        self, scope: Construct, id: str, *, bucket_names: list[str], role_name: str, log_key, log_retention_days: int
    ) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        objects = [f"arn:aws:s3:::{name}/*" for name in bucket_names]
        self.check = RecordsFunction(
            self,
            "Check",
            module="intake",
            description="Tags each new instrument-data version with whether S3 stored its SHA-256; reports it if not (11.10(h))",
            role_name=role_name,
            log_key=log_key,
            log_retention_days=log_retention_days,
            environment={"EVENT_BUS_NAME": "default"},
            statements=[
                iam.PolicyStatement(
                    sid="ReadStoredChecksums",
                    actions=["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectVersionAttributes"],
                    resources=objects,
                ),
                iam.PolicyStatement(
                    sid="TagCheckedVersions",
                    actions=["s3:GetObjectVersionTagging", "s3:PutObjectVersionTagging"],
                    resources=objects,
                ),
                iam.PolicyStatement(
                    sid="ReportUncheckedWrites",
                    actions=["events:PutEvents"],
                    resources=[f"arn:aws:events:{stack.region}:{stack.account}:event-bus/default"],
                ),
            ],
        )
        self.rule = events.Rule(
            self,
            "OnInstrumentWrites",
            description="Every new version of an instrument-data record goes through the intake check",
            event_pattern=events.EventPattern(
                source=["aws.s3"], detail_type=["Object Created"], detail={"bucket": {"name": sorted(bucket_names)}}
            ),
            targets=[targets.LambdaFunction(self.check.function, retry_attempts=8)],
        )
