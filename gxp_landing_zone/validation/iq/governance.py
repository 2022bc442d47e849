"""IQ checks: Estate governance: identity, key policies, log groups, Config rules and aggregation, alerts, retention of stateful resources and data residency.

Registered with ``iq_check`` from checks.py, which imports this module at its end.

Where each thing is looked for mirrors estate.py ``build_estate`` and the stack that deploys it;
how it is judged mirrors the control's synthesis rule (validation/rules/), reusing the rule's
constants so a rule and its IQ check cannot drift apart."""

from __future__ import annotations

import json

from ...config import AccountKind
from ...config.regions import REGION_JURISDICTION
from ...constructs.config_recorder import BASELINE_RULES
from ...constructs.permission_sets import specs as permission_set_specs
from ...naming import TRAIL_LOGS_KEY_ALIAS
from ..controls import STATEFUL_TYPES
from ..rules._read import as_list, principal_is_anyone, statements
from ..rules.context import RuleContext
from ..rules.iam import AUDITOR_PERMISSION_SET, READ_ONLY_MANAGED_POLICIES, READ_VERBS
from ..rules.kms import DECRYPTING, DESTROYING
from .checks import ALL_KINDS, CheckResult, _pick, _this_account, call, iq_check, result

# Literal names in the stacks (stacks/audit.py, signatures/infrastructure.py, stacks/compute.py);
# naming.py does not hold them and this module may not change the stacks.
AUDIT_ALERTS_KEY_ALIAS = "alias/gxp/audit-alerts"
ALERT_TOPIC_NAME = "gxp-compliance-alerts"
AGGREGATOR_NAME = "gxp-organization"
BATCH_JOB_LOG_GROUP = "/gxp/batch/jobs"
ESTATE_KEY_ALIAS_PREFIX = "alias/gxp/"
ROLE_TAG = "gxp:account-role"
# CloudFormation keeps the resource on stack deletion / replacement with either value (rules/retention.py).
KEPT = ("Retain", "RetainExceptOnCreate")

MANAGEMENT = {AccountKind.MANAGEMENT}
AUDIT = {AccountKind.AUDIT}

# Every control in this area has a deployed-state check; kept for the report's completeness.
NO_DEPLOYED_STATE_CHECK: dict[str, str] = {}


def _runs_compute(config, account) -> bool:
    return account.kind in (AccountKind.REGULATED, AccountKind.RESEARCH) and config.compute_settings(account).enabled


def _in_workload_region(config, account, region: str) -> bool:
    return region in config.workload_regions(account)


# -- GXP-TRAIL-05: record reads and writes logged (management account, home region) -------------


def _field_values(field: dict) -> list:
    return field.get("Equals") or []


def _advanced_covers_records(selector: dict, prefix: str) -> bool:
    """As rules/cloudtrail.records_data_events: Data events on S3 objects, on an ARN prefix that
    covers every record bucket (or on all buckets), for reads and writes (no readOnly field)."""
    fields = {f.get("Field"): f for f in selector.get("FieldSelectors") or []}
    arn = fields.get("resources.ARN")
    covers = arn is None or any(prefix.startswith(p.removeprefix("arn:aws:s3:::")) for p in arn.get("StartsWith") or [])
    return (
        "Data" in _field_values(fields.get("eventCategory", {}))
        and "AWS::S3::Object" in _field_values(fields.get("resources.type", {}))
        and covers
        and "readOnly" not in fields
    )


def _basic_covers_records(selector: dict, prefix: str) -> bool:
    if selector.get("ReadWriteType", "All") != "All":
        return False
    for resource in selector.get("DataResources") or []:
        values = resource.get("Values") or []
        # "arn:aws:s3" is CloudTrail's value for every bucket of the account.
        if resource.get("Type") == "AWS::S3::Object" and ("arn:aws:s3" in values or any(prefix in v for v in values)):
            return True
    return False


