"""OQ-SCP-01..03: the guardrail SCPs refuse stopping the audit substrate, leaving the allowed regions
and placing data outside the account's jurisdiction."""

from __future__ import annotations

from botocore.exceptions import ClientError

from ...naming import CONFIG_RECORDER_NAME
from .steps import OUTSIDE_REGION_CANDIDATES, SCP_EXPECTED, TEST_DATA_TAGS, _error, _refused_by_scp


class GuardrailSteps:
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

