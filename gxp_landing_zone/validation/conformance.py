"""The deployed-state half of the controls: an AWS Config conformance pack generated from the
control registry, compared rule by rule with AWS's "Operational Best Practices for FDA 21 CFR
Part 11" pack (reference/aws_fda_21cfr_part11_pack.csv, 129 rules).

Every control that names an AWS Config managed rule becomes a pack rule; every rule of AWS's
pack that checks a resource type this product deploys is added too, with the Part 11 clauses
the public mappings give it. Rules of AWS's pack left out are listed with the reason
(``left_out()``), and docs/continuous-compliance.md shows that table. Rule names start with ``part11-`` so the
audit account can recognise them; the control IDs and clauses travel in each rule's
description and in the alert the audit bus sends (AuditStack).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..controls.configuration.baseline_rules import PASSWORD_POLICY as IAM_PASSWORD_POLICY
from ..controls.model import Control
from ..controls.registry import all_controls

CONTROLS = all_controls()

AWS_PACK_CSV = Path(__file__).parent / "reference" / "aws_fda_21cfr_part11_pack.csv"
RULE_PREFIX = "part11-"
PACK_NAME = "gxp-part11-annex11"

# Rules that run on a schedule rather than on configuration changes (AWS's pack does the same).
PERIODIC = {
    "ACCESS_KEYS_ROTATED", "ACCOUNT_PART_OF_ORGANIZATIONS", "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED",
    "CLOUD_TRAIL_ENABLED", "CLOUD_TRAIL_ENCRYPTION_ENABLED", "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
    "CLOUDTRAIL_S3_DATAEVENTS_ENABLED", "CLOUDTRAIL_SECURITY_TRAIL_ENABLED", "CMK_BACKING_KEY_ROTATION_ENABLED",
    "EC2_EBS_ENCRYPTION_BY_DEFAULT", "IAM_PASSWORD_POLICY", "IAM_ROOT_ACCESS_KEY_CHECK",
    "IAM_USER_MFA_ENABLED", "IAM_USER_UNUSED_CREDENTIALS_CHECK", "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
    "MULTI_REGION_CLOUD_TRAIL_ENABLED", "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED", "ROOT_ACCOUNT_MFA_ENABLED",
    "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC", "KMS_CMK_NOT_SCHEDULED_FOR_DELETION",
}

# Parameters, where the rule needs or benefits from them (values as AWS's own pack or stricter).
PARAMETERS: dict[str, dict[str, str]] = {
    "ACCESS_KEYS_ROTATED": {"maxAccessKeyAge": "90"},
    "IAM_USER_UNUSED_CREDENTIALS_CHECK": {"maxCredentialUsageAge": "90"},
    "IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS": {"blockedActionsPatterns": "kms:Decrypt,kms:ReEncryptFrom"},
    "IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS": {"blockedActionsPatterns": "kms:Decrypt,kms:ReEncryptFrom"},
    "S3_BUCKET_DEFAULT_LOCK_ENABLED": {"mode": "COMPLIANCE"},
    "IAM_PASSWORD_POLICY": IAM_PASSWORD_POLICY,
}

# AWS pack rules for resource types this product does not deploy, by name prefix, with the
# CloudFormation types whose absence makes that true (tests/test_conformance.py checks every
# synthesized template, so a new stack that deploys one of them fails until this list changes).
NOT_DEPLOYED = {
    "alb-": ("Application Load Balancers", ("AWS::ElasticLoadBalancingV2::LoadBalancer",)),
    "elb-": ("load balancers", ("AWS::ElasticLoadBalancing::LoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer")),
    "elbv2-": ("load balancers", ("AWS::ElasticLoadBalancingV2::LoadBalancer",)),
    "autoscaling-": ("EC2 Auto Scaling groups or launch configurations", ("AWS::AutoScaling::AutoScalingGroup", "AWS::AutoScaling::LaunchConfiguration")),
    "db-instance-": ("RDS databases", ("AWS::RDS::DBInstance",)),
    "rds-": ("RDS databases", ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")),
    "dms-": ("DMS replication instances", ("AWS::DMS::ReplicationInstance",)),
    "ebs-snapshot-": ("EBS snapshots", ()),
    "ecs-": ("ECS task definitions", ("AWS::ECS::TaskDefinition",)),
    "efs-": ("EFS file systems", ("AWS::EFS::FileSystem",)),
    "elasticache-": ("ElastiCache clusters", ("AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ReplicationGroup")),
    "elasticsearch-": ("OpenSearch domains", ("AWS::Elasticsearch::Domain", "AWS::OpenSearchService::Domain")),
    "opensearch-": ("OpenSearch domains", ("AWS::OpenSearchService::Domain",)),
    "emr-": ("EMR clusters", ("AWS::EMR::Cluster",)),
    "kinesis-": ("Kinesis streams", ("AWS::Kinesis::Stream",)),
    "redshift-": ("Redshift clusters", ("AWS::Redshift::Cluster",)),
    "sagemaker-": ("SageMaker endpoints or notebooks", ("AWS::SageMaker::EndpointConfig", "AWS::SageMaker::NotebookInstance")),
    "secretsmanager-": ("Secrets Manager secrets", ("AWS::SecretsManager::Secret",)),
    "ssm-": ("Systems Manager documents", ("AWS::SSM::Document",)),
    "vpc-vpn-": ("VPN connections", ("AWS::EC2::VPNConnection",)),
}
# AWS pack rules that check something this product deploys, left out on purpose.
DELIBERATELY_LEFT_OUT = {
    "s3-bucket-replication-enabled": (
        "Identified records and audit logs must stay in their jurisdiction (GXP-REC-03/04) and each has one "
        "region; the rule would flag every such bucket. Replication of de-identified classes is checked by GXP-REC-04"
    ),
    "lambda-inside-vpc": (
        "The e-signature functions call only regional AWS APIs, and CDK's deployment-time custom-resource "
        "provider makes one account-settings call; both are accepted deviations in the deviation log"
    ),
    "iam-no-inline-policy-check": (
        "The deployment-time custom-resource provider carries CDK's inline policy (accepted deviation); "
        "every policy this product writes is a managed policy"
    ),
    "api-gw-cache-enabled-and-encrypted": (
        "The signature API has no cache on purpose: list and verify must never answer from a stale copy of the ledger"
    ),
    "api-gw-ssl-enabled": (
        "Checks for a client certificate toward an HTTP back end; the signature API's back ends are Lambda functions"
    ),
    "dynamodb-autoscaling-enabled": "The ledger table uses on-demand capacity; there is no provisioned capacity to scale",
    "ebs-in-backup-plan": "Batch instances are disposable: jobs keep inputs, checkpoints and outputs in S3, never on EBS",
    "ec2-resources-protected-by-backup-plan": "As ebs-in-backup-plan",
    "ec2-instance-managed-by-systems-manager": (
        "Batch instances are replaced, not administered: they live for one queue's work and are rebuilt from the "
        "launch template"
    ),
    "ec2-managedinstance-association-compliance-status-check": "As ec2-instance-managed-by-systems-manager",
    "ec2-managedinstance-patch-compliance-status-check": (
        "Batch instances are patched by replacing their image, not in place; see ec2-instance-managed-by-systems-manager"
    ),
    "ecr-private-lifecycle-policy-configured": (
        "Images used in validated runs are kept so a run can be reproduced; an expiry policy would delete them"
    ),
    "guardduty-enabled-centralized": "GuardDuty is not deployed by this product yet; enable it from the audit account",
    "securityhub-enabled": "Security Hub is not deployed by this product yet; enable it from the audit account",
}
# AWS pack rule names whose check is the same managed rule as another entry here.
SAME_AS = {"iam-password-policy-2": "iam-password-policy"}


@dataclass(frozen=True)
class AwsPackRule:
    name: str
    source_identifier: str
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class PackRule:
    name: str
    source_identifier: str
    controls: tuple[str, ...]
    part11: tuple[str, ...]
    annex11: tuple[str, ...] = ()
    aws_pack_names: tuple[str, ...] = ()
    parameters: dict = field(default_factory=dict)

    @property
    def description(self) -> str:
        who = ", ".join(self.controls) or "AWS FDA Part 11 pack rule"
        text = f"{who} | 21 CFR {', '.join(self.part11) or '-'}"
        if self.annex11:
            text += f" | Annex 11 {', '.join(self.annex11)}"
        return text[:256]


@lru_cache(maxsize=None)
def aws_pack() -> tuple[AwsPackRule, ...]:
    with AWS_PACK_CSV.open(encoding="utf-8") as f:
        return tuple(
            AwsPackRule(row["config_rule_name_in_pack"], row["source_identifier"],
                        tuple(c for c in row["union"].split(";") if c))
            for row in csv.DictReader(f)
        )


def scope_of(rule: AwsPackRule) -> str | None:
    """None if the rule applies to what this product deploys, otherwise why it is left out."""
    if rule.name in DELIBERATELY_LEFT_OUT:
        return DELIBERATELY_LEFT_OUT[rule.name]
    for prefix, (what, _types) in NOT_DEPLOYED.items():
        if rule.name.startswith(prefix):
            return f"Not applicable: this product deploys no {what}"
    return None


def _name_for(source_identifier: str) -> str:
    in_pack = [r.name for r in aws_pack() if r.source_identifier == source_identifier and r.name not in SAME_AS]
    return in_pack[0] if in_pack else source_identifier.lower().replace("_", "-")


def pack_rules(controls: tuple[Control, ...] = CONTROLS) -> list[PackRule]:
    """One Config rule per managed rule: the registry's first, then AWS's applicable pack rules."""
    by_source: dict[str, list[Control]] = {}
    for control in controls:
        if control.config_rule:
            by_source.setdefault(control.config_rule, []).append(control)
    aws_by_source: dict[str, list[AwsPackRule]] = {}
    for rule in aws_pack():
        if scope_of(rule) is None:
            aws_by_source.setdefault(rule.source_identifier, []).append(rule)
    rules = []
    for source in sorted(set(by_source) | set(aws_by_source)):
        serving = by_source.get(source, [])
        aws = aws_by_source.get(source, [])
        part11 = sorted({c for ctl in serving for c in ctl.part11} | {c for r in aws for c in r.clauses}, key=_clause_key)
        annex11 = sorted({c for ctl in serving for c in ctl.annex11}, key=_clause_key)
        rules.append(
            PackRule(
                name=RULE_PREFIX + _name_for(source),
                source_identifier=source,
                controls=tuple(c.id for c in serving),
                part11=tuple(part11),
                annex11=tuple(annex11),
                aws_pack_names=tuple(r.name for r in aws),
                parameters=PARAMETERS.get(source, {}),
            )
        )
    return rules


def _clause_key(clause: str):
    return [int(p) if p.isdigit() else p for p in clause.replace("(", ".").replace(")", "").split(".")]


def template_body(rules: list[PackRule], *, cloudwatch_retention_days: int) -> str:
    """The conformance pack as a CloudFormation template (JSON is valid YAML)."""
    resources = {}
    for rule in rules:
        parameters = dict(rule.parameters)
        if rule.source_identifier == "CW_LOGGROUP_RETENTION_PERIOD_CHECK":
            parameters["MinRetentionTime"] = str(cloudwatch_retention_days)
        properties = {
            "ConfigRuleName": rule.name,
            "Description": rule.description,
            "Source": {"Owner": "AWS", "SourceIdentifier": rule.source_identifier},
        }
        if parameters:
            properties["InputParameters"] = parameters
        if rule.source_identifier in PERIODIC:
            properties["MaximumExecutionFrequency"] = "TwentyFour_Hours"
        logical_id = "".join(part.capitalize() for part in rule.name.split("-"))
        resources[logical_id] = {"Type": "AWS::Config::ConfigRule", "Properties": properties}
    return json.dumps({"Resources": resources}, indent=1, sort_keys=True)


@dataclass(frozen=True)
class Coverage:
    covered: list[tuple[AwsPackRule, str]]  # (AWS rule, our pack rule name)
    left_out: list[tuple[AwsPackRule, str]]  # (AWS rule, reason)
    added: list[PackRule]  # our rules with no counterpart in AWS's pack


def coverage(controls: tuple[Control, ...] = CONTROLS) -> Coverage:
    ours = {r.source_identifier: r for r in pack_rules(controls)}
    covered, left_out = [], []
    for rule in aws_pack():
        reason = scope_of(rule)
        if reason is None and rule.source_identifier in ours:
            covered.append((rule, ours[rule.source_identifier].name))
        else:
            left_out.append((rule, reason or "not generated"))
    added = [r for r in ours.values() if not r.aws_pack_names]
    return Coverage(covered, left_out, added)


def coverage_markdown(controls: tuple[Control, ...] = CONTROLS) -> str:
    """The coverage table: which of AWS's 129 rules the generated pack covers and why the rest are out."""
    cov = coverage(controls)
    lines = [
        f"Generated pack: {len(pack_rules(controls))} rules. Of the {len(aws_pack())} rules of AWS's FDA 21 CFR Part 11 "
        f"pack, {len(cov.covered)} are covered and {len(cov.left_out)} left out "
        f"({sum(1 for _, why in cov.left_out if why.startswith('Not applicable'))} check resource types this "
        f"product does not deploy, {sum(1 for _, why in cov.left_out if not why.startswith('Not applicable'))} "
        "deliberately). Added beyond AWS's pack: "
        + (", ".join(f"`{r.name}` ({', '.join(r.controls)})" for r in cov.added) or "none")
        + ".",
        "",
        "| AWS pack rule | in the generated pack as | controls |",
        "|---|---|---|",
    ]
    ours = {r.name: r for r in pack_rules(controls)}
    for rule, name in cov.covered:
        lines.append(f"| `{rule.name}` | `{name}` | {', '.join(ours[name].controls) or '-'} |")
    lines += ["", "| AWS pack rule left out | why |", "|---|---|"]
    for rule, why in cov.left_out:
        lines.append(f"| `{rule.name}` | {why} |")
    return "\n".join(lines) + "\n"