@iq_check("GXP-TRAIL-05", MANAGEMENT)
def check_record_data_events(session, config, names) -> list[CheckResult]:
    prefix = names.records_bucket_prefix()
    expected = f"an event selector logging S3 object data events, read and write, on every bucket named {prefix}*"
    resp, err = call(session.client("cloudtrail").get_event_selectors, TrailName=names.trail_name)
    if err:
        return [result("GXP-TRAIL-05", names.trail_name, expected, err, False)]
    advanced, basic = resp.get("AdvancedEventSelectors") or [], resp.get("EventSelectors") or []
    matching = [s for s in advanced if _advanced_covers_records(s, prefix)] + [
        s for s in basic if _basic_covers_records(s, prefix)
    ]
    observed = matching[0] if matching else {"AdvancedEventSelectors": advanced, "EventSelectors": basic}
    return [result("GXP-TRAIL-05", names.trail_name, expected, observed, bool(matching))]


# -- GXP-KEY-02: key policy least privilege (every account, where its stacks make keys) ----------


def _expected_key_aliases(config, names, account, region: str) -> list[str]:
    """The ManagedKey aliases the estate's stacks create in this account and region."""
    if not _in_workload_region(config, account, region):
        return []
    by_kind = {
        AccountKind.LOG_ARCHIVE: [names.log_archive_key_alias],
        AccountKind.MANAGEMENT: [TRAIL_LOGS_KEY_ALIAS],
        AccountKind.AUDIT: [AUDIT_ALERTS_KEY_ALIAS],
        AccountKind.REGULATED: [names.records_key_alias(d.name) for d in config.data_classes]
        + [names.signature_key_alias()],
    }
    aliases = list(by_kind.get(account.kind, []))
    if _runs_compute(config, account):
        aliases.append(names.compute_key_alias)
    return aliases


def _estate_aliases(session) -> tuple[dict[str, str], str | None]:
    """alias name -> target key ID for every alias under alias/gxp/."""
    found: dict[str, str] = {}
    kms = session.client("kms")
    kwargs: dict = {}
    while True:
        page, err = call(kms.list_aliases, **kwargs)
        if err:
            return found, err
        for alias in page.get("Aliases", []):
            if alias["AliasName"].startswith(ESTATE_KEY_ALIAS_PREFIX) and alias.get("TargetKeyId"):
                found[alias["AliasName"]] = alias["TargetKeyId"]
        if not page.get("Truncated"):
            return found, None
        kwargs = {"Marker": page["NextMarker"]}


def key_policy_findings(document: dict) -> list[str]:
    """What rules/kms.key_policy_least_privilege would refuse in this policy, statement by statement."""
    findings = []
    for index, statement in enumerate(statements(document)):
        if statement.get("Effect") != "Allow":
            continue
        sid = statement.get("Sid") or f"statement {index}"
        actions = set(as_list(statement.get("Action")))
        if actions & DESTROYING:
            findings.append(f"{sid} allows {sorted(actions & DESTROYING)}")
        if actions & DECRYPTING and principal_is_anyone(statement):
            findings.append(f"{sid} lets any principal use {sorted(actions & DECRYPTING)}")
    return findings


@iq_check("GXP-KEY-02", ALL_KINDS, regions="workload")
def check_key_policy_least_privilege(session, config, names) -> list[CheckResult]:
    account = _this_account(session, config)
    wanted = _expected_key_aliases(config, names, account, session.region_name)
    expected = "no Allow of ScheduleKeyDeletion, DisableKeyRotation, Disable* or kms:*; no wildcard principal may decrypt"
    found, err = _estate_aliases(session)
    if err:
        return [result("GXP-KEY-02", "KMS aliases", expected, err, False)]
    # Any other key under the estate's alias prefix is judged too: it is the estate's key.
    aliases = wanted + sorted(a for a in found if a not in wanted)
    kms = session.client("kms")
    out = []
    for alias in aliases:
        if alias not in found:
            out.append(result("GXP-KEY-02", alias, expected, "alias not found", False))
            continue
        resp, err = call(kms.get_key_policy, KeyId=found[alias], PolicyName="default")
        if err:
            out.append(result("GXP-KEY-02", alias, expected, err, False))
            continue
        document = json.loads(resp["Policy"])
        findings = key_policy_findings(document)
        observed = findings or {"KeyId": found[alias], "Allow": [s.get("Sid") for s in statements(document) if s.get("Effect") == "Allow"]}
        out.append(result("GXP-KEY-02", alias, expected, observed, not findings))
    return out


