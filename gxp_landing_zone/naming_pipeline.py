"""Names of change control (config/change_control.py): the pipeline in the deployment account, the roles its
steps run under, the roles they assume in the accounts they qualify, the SCPs that keep everyone else out,
where change records are kept, and the emergency path. Re-exported by naming.py."""

from __future__ import annotations

SCP_DEPLOY_ONLY_THROUGH_PIPELINE = "gxp-deploy-only-through-pipeline"
SCP_DEPLOYMENT_ROLES_ONLY_FOR_PIPELINE = "gxp-deployment-roles-only-for-pipeline"

PIPELINE_NAME = "gxp-promotion"
PIPELINE_ARTIFACT_KEY_ALIAS = "alias/gxp/pipeline-artifacts"
PIPELINE_ROLE_PREFIX = "gxp-pipeline-"
PIPELINE_STEPS = ("synth", "deploy", "iq", "oq", "record", "release")
IQ_READER_ROLE = "gxp-iq-reader"
OQ_EXECUTOR_ROLE = "gxp-oq-executor"
CHANGE_RECORD_PREFIX = "change-records/"
EVIDENCE_RETENTION_CLASS = "change-record"
# The Identity Center permission set of the emergency path, and the role it becomes in each account
# (Identity Center names it AWSReservedSSO_<permission set>_<suffix> under this path).
BREAK_GLASS_PERMISSION_SET = "GxpBreakGlass"
BREAK_GLASS_ROLE_PATTERN = f"arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_{BREAK_GLASS_PERMISSION_SET}_*"


class PipelineNames:
    """Names.*'s change-control part; needs ``_c`` (the config) and ``_prefix``."""

    @property
    def evidence_bucket(self) -> str:
        """Change records of every pipeline execution, under Object Lock COMPLIANCE (Annex 11 10, 4.2)."""
        return f"{self._prefix}-evidence-{self._c.log_archive.id}-{self._c.home_region}"

    # deployment account, home region: the promotion pipeline
    @property
    def pipeline_artifact_bucket(self) -> str:
        return f"{self._prefix}-pipeline-artifacts-{self._c.account('deployment').id}-{self._c.home_region}"

    @property
    def pipeline_access_log_bucket(self) -> str:
        return f"{self._prefix}-pipeline-logs-{self._c.account('deployment').id}-{self._c.home_region}"

    def pipeline_role_arn(self, step: str) -> str:
        return f"arn:aws:iam::{self._c.account('deployment').id}:role/{PIPELINE_ROLE_PREFIX}{step}"

    def pipeline_role_pattern(self) -> str:
        """Every role the pipeline's steps run under, and nothing else in the deployment account."""
        return f"arn:aws:iam::{self._c.account('deployment').id}:role/{PIPELINE_ROLE_PREFIX}*"

    @staticmethod
    def iq_reader_role_arn(account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:role/{IQ_READER_ROLE}"

    @staticmethod
    def oq_executor_role_arn(account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:role/{OQ_EXECUTOR_ROLE}"