# -- alerts: the control and clause travel with every compliance change ------------------------

# Bucket and key API calls that could weaken a regulated record's protection (CloudTrail management events).
RECORD_BUCKET_EVENTS = [
    "PutBucketPolicy", "DeleteBucketPolicy", "PutBucketObjectLockConfiguration", "PutBucketVersioning",
    "PutBucketLifecycle", "PutBucketLifecycleConfiguration", "DeleteBucketLifecycle", "PutBucketReplication",
    "DeleteBucketReplication", "PutBucketEncryption", "DeleteBucketEncryption", "PutBucketLogging",
    "PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock", "DeleteBucket",
]
KEY_EVENTS = [
    "DisableKey", "ScheduleKeyDeletion", "PutKeyPolicy", "DisableKeyRotation", "DeleteAlias", "UpdateAlias",
    "CreateGrant", "RetireGrant", "RevokeGrant",
]
TRAIL_EVENTS = ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors"]
RECORD_CHANGE_CONTROLS = ("GXP-REC-01", "GXP-REC-02", "GXP-REC-04", "GXP-REC-06", "GXP-S3-05", "GXP-KEY-02")
TRAIL_CHANGE_CONTROLS = ("GXP-TRAIL-01", "GXP-TRAIL-02", "GXP-TRAIL-03", "GXP-TRAIL-04", "GXP-TRAIL-05", "GXP-SCP-01")