# -- GXP-LOG-01: audit log groups encrypted and retained --------------------------------------------


def _named_log_groups(config, names, account, region: str) -> list[str]:
    """Log groups the stacks name; the others (Lambda, API, flow logs) have generated names and
    are found by the account-role tag every GxpStack puts on its resources."""
    if not _in_workload_region(config, account, region):
        return []
    named = []
    if account.kind is AccountKind.MANAGEMENT:
        named.append(f"/gxp/cloudtrail/{names.trail_name}")  # constructs/organization_trail.py
    if account.kind is AccountKind.REGULATED:
        named.append(f"aws-waf-logs-gxp-esignatures-{region}")  # signatures/infrastructure.py
    if _runs_compute(config, account):
        named.append(BATCH_JOB_LOG_GROUP)
    return named


def _log_groups(session) -> tuple[list[dict], str | None]:
    logs = session.client("logs")
    groups, kwargs = [], {}
    while True:
        page, err = call(logs.describe_log_groups, **kwargs)
        if err:
            return groups, err
        groups.extend(page.get("logGroups", []))
        if not page.get("nextToken"):
            return groups, None
        kwargs = {"nextToken": page["nextToken"]}


@iq_check("GXP-LOG-01", {AccountKind.MANAGEMENT, AccountKind.REGULATED, AccountKind.RESEARCH}, regions="workload")
def check_log_groups(session, config, names) -> list[CheckResult]:
    account = _this_account(session, config)
    named = _named_log_groups(config, names, account, session.region_name)
    if not named:
        return []  # the config gives this account no log groups in this region
    days = config.audit_log.cloudwatch_retention_days
    expected = f"kmsKeyId set; retentionInDays >= {days} (or never expire)"
    groups, err = _log_groups(session)
    if err:
        return [result("GXP-LOG-01", "log groups", expected, err, False)]
    logs = session.client("logs")
    judged: dict[str, dict] = {}
    for group in groups:
        arn = group.get("arn", "").removesuffix(":*")
        tags, terr = call(logs.list_tags_for_resource, resourceArn=arn)
        if group["logGroupName"] in named or (not terr and tags.get("tags", {}).get(ROLE_TAG) == account.role):
            judged[group["logGroupName"]] = group
    out = [result("GXP-LOG-01", name, expected, "log group not found", False) for name in named if name not in judged]
    for name, group in sorted(judged.items()):
        retention = group.get("retentionInDays")
        ok = bool(group.get("kmsKeyId")) and (retention is None or retention >= days)
        out.append(result("GXP-LOG-01", name, expected, _pick(group, "kmsKeyId", "retentionInDays"), ok))
    return out


# -- AWS Config: baseline rules, forwarding, aggregation ---------------------------------------------


def _baseline_rules(config, region: str) -> list:
    """constructs/config_recorder.py: global-resource rules only where global types are recorded (home)."""
    home = region == config.home_region
    return [r for r in BASELINE_RULES if home or not r.global_resources]


def _parameters(rule: dict) -> dict | None:
    try:
        return json.loads(rule.get("InputParameters") or "{}")
    except ValueError:
        return None


