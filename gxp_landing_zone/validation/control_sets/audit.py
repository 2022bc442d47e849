"""Audit-substrate controls: trail, keys, log archive, configuration recording, guardrails, access."""

from __future__ import annotations

from ..controls import STATEFUL_TYPES, Control
from ..rules import cloudtrail, config, iam, kms, logs, organizations, residency, retention, s3, sns

AUDIT_CONTROLS: tuple[Control, ...] = (
    # -- audit trail -------------------------------------------------------------------------
    Control(
        "GXP-TRAIL-01",
        "Organization-wide audit trail",
        "One CloudTrail trail logs every account of the organization, in every region, including global services.",
        ("11.10(e)",), ("9", "12.4"), ("3.1.1",),
        ("AWS::CloudTrail::Trail",), cloudtrail.organization_wide, "MULTI_REGION_CLOUD_TRAIL_ENABLED",
    ),
    Control(
        "GXP-TRAIL-02",
        "Audit trail integrity validation",
        "CloudTrail log file integrity validation is on, so any altered or deleted log file is detectable.",
        ("11.10(e)", "11.10(a)"), ("9", "7.1"), ("3.1.1",),
        ("AWS::CloudTrail::Trail",), cloudtrail.log_file_validation, "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
    ),
    Control(
        "GXP-TRAIL-03",
        "Audit trail encrypted with a customer-managed key",
        "Trail files are encrypted with the log-archive KMS key, which only the audit reader role can decrypt.",
        ("11.10(c)", "11.10(d)"), ("7.1", "12.1"), ("3.1.1",),
        ("AWS::CloudTrail::Trail",), cloudtrail.kms_encrypted, "CLOUD_TRAIL_ENCRYPTION_ENABLED",
    ),
    Control(
        "GXP-TRAIL-04",
        "Audit trail available for review and alerting",
        "The trail streams to an encrypted CloudWatch Logs group so audit events can be reviewed and alarmed on.",
        ("11.10(e)", "11.300(d)"), ("9", "13"), ("3.1.1",),
        ("AWS::CloudTrail::Trail",), cloudtrail.cloudwatch_delivery, "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED",
    ),
    Control(
        "GXP-TRAIL-05",
        "Record reads and writes logged",
        "S3 data events (read and write) are recorded for every regulated records bucket: who touched which record, when.",
        ("11.10(e)",), ("9", "12.4"), ("3.1.1",),
        ("AWS::CloudTrail::Trail",), cloudtrail.records_data_events, "CLOUDTRAIL_S3_DATAEVENTS_ENABLED",
    ),
    # -- keys ---------------------------------------------------------------------------------
    Control(
        "GXP-KEY-01",
        "Key rotation",
        "Every customer-managed KMS key rotates its key material automatically.",
        ("11.10(c)", "11.10(d)"), ("7.1", "12.1"), ("3.1.3",),
        ("AWS::KMS::Key",), kms.rotation_enabled, "CMK_BACKING_KEY_ROTATION_ENABLED",
    ),
    Control(
        "GXP-KEY-02",
        "Key policy least privilege",
        "No key policy lets anyone schedule the key's deletion or disable it, and no wildcard principal may decrypt.",
        ("11.10(c)", "11.10(d)", "11.10(g)"), ("7.1", "12.1"), ("3.1.3",),
        ("AWS::KMS::Key",), kms.key_policy_least_privilege, "KMS_CMK_NOT_SCHEDULED_FOR_DELETION",
    ),
    # -- storage ------------------------------------------------------------------------------
    Control(
        "GXP-S3-01",
        "Object Lock in compliance mode",
        "Audit-log and record buckets use S3 Object Lock in COMPLIANCE mode: no one, root included, can delete or overwrite a locked version.",
        ("11.10(c)", "11.10(e)"), ("7.1", "17"), ("3.1.1", "3.1.3"),
        ("AWS::S3::Bucket",), s3.object_lock_compliance_mode, "S3_BUCKET_DEFAULT_LOCK_ENABLED",
    ),
    Control(
        "GXP-S3-02",
        "Retention matches the data class",
        "The Object Lock default retention is at least the retention the config sets for the bucket's data class (audit logs: at least the longest record retention).",
        ("11.10(c)", "11.10(e)"), ("7.1", "17"), ("3.1.3",),
        ("AWS::S3::Bucket",), s3.object_lock_retention_meets_class,
    ),
    Control(
        "GXP-S3-03",
        "Versioning",
        "Bucket versioning is enabled, so a change never obscures the previous version.",
        ("11.10(c)", "11.10(e)"), ("7.1", "9"), ("3.1.1",),
        ("AWS::S3::Bucket",), s3.versioning_enabled, "S3_BUCKET_VERSIONING_ENABLED",
    ),
    Control(
        "GXP-S3-04",
        "TLS-only access",
        "The bucket policy denies every request not made over TLS.",
        ("11.30", "11.10(d)"), ("5", "12.1"), ("3.1.1",),
        ("AWS::S3::Bucket",), s3.tls_only, "S3_BUCKET_SSL_REQUESTS_ONLY",
    ),
    Control(
        "GXP-S3-05",
        "Deletion denied by policy",
        "The bucket policy denies deleting object versions and the bucket to every principal, and loosening the bucket to anyone but the deployment role.",
        ("11.10(c)", "11.10(e)"), ("7.1", "17"), ("3.1.3",),
        ("AWS::S3::Bucket",), s3.destruction_denied,
    ),
    Control(
        "GXP-S3-06",
        "Public access blocked",
        "All four S3 public access block settings are on.",
        ("11.10(d)",), ("12.1",), (),
        ("AWS::S3::Bucket",), s3.public_access_blocked, "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
    ),
    Control(
        "GXP-S3-07",
        "Server access logging",
        "Requests to the bucket are logged to the separate access-log bucket.",
        ("11.10(e)",), ("12.4",), ("3.1.1",),
        ("AWS::S3::Bucket",), s3.access_logging_enabled, "S3_BUCKET_LOGGING_ENABLED",
    ),
    Control(
        "GXP-S3-08",
        "Encryption with a customer-managed key",
        "Objects are encrypted at rest with a customer-managed KMS key.",
        ("11.10(c)", "11.10(d)", "11.30"), ("7.1", "12.1"), (),
        ("AWS::S3::Bucket",), s3.kms_encrypted, "S3_DEFAULT_ENCRYPTION_KMS",
    ),
    Control(
        "GXP-S3-09",
        "Retention cannot be shortened on write",
        "The bucket policy refuses uploads and retention changes that ask for less than the bucket's retention, or for GOVERNANCE mode, so a writer holding s3:PutObjectRetention cannot lock a record for a day.",
        ("11.10(c)", "11.10(e)"), ("7.1", "17"), ("3.1.3",),
        ("AWS::S3::Bucket",), s3.retention_floor_on_write,
    ),
    Control(
        "GXP-RET-01",
        "Stateful resources retained",
        "Buckets, keys, log groups and tables are retained when their stack is deleted or they are replaced: no deploy or destroy removes regulated data.",
        ("11.10(c)",), ("7.1", "17"), ("3.1.3",),
        STATEFUL_TYPES, retention.retained_on_delete,
    ),
    Control(
        "GXP-LOG-01",
        "Audit log groups encrypted and retained",
        "CloudWatch log groups are KMS-encrypted and kept at least as long as the config requires.",
        ("11.10(e)", "11.10(c)"), ("9", "7.1"), ("3.1.3",),
        ("AWS::Logs::LogGroup",), logs.encrypted_and_retained, "CLOUDWATCH_LOG_GROUP_ENCRYPTED",
    ),
    # -- configuration recording and drift ------------------------------------------------------
    Control(
        "GXP-CFG-01",
        "Configuration recorded",
        "AWS Config records every supported resource type in every account and allowed region (global types once, in the home region).",
        ("11.10(a)", "11.10(k)"), ("4.3", "10", "11"), ("3.1.1",),
        ("AWS::Config::ConfigurationRecorder",), config.records_all_resources,
    ),
    Control(
        "GXP-CFG-02",
        "Drift from the validated baseline detected",
        "Each recorder is accompanied by the baseline AWS Config rules (trail, validation, rotation, versioning, TLS, KMS, root MFA, password policy).",
        ("11.10(a)",), ("10", "11"), (),
        ("AWS::Config::ConfigurationRecorder",), config.baseline_rules_deployed,
    ),
    Control(
        "GXP-CFG-03",
        "Drift reported to the audit account",
        "Compliance changes are forwarded to the audit account's event bus, where non-compliance raises an alert.",
        ("11.10(a)", "11.300(d)"), ("11", "13"), (),
        ("AWS::Config::ConfigurationRecorder",), config.compliance_changes_forwarded,
    ),
    Control(
        "GXP-CFG-04",
        "Configuration history kept in the log archive",
        "Config history and snapshots are delivered, KMS-encrypted, to the log-archive account.",
        ("11.10(e)", "11.10(k)"), ("10", "4.3"), ("3.1.3",),
        ("AWS::Config::DeliveryChannel",), config.delivered_to_log_archive,
    ),
    Control(
        "GXP-CFG-05",
        "Organization-wide compliance view",
        "The audit account aggregates Config data from every account and region of the organization.",
        ("11.10(a)",), ("11", "4.3"), (),
        ("AWS::Config::ConfigurationAggregator",), config.aggregates_organization,
    ),
    Control(
        "GXP-ALERT-01",
        "Encrypted compliance alerts",
        "Compliance alerts go through a KMS-encrypted SNS topic.",
        ("11.300(d)", "11.10(c)"), ("13",), (),
        ("AWS::SNS::Topic",), sns.kms_encrypted, "SNS_ENCRYPTED_KMS",
    ),
    # -- organization guardrails ------------------------------------------------------------------
    Control(
        "GXP-SCP-01",
        "Audit trail cannot be stopped",
        "An SCP denies stopping, changing or deleting CloudTrail and AWS Config in member accounts.",
        ("11.10(e)",), ("9", "10"), ("3.1.1",),
        ("AWS::Organizations::OrganizationalUnit",), organizations.deny_audit_tampering,
    ),
    Control(
        "GXP-SCP-02",
        "Log archive cannot be weakened",
        "An SCP denies deleting or loosening the log-archive buckets.",
        ("11.10(c)", "11.10(e)"), ("7.1", "17"), ("3.1.3",),
        ("AWS::Organizations::OrganizationalUnit",), organizations.deny_log_archive_tampering,
    ),
    Control(
        "GXP-SCP-03",
        "Regulated keys cannot be destroyed",
        "In the Regulated OU an SCP denies scheduling key deletion and disabling rotation.",
        ("11.10(c)",), ("7.1",), ("3.1.3",),
        ("AWS::Organizations::OrganizationalUnit",), organizations.deny_key_destruction_in_regulated,
    ),
    Control(
        "GXP-SCP-04",
        "No root user, no leaving the organization",
        "An SCP denies every action by a member account's root user and leaving the organization.",
        ("11.10(d)", "11.10(g)", "11.300(a)"), ("12.1",), (),
        ("AWS::Organizations::OrganizationalUnit",), organizations.deny_root_and_leaving,
    ),
    Control(
        "GXP-SCP-05",
        "Only allowed regions",
        "An SCP denies regional actions outside the regions the config allows.",
        ("11.10(d)",), ("1", "7.1"), (),
        ("AWS::Organizations::OrganizationalUnit",), organizations.deny_outside_allowed_regions,
    ),
    Control(
        "GXP-SCP-06",
        "Regulated data placed only in its jurisdiction",
        "An SCP on each regulated account denies creating buckets, tables, volumes, instances, databases, training jobs and genomics stores outside the regions of the account's jurisdiction.",
        (), ("1", "7.1"), ("3.1.3",),
        ("AWS::Organizations::OrganizationalUnit",), organizations.keep_data_in_jurisdiction,
    ),
    Control(
        "GXP-RES-01",
        "Data residency",
        "Every stateful resource sits in an allowed region, and a regulated account's resources stay in its jurisdiction (EU in the EU, JP in Japan).",
        (), ("1", "7.1"), ("3.1.3",),
        STATEFUL_TYPES, residency.region_allowed_and_in_jurisdiction,
    ),
    # -- access -----------------------------------------------------------------------------------
    Control(
        "GXP-IAM-01",
        "No IAM users",
        "People reach accounts only through IAM Identity Center with their own identity; the estate defines no IAM users.",
        ("11.10(d)", "11.10(g)", "11.300(a)"), ("12.1", "12.3"), ("3.1.1",),
        ("AWS::IAM::User",), iam.no_iam_users, "IAM_USER_NO_POLICIES_CHECK",
    ),
    Control(
        "GXP-IAM-02",
        "Limited session length",
        "Every permission set has an explicit session duration of at most 12 hours.",
        ("11.10(d)", "11.300(d)"), ("12.1",), (),
        ("AWS::SSO::PermissionSet",), iam.session_limited,
    ),
    Control(
        "GXP-IAM-03",
        "Auditors cannot change what they audit",
        "The auditor permission set holds only read-only policies.",
        ("11.10(d)", "11.10(g)"), ("12.1", "2"), (),
        ("AWS::SSO::PermissionSet",), iam.auditor_read_only,
    ),
)