def _api_call(source: str, detail: dict) -> dict:
    return {"source": [source], "detail-type": ["AWS API Call via CloudTrail"], "detail": detail}


def record_change_patterns(records_bucket_prefix: str) -> dict[str, dict]:
    return {
        "buckets": _api_call(
            "aws.s3", {"eventName": RECORD_BUCKET_EVENTS, "requestParameters": {"bucketName": [{"prefix": records_bucket_prefix}]}}
        ),
        "keys": _api_call("aws.kms", {"eventName": KEY_EVENTS}),
    }


def trail_change_pattern() -> dict:
    return _api_call("aws.cloudtrail", {"eventName": TRAIL_EVENTS})


def _clauses_text(part11, annex11=()) -> str:
    text = f"21 CFR {', '.join(part11)}" if part11 else ""
    if annex11:
        text += f"; Annex 11 {', '.join(annex11)}"
    return text


def pack_alert_routes(controls: tuple[Control, ...] = CONTROLS) -> list[dict]:
    """Per pack rule, the alert a non-compliant evaluation raises (the AuditStack routes them)."""
    return [
        dict(
            id="".join(p.capitalize() for p in rule.name.split("-")) + "Alert",
            description=f"{rule.description} - non-compliant",
            controls=", ".join(rule.controls) or "AWS FDA Part 11 pack",
            clauses=_clauses_text(rule.part11, rule.annex11),
            source=("aws.config",),
            detail_type=("Config Rules Compliance Change",),
            detail={
                # Config appends "-conformance-pack-<id>" in each account; no pack rule name is a
                # prefix of another (tested), so the bare name matches exactly one rule.
                "configRuleName": [{"prefix": rule.name}],
                "newEvaluationResult": {"complianceType": ["NON_COMPLIANT"]},
            },
        )
        for rule in pack_rules(controls)
    ]