@iq_check("GXP-CFG-02", ALL_KINDS, regions="all")
def check_baseline_config_rules(session, config, names) -> list[CheckResult]:
    wanted = _baseline_rules(config, session.region_name)
    expected = f"{len(wanted)} AWS-managed rules gxp-<name> with their source identifiers and parameters, ACTIVE"
    client = session.client("config")
    deployed, kwargs = {}, {}
    while True:
        page, err = call(client.describe_config_rules, **kwargs)
        if err:
            return [result("GXP-CFG-02", "baseline Config rules", expected, err, False)]
        deployed.update({r["ConfigRuleName"]: r for r in page.get("ConfigRules", [])})
        if not page.get("NextToken"):
            break
        kwargs = {"NextToken": page["NextToken"]}
    missing = []
    for rule in wanted:
        found = deployed.get(f"gxp-{rule.name}")
        source = (found or {}).get("Source", {})
        if (
            not found
            or source.get("Owner") != "AWS"
            or source.get("SourceIdentifier") != rule.source_identifier
            or found.get("ConfigRuleState", "ACTIVE") != "ACTIVE"
            # A loosened parameter (e.g. a shorter minimum password) is drift of the rule itself.
            or (rule.input_parameters and _parameters(found) != rule.input_parameters)
        ):
            missing.append(f"gxp-{rule.name}")
    observed = {"missing_or_changed": missing, "deployed_gxp_rules": len([n for n in deployed if n.startswith("gxp-")])}
    return [result("GXP-CFG-02", "baseline Config rules", expected, observed, not missing)]


def _forwards_compliance(pattern_text: str | None) -> bool:
    try:
        pattern = json.loads(pattern_text or "{}")
    except ValueError:
        return False
    return "aws.config" in as_list(pattern.get("source"))


@iq_check("GXP-CFG-03", ALL_KINDS, regions="all")
def check_compliance_forwarding(session, config, names) -> list[CheckResult]:
    account = _this_account(session, config)
    bus, role = names.audit_bus_arn(), names.event_forwarder_role_arn(account.id)
    expected = f"an ENABLED rule on source aws.config with target {bus} via role {role}"
    events = session.client("events")
    rules, kwargs = [], {}
    while True:
        page, err = call(events.list_rules, **kwargs)
        if err:
            return [result("GXP-CFG-03", "EventBridge rules", expected, err, False)]
        rules.extend(page.get("Rules", []))
        if not page.get("NextToken"):
            break
        kwargs = {"NextToken": page["NextToken"]}
    seen = []
    for rule in rules:
        if not _forwards_compliance(rule.get("EventPattern")):
            continue
        targets, err = call(events.list_targets_by_rule, Rule=rule["Name"])
        found = [_pick(t, "Arn", "RoleArn") for t in (targets or {}).get("Targets", [])]
        seen.append({"Name": rule["Name"], "State": rule.get("State"), "Targets": err or found})
        if rule.get("State") == "ENABLED" and any(t["Arn"] == bus and t["RoleArn"] == role for t in found):
            return [result("GXP-CFG-03", rule["Name"], expected, seen[-1], True)]
    return [result("GXP-CFG-03", "compliance-change forwarding rule", expected, seen or "no rule on source aws.config", False)]


@iq_check("GXP-CFG-05", AUDIT)
def check_organization_aggregator(session, config, names) -> list[CheckResult]:
    expected = "OrganizationAggregationSource with AllAwsRegions true"
    resp, err = call(
        session.client("config").describe_configuration_aggregators, ConfigurationAggregatorNames=[AGGREGATOR_NAME]
    )
    aggregators = (resp or {}).get("ConfigurationAggregators", [])
    if err or not aggregators:
        return [result("GXP-CFG-05", AGGREGATOR_NAME, expected, err or "no aggregator", False)]
    source = aggregators[0].get("OrganizationAggregationSource") or {}
    observed = {"OrganizationAggregationSource": _pick(source, "AllAwsRegions", "AwsRegions") if source else None}
    return [result("GXP-CFG-05", AGGREGATOR_NAME, expected, observed, source.get("AllAwsRegions") is True)]


