"""Physical names derived from the config, so stacks in different accounts can refer
to each other's resources without CloudFormation exports (which cannot cross accounts)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import EstateConfig

# S3 general purpose bucket naming rules (Amazon S3 User Guide, "General purpose bucket naming
# rules", docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html): 3-63 characters
# of lower-case letters, digits, '.' and '-', beginning and ending with a letter or digit; no two
# adjacent periods; not formatted as an IP address; and these prefixes and suffixes are reserved
# (sthree- also covers the older sthree-configurator).
MIN_BUCKET_NAME = 3
MAX_BUCKET_NAME = 63
RESERVED_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_BUCKET_CHARACTERS = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?")
_IP_ADDRESS = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3}){3}")


def bucket_name_problem(name: str) -> str | None:
    """Why S3 would refuse ``name`` as a general purpose bucket name, or None if it would not."""
    if not MIN_BUCKET_NAME <= len(name) <= MAX_BUCKET_NAME:
        return f"has {len(name)} characters; S3 allows {MIN_BUCKET_NAME} to {MAX_BUCKET_NAME}"
    if not _BUCKET_CHARACTERS.fullmatch(name):
        return "may hold only lower-case letters, digits, '.' and '-', and must begin and end with a letter or digit"
    if ".." in name:
        return "has two adjacent periods"
    if _IP_ADDRESS.fullmatch(name):
        return "is formatted as an IP address"
    for prefix in RESERVED_BUCKET_PREFIXES:
        if name.startswith(prefix):
            return f"starts with '{prefix}', a prefix S3 reserves"
    for suffix in RESERVED_BUCKET_SUFFIXES:
        if name.endswith(suffix):
            return f"ends with '{suffix}', a suffix S3 reserves"
    return None

# Fixed names, created by the stacks and read back by the IQ checks: one definition each, so a
# rename in a stack cannot leave IQ looking for the old name.
CONFIG_RECORDER_NAME = "gxp-recorder"  # every account and allowed region (constructs/config_recorder.py)
TRAIL_LOGS_KEY_ALIAS = "alias/gxp/trail-logs"  # management account (stacks/organization.py)
REGULATED_OU = "Regulated"
SCP_PROTECT_AUDIT_SUBSTRATE = "gxp-protect-audit-substrate"
SCP_DENY_ROOT_AND_LEAVING = "gxp-deny-root-and-leaving"
SCP_ALLOWED_REGIONS = "gxp-allowed-regions"
SCP_PROTECT_REGULATED_KEYS = "gxp-protect-regulated-keys"
# Change control's names (the pipeline, its roles, change records, break-glass): naming_pipeline.py.
from .naming_pipeline import *  # noqa: E402,F401,F403
# The scheduled audit-trail review's names: naming_review.py.
from .naming_review import *  # noqa: E402,F401,F403


def scp_residency(jurisdiction: str) -> str:
    """One residency SCP per jurisdiction, attached to that jurisdiction's regulated accounts."""
    return f"gxp-residency-{jurisdiction.lower()}"

def scp_bedrock_residency(jurisdiction: str) -> str:
    """Bedrock inference and jobs confined to the jurisdiction; its own policy beside the data residency one."""
    return f"gxp-bedrock-residency-{jurisdiction.lower()}"

COMPASS = {"north": "n", "south": "s", "east": "e", "west": "w", "central": "c",
           "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw"}


def region_code(region: str) -> str:
    """us-east-1 -> use1, ap-northeast-1 -> apne1: keeps record bucket names under S3's 63 characters."""
    area, direction, number = region.split("-")
    return f"{area}{COMPASS.get(direction, direction)}{number}"


def records_bucket_prefix(naming_prefix: str) -> str:
    return f"{naming_prefix}-records-"


def records_bucket_name(naming_prefix: str, data_class: str, account_id: str, region: str) -> str:
    """Always starts with the records prefix: the organization trail's data-event selector and the
    permission sets match on it (11.10(e), 11.10(d))."""
    return f"{records_bucket_prefix(naming_prefix)}{data_class}-{account_id}-{region_code(region)}"