def _serving(ids: tuple[str, ...], controls: tuple[Control, ...]) -> dict:
    known = {c.id: c for c in controls}
    serving = [known[c] for c in ids if c in known]
    part11 = sorted({c for ctl in serving for c in ctl.part11}, key=_clause_key)
    annex11 = sorted({c for ctl in serving for c in ctl.annex11}, key=_clause_key)
    return {"controls": ", ".join(c.id for c in serving), "clauses": _clauses_text(part11, annex11)}


def change_alert_routes(records_bucket_prefix: str, controls: tuple[Control, ...] = CONTROLS) -> list[dict]:
    records = _serving(RECORD_CHANGE_CONTROLS, controls)
    patterns = record_change_patterns(records_bucket_prefix)
    trail = trail_change_pattern()

    def route(id, description, pattern, serving):
        return dict(
            id=id, description=description, source=tuple(pattern["source"]),
            detail_type=tuple(pattern["detail-type"]), detail=pattern["detail"], **serving,
        )

    return [
        route("RecordBucketChangedAlert", "A regulated record bucket's protection was changed",
              patterns["buckets"], records),
        route("RecordKeyChangedAlert", "A KMS key in a regulated account was disabled, scheduled for deletion or re-permissioned",
              patterns["keys"], records),
        route("TrailChangedAlert", "The organization trail was stopped, deleted or reconfigured",
              trail, _serving(TRAIL_CHANGE_CONTROLS, controls)),
    ]


README_BEGIN = "<!-- conformance-coverage:begin -->"
README_END = "<!-- conformance-coverage:end -->"


def update_readme(path: str = "docs/continuous-compliance.md") -> None:
    """Rewrite the coverage table between the markers in docs/continuous-compliance.md: `python -m gxp_landing_zone.validation.conformance`."""
    from pathlib import Path

    readme = Path(path)
    text = readme.read_text(encoding="utf-8")
    before, rest = text.split(README_BEGIN, 1)
    _, after = rest.split(README_END, 1)
    readme.write_text(f"{before}{README_BEGIN}\n{coverage_markdown().strip()}\n{README_END}{after}", encoding="utf-8")


if __name__ == "__main__":
    update_readme()