# -- GXP-ALERT-01: encrypted compliance alerts (audit account, home region) -----------------------


@iq_check("GXP-ALERT-01", AUDIT)
def check_alert_topic_encrypted(session, config, names) -> list[CheckResult]:
    topic = f"arn:aws:sns:{session.region_name}:{config.audit.id}:{ALERT_TOPIC_NAME}"
    expected = f"KmsMasterKeyId is the customer-managed key {AUDIT_ALERTS_KEY_ALIAS}"
    resp, err = call(session.client("sns").get_topic_attributes, TopicArn=topic)
    if err:
        return [result("GXP-ALERT-01", topic, expected, err, False)]
    key = resp.get("Attributes", {}).get("KmsMasterKeyId")
    meta, kerr = call(session.client("kms").describe_key, KeyId=AUDIT_ALERTS_KEY_ALIAS)
    # SNS reports the key as it was given: alias, alias ARN, key ID or key ARN.
    own = {AUDIT_ALERTS_KEY_ALIAS, f"arn:aws:kms:{session.region_name}:{config.audit.id}:{AUDIT_ALERTS_KEY_ALIAS}"}
    if meta:
        own |= {meta["KeyMetadata"]["KeyId"], meta["KeyMetadata"]["Arn"]}
    observed = {"KmsMasterKeyId": key, **({"alias": kerr} if kerr else {})}
    return [result("GXP-ALERT-01", topic, expected, observed, bool(key) and key in own)]


# -- Identity: IAM users (every account) and Identity Center permission sets (management) ----------


@iq_check("GXP-IAM-01", ALL_KINDS)
def check_no_iam_users(session, config, names) -> list[CheckResult]:
    # IAM is global: one look per account, from the home region.
    account = _this_account(session, config)
    iam = session.client("iam")
    users, kwargs = [], {}
    while True:
        page, err = call(iam.list_users, **kwargs)
        if err:
            return [result("GXP-IAM-01", f"IAM users of {account.id}", "no IAM users", err, False)]
        users.extend(u["UserName"] for u in page.get("Users", []))
        if not page.get("IsTruncated"):
            break
        kwargs = {"Marker": page["Marker"]}
    return [result("GXP-IAM-01", f"IAM users of {account.id}", "no IAM users", {"Users": users}, not users)]


def _permission_sets(session, config) -> tuple[dict[str, dict], str | None]:
    """name -> described permission set, for the Identity Center instance the config names."""
    sso, instance = session.client("sso-admin"), config.access.instance_arn
    arns, kwargs = [], {}
    while True:
        page, err = call(sso.list_permission_sets, InstanceArn=instance, **kwargs)
        if err:
            return {}, err
        arns.extend(page.get("PermissionSets", []))
        if not page.get("NextToken"):
            break
        kwargs = {"NextToken": page["NextToken"]}
    found = {}
    for arn in arns:
        described, err = call(sso.describe_permission_set, InstanceArn=instance, PermissionSetArn=arn)
        if err:
            return {}, err
        found[described["PermissionSet"]["Name"]] = described["PermissionSet"]
    return found, None


@iq_check("GXP-IAM-02", MANAGEMENT)
def check_session_duration(session, config, names) -> list[CheckResult]:
    limit = RuleContext.max_session_hours
    wanted = {s.name: f"PT{config.access.session_hours[s.key]}H" for s in permission_set_specs(names.records_bucket_prefix())}
    found, err = _permission_sets(session, config)
    if err:
        return [result("GXP-IAM-02", config.access.instance_arn, f"session durations {wanted}", err, False)]
    out = []
    for name in sorted(set(wanted) | set(found)):
        duration = (found.get(name) or {}).get("SessionDuration")
        hours = duration[2:-1] if duration and duration.startswith("PT") and duration.endswith("H") else ""
        within = hours.isdigit() and 1 <= int(hours) <= limit
        expected = f"SessionDuration {wanted[name]}" if name in wanted else f"SessionDuration PT1H..PT{limit}H"
        ok = within and (name not in wanted or duration == wanted[name])
        observed = {"SessionDuration": duration} if name in found else "permission set not found"
        out.append(result("GXP-IAM-02", name, expected, observed, ok))
    return out