class Names(PipelineNames, ReviewNames):
    def __init__(self, config: EstateConfig):
        self._c = config
        self._prefix = config.organization.naming_prefix

    def bucket_names(self) -> list[tuple[str, str | None]]:
        """Every S3 bucket name the estate creates, each with the data class named in it (or None),
        so the config can be refused, naming the field, before S3 refuses a stack."""
        c = self._c
        names: list[tuple[str, str | None]] = [
            (self.trail_bucket, None), (self.config_bucket, None), (self.access_log_bucket, None),
            (self.evidence_bucket, None), (self.pipeline_artifact_bucket, None), (self.pipeline_access_log_bucket, None),
            (self.review_reports_bucket, None), (self.review_access_log_bucket, None),
        ]
        deployment = c.account("deployment")
        names += [
            (self.signature_manifest_bucket(deployment.id, c.home_region), None),
            (self.signature_access_log_bucket(deployment.id, c.home_region), None),
        ]
        for account in c.regulated_accounts:
            for region in c.workload_regions(account):
                names += [
                    (self.records_access_log_bucket(account.id, region), None),
                    (self.signature_manifest_bucket(account.id, region), None),
                    (self.signature_access_log_bucket(account.id, region), None),
                    (self.record_export_bucket(account.id, region), None),
                ]
                names += [(self.records_bucket(d.name, account.id, region), d.name) for d in c.data_classes]
        for account in c.workload_accounts:
            for region in c.workload_regions(account):
                names += [
                    (self.checkpoint_bucket(account.id, region), None),
                    (self.ml_artifact_bucket(account.id, region), None),
                    (self.compute_access_log_bucket(account.id, region), None),
                ]
        for account in [a for a in c.accounts if c.genai and a.role in c.genai.accounts]:
            for region in c.workload_regions(account):
                names += [(self.genai_log_bucket(account.id, region), None), (self.genai_evaluation_bucket(account.id, region), None),
                          (self.genai_access_log_bucket(account.id, region), None)]
        return names

    # log-archive account, home region
    @property
    def trail_bucket(self) -> str:
        return f"{self._prefix}-audit-trail-{self._c.log_archive.id}-{self._c.home_region}"

    @property
    def config_bucket(self) -> str:
        return f"{self._prefix}-config-history-{self._c.log_archive.id}-{self._c.home_region}"

    @property
    def access_log_bucket(self) -> str:
        return f"{self._prefix}-access-logs-{self._c.log_archive.id}-{self._c.home_region}"

    @property
    def log_archive_key_alias(self) -> str:
        return "alias/gxp/log-archive"

    @property
    def log_archive_key_arn(self) -> str:
        # Referenced by alias ARN so the org trail and Config can name the key before it exists.
        return f"arn:aws:kms:{self._c.home_region}:{self._c.log_archive.id}:{self.log_archive_key_alias}"

    def records_bucket_prefix(self) -> str:
        """Every regulated record bucket starts with this; the trail logs data events on it."""
        return records_bucket_prefix(self._prefix)

    # regulated accounts, every workload region
    def records_bucket(self, data_class: str, account_id: str, region: str) -> str:
        return records_bucket_name(self._prefix, data_class, account_id, region)

    def records_access_log_bucket(self, account_id: str, region: str) -> str:
        return f"{self._prefix}-access-logs-{account_id}-{region}"

    @staticmethod
    def records_key_alias(data_class: str) -> str:
        return f"alias/gxp/records/{data_class}"

    def records_key_alias_arn(self, data_class: str, account_id: str, region: str) -> str:
        # By alias, so a replication source can name the destination key before it exists.
        return f"arn:aws:kms:{region}:{account_id}:{self.records_key_alias(data_class)}"

    @staticmethod
    def records_operator_role_pattern(account_id: str) -> str:
        """The IAM role Identity Center creates for the regulated-data-operator permission set."""
        return f"arn:aws:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_GxpRegulatedDataOperator_*"

    @property
    def records_function_key_alias(self) -> str:
        return "alias/gxp/records-functions"

    @staticmethod
    def records_function_role_name(purpose: str, region: str) -> str:
        """The records functions' roles (intake check, export), named so policies can name them."""
        return f"gxp-records-{purpose}-{region_code(region)}"

    # The record export (records/deployment/export.py): its bucket never starts with the records prefix, as it
    # holds copies, not records of a data class.
    RECORD_EXPORT_FUNCTION = "gxp-record-export"
    RECORD_EXPORT_KEY_ALIAS = "alias/gxp/record-exports"
    RECORD_EXPORT_SIGNING_KEY_ALIAS = "alias/gxp/record-export-signing"

    def record_export_bucket(self, account_id: str, region: str) -> str:
        return f"{self._prefix}-record-exports-{account_id}-{region_code(region)}"

    def record_export_role_arn(self, account_id: str, region: str) -> str:
        return f"arn:aws:iam::{account_id}:role/{self.records_function_role_name('export', region)}"

    # Audit-trail review in the audit account (constructs/trail_review.py): Glue names allow no hyphen.
    TRAIL_REVIEW_DATABASE = "gxp_audit_trail"
    TRAIL_REVIEW_TABLE = "organization_trail"
    TRAIL_REVIEW_WORKGROUP = "gxp-audit-trail-review"

    def records_sql_like(self, data_class: str) -> str:
        """A SQL LIKE pattern for the class's records buckets in every account and region."""
        return f"{self.records_bucket_prefix()}{data_class}-{'_' * 12}-%"

    @property
    def backup_key_alias(self) -> str:
        return "alias/gxp/backup"

    @property
    def backup_vault_name(self) -> str:
        """The locked vault back-ups are written to, in each region the account keeps records or logs."""
        return "gxp-backup"

    @property
    def backup_copy_vault_name(self) -> str:
        """The locked vault in the account's second region of the same jurisdiction."""
        return "gxp-backup-copy"

    @property
    def backup_plan_name(self) -> str:
        return "gxp-records-daily"

    def backup_copy_vault_arn(self, account_id: str, region: str) -> str:
        return f"arn:aws:backup:{region}:{account_id}:backup-vault:{self.backup_copy_vault_name}"

    @staticmethod
    def backup_role_name(region: str) -> str:
        return f"gxp-backup-{region_code(region)}"

    def backup_role_arn(self, account_id: str, region: str) -> str:
        return f"arn:aws:iam::{account_id}:role/{self.backup_role_name(region)}"

    @staticmethod
    def records_replication_role_name(data_class: str, region: str) -> str:
        return f"gxp-replicate-{data_class}-{region_code(region)}"

    def records_replication_role_arn(self, data_class: str, account_id: str, region: str) -> str:
        return f"arn:aws:iam::{account_id}:role/{self.records_replication_role_name(data_class, region)}"

    # audit account, home region
    @property
    def audit_bus_name(self) -> str:
        return "gxp-compliance-events"

    def audit_bus_arn(self) -> str:
        return f"arn:aws:events:{self._c.home_region}:{self._c.audit.id}:event-bus/{self.audit_bus_name}"

    @property
    def audit_reader_role_name(self) -> str:
        return "gxp-audit-log-reader"

    def audit_reader_role_arn(self) -> str:
        return f"arn:aws:iam::{self._c.audit.id}:role/{self.audit_reader_role_name}"

    # The asymmetric key that seals IQ/OQ records (constructs/record_signing_key.py). Runners in any
    # account sign with it by alias ARN: KMS accepts a key ARN or alias ARN for a key in another account.
    record_signing_key_alias = "alias/gxp/qualification-records"

    def record_signing_key_arn(self) -> str:
        return f"arn:aws:kms:{self._c.home_region}:{self._c.audit.id}:{self.record_signing_key_alias}"

    @property
    def event_forwarder_role_name(self) -> str:
        return "gxp-compliance-event-forwarder"

    # organization trail (management account)
    @property
    def trail_name(self) -> str:
        return "gxp-organization-trail"

    def trail_arn(self) -> str:
        return f"arn:aws:cloudtrail:{self._c.home_region}:{self._c.management.id}:trail/{self.trail_name}"


    # workload accounts (regulated and research), per region
    def checkpoint_bucket(self, account_id: str, region: str) -> str:
        return f"{self._prefix}-checkpoints-{account_id}-{region}"

    @property
    def compute_key_alias(self) -> str:
        return "alias/gxp/compute"

    @property
    def batch_image_repository(self) -> str:
        return "gxp-discovery/worker"

    def ml_artifact_bucket(self, account_id: str, region: str) -> str:
        return f"{self._prefix}-ml-artifacts-{account_id}-{region}"

    def compute_access_log_bucket(self, account_id: str, region: str) -> str:
        return f"{self._prefix}-compute-access-logs-{account_id}-{region}"

    @property
    def model_package_group(self) -> str:
        return "gxp-discovery-models"

    @property
    def genomics_workspace(self) -> str:
        return "gxp-genomics"

    def event_forwarder_role_arn(self, account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:role/{self.event_forwarder_role_name}"
    # electronic-signature service: every regulated account, every workload region
    def signature_manifest_bucket(self, account_id: str, region: str) -> str:
        return f"{self._prefix}-esig-manifests-{account_id}-{region_code(region)}"

    def signature_access_log_bucket(self, account_id: str, region: str) -> str:
        return f"{self._prefix}-esig-access-logs-{account_id}-{region_code(region)}"

    @staticmethod
    def signature_key_alias() -> str:
        return "alias/gxp/esignatures"

    @staticmethod
    def signature_seal_key_alias() -> str:
        return "alias/gxp/esignature-seal"

    @staticmethod
    def signature_role_name(purpose: str, region: str) -> str:
        """Named, so a records key policy can let the signing and verifying roles read records."""
        return f"gxp-esig-{purpose}-{region_code(region)}"

    @staticmethod
    def signature_event_source() -> str:
        return "gxp.esignature"

    @staticmethod
    def signature_ledger_parameter() -> str:
        """SSM parameter holding the ledger table's name, for the release gates in other stacks."""
        return "/gxp/esignatures/ledger-table"

    # generative AI (Bedrock): regulated and research accounts named in genai.accounts, each workload region
    def genai_log_bucket(self, account_id: str, region: str) -> str:
        return f"{self._prefix}-genai-logs-{account_id}-{region_code(region)}"

    def genai_evaluation_bucket(self, account_id: str, region: str) -> str:
        return f"{self._prefix}-genai-eval-{account_id}-{region_code(region)}"

    def genai_access_log_bucket(self, account_id: str, region: str) -> str:
        return f"{self._prefix}-genai-access-logs-{account_id}-{region_code(region)}"

    @staticmethod
    def genai_key_alias() -> str:
        return "alias/gxp/genai"

    @staticmethod
    def genai_invocation_log_group() -> str:
        return "/gxp/bedrock/invocations"

    @staticmethod
    def genai_guardrail() -> str:
        return "gxp-guardrail"

    @staticmethod
    def genai_invoke_policy() -> str:
        """The managed policy that lets a role call the allowed models, through the guardrail only."""
        return "gxp-genai-invoke"

    @staticmethod
    def genai_role_name(purpose: str, region: str) -> str:
        return f"gxp-genai-{purpose}-{region_code(region)}"

    @staticmethod
    def genai_alarm_prefix() -> str:
        return "gxp-genai-"

    # SageMaker model governance (Compute stacks)
    @staticmethod
    def ml_training_role_name(region: str) -> str:
        """Named, so a records key policy can let training read the classes the config allows."""
        return f"gxp-ml-training-{region_code(region)}"

    @staticmethod
    def ml_role_name(purpose: str, region: str) -> str:
        return f"gxp-ml-{purpose}-{region_code(region)}"

    def release_reader_role_arns(self, account_id: str, region: str) -> tuple[str, ...]:
        """The release gates (Bedrock, SageMaker): they read the ledger, manifests and evaluation records."""
        return tuple(f"arn:aws:iam::{account_id}:role/{self.signature_role_name(p, region)}" for p in ("release", "approval"))

    def evaluation_writer_role_arns(self, account_id: str, region: str) -> tuple[str, ...]:
        """The functions that write go/no-go records into the evaluation record class's bucket."""
        return (f"arn:aws:iam::{account_id}:role/{self.genai_role_name('evaluate', region)}",
                f"arn:aws:iam::{account_id}:role/{self.ml_role_name('evaluate', region)}")

    @staticmethod
    def macie_role_arn(account_id: str) -> str:
        """Macie's service-linked role, which reads the objects a discovery job scans."""
        return f"arn:aws:iam::{account_id}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie"

    @staticmethod
    def model_card() -> str:
        return "gxp-discovery-models-card"

    @staticmethod
    def model_release_event_source() -> str:
        return "gxp.model-release"