@iq_check("GXP-IAM-03", MANAGEMENT)
def check_auditor_read_only(session, config, names) -> list[CheckResult]:
    expected = "only read-only AWS managed policies, no customer-managed policies, inline Allow of read actions only"
    found, err = _permission_sets(session, config)
    auditor = found.get(AUDITOR_PERMISSION_SET)
    if err or not auditor:
        return [result("GXP-IAM-03", AUDITOR_PERMISSION_SET, expected, err or "permission set not found", False)]
    sso, instance, arn = session.client("sso-admin"), config.access.instance_arn, auditor["PermissionSetArn"]
    managed, e1 = call(sso.list_managed_policies_in_permission_set, InstanceArn=instance, PermissionSetArn=arn)
    customer, e2 = call(sso.list_customer_managed_policy_references_in_permission_set, InstanceArn=instance, PermissionSetArn=arn)
    inline, e3 = call(sso.get_inline_policy_for_permission_set, InstanceArn=instance, PermissionSetArn=arn)
    errors = [e for e in (e1, e2, e3) if e]
    if errors:
        return [result("GXP-IAM-03", AUDITOR_PERMISSION_SET, expected, errors, False)]
    managed_arns = [p["Arn"] for p in managed.get("AttachedManagedPolicies", [])]
    references = customer.get("CustomerManagedPolicyReferences", [])
    document = json.loads(inline.get("InlinePolicy") or "{}")
    writes = [
        a
        for s in statements(document)
        if s.get("Effect") == "Allow"
        for a in as_list(s.get("Action"))
        if not READ_VERBS.match(a)
    ]
    not_read_only = [a for a in managed_arns if a not in READ_ONLY_MANAGED_POLICIES]
    observed = {"ManagedPolicies": managed_arns, "CustomerManagedPolicies": references, "InlineNonReadActions": writes}
    ok = not not_read_only and not references and not writes
    return [result("GXP-IAM-03", AUDITOR_PERMISSION_SET, expected, observed, ok)]


# -- GXP-RET-01: stateful resources retained (the deployed templates of this account and region) ----


def estate_stack_names(config, account, region: str) -> list[str]:
    """The stacks build_estate puts in this account and region, named <Component>-<role>-<region>."""
    # Imported here: the stacks pull in aws_cdk, which IQ needs only for this check.
    from ...stacks.access import AccessStack
    from ...stacks.audit import AuditStack
    from ...stacks.base import stack_id
    from ...stacks.baseline import BaselineStack
    from ...stacks.compliance import ComplianceStack
    from ...stacks.compute import ComputeStack
    from ...stacks.log_archive import LogArchiveStack
    from ...stacks.organization import OrganizationStack
    from ...stacks.records import RecordsStack
    from ...stacks.signatures import SignatureServiceStack

    home = region == config.home_region
    components = [BaselineStack]
    if home:
        components += {
            AccountKind.AUDIT: [AuditStack],
            AccountKind.LOG_ARCHIVE: [LogArchiveStack],
            AccountKind.MANAGEMENT: [OrganizationStack, AccessStack],
        }.get(account.kind, [])
    if account.kind is AccountKind.AUDIT:
        components.append(ComplianceStack)
    if account.kind is AccountKind.REGULATED and _in_workload_region(config, account, region):
        components += [RecordsStack, SignatureServiceStack]
    if _runs_compute(config, account) and _in_workload_region(config, account, region):
        components.append(ComputeStack)
    return sorted(stack_id(c.component, account, region) for c in components)


def _template(body) -> dict:
    # boto3 decodes a JSON template into a dict; a raw string is decoded here.
    return body if isinstance(body, dict) else json.loads(body)


@iq_check("GXP-RET-01", ALL_KINDS, regions="all")
def check_stateful_resources_retained(session, config, names) -> list[CheckResult]:
    account = _this_account(session, config)
    expected = f"every {', '.join(t.split('::')[-1] for t in STATEFUL_TYPES)} has DeletionPolicy and UpdateReplacePolicy Retain"
    cloudformation = session.client("cloudformation")
    out = []
    for stack in estate_stack_names(config, account, session.region_name):
        resp, err = call(cloudformation.get_template, StackName=stack)
        if err:
            out.append(result("GXP-RET-01", stack, expected, err, False))
            continue
        try:
            resources = _template(resp.get("TemplateBody")).get("Resources", {})
        except ValueError as exc:
            out.append(result("GXP-RET-01", stack, expected, f"template not JSON: {exc}", False))
            continue
        stateful = {k: r for k, r in resources.items() if r.get("Type") in STATEFUL_TYPES}
        not_kept = {
            k: _pick(r, "Type", "DeletionPolicy", "UpdateReplacePolicy")
            for k, r in stateful.items()
            if r.get("DeletionPolicy") not in KEPT or r.get("UpdateReplacePolicy") not in KEPT
        }
        observed = {"not_retained": not_kept} if not_kept else {"stateful_resources_retained": len(stateful)}
        out.append(result("GXP-RET-01", stack, expected, observed, not not_kept))
    return out


# -- GXP-RES-01: data residency of the account's buckets ----------------------------------------------


def _estate_buckets(config, names, account, region: str) -> list[str]:
    if not _in_workload_region(config, account, region):
        return []
    buckets = []
    if account.kind is AccountKind.LOG_ARCHIVE:
        buckets += [names.trail_bucket, names.config_bucket, names.access_log_bucket]
    if account.kind is AccountKind.REGULATED:
        buckets += [names.records_bucket(d.name, account.id, region) for d in config.data_classes]
        buckets += [
            names.records_access_log_bucket(account.id, region),
            names.signature_manifest_bucket(account.id, region),
            names.signature_access_log_bucket(account.id, region),
        ]
    if _runs_compute(config, account):
        buckets += [
            names.checkpoint_bucket(account.id, region),
            names.ml_artifact_bucket(account.id, region),
            names.compute_access_log_bucket(account.id, region),
        ]
    return buckets


def _bucket_region(location: dict) -> str:
    # S3 reports us-east-1 as no constraint, and eu-west-1 by its legacy name EU.
    constraint = location.get("LocationConstraint")
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(constraint, constraint)


@iq_check("GXP-RES-01", {AccountKind.LOG_ARCHIVE, AccountKind.REGULATED, AccountKind.RESEARCH}, regions="workload")
def check_data_residency(session, config, names) -> list[CheckResult]:
    account = _this_account(session, config)
    buckets = _estate_buckets(config, names, account, session.region_name)
    allowed = list(config.allowed_regions)
    if account.jurisdiction:
        allowed = [r for r in allowed if REGION_JURISDICTION.get(r) == account.jurisdiction]
    expected = (
        f"bucket located in {', '.join(allowed)}"
        + (f" (jurisdiction {account.jurisdiction})" if account.jurisdiction else "")
        + "; KMS keys and log groups are regional by construction: the stack's region is where they are"
    )
    out = []
    for bucket in buckets:
        resp, err = call(session.client("s3").get_bucket_location, Bucket=bucket)
        if err:
            out.append(result("GXP-RES-01", bucket, expected, err, False))
            continue
        region = _bucket_region(resp)
        out.append(result("GXP-RES-01", bucket, expected, {"LocationConstraint": resp.get("LocationConstraint"), "region": region}, region in allowed))
    return out
