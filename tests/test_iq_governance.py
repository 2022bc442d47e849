"""IQ for estate governance against moto: the organization trail's record data events, key
policies, audit log groups, the baseline Config rules and their forwarding to the audit account,
the organization aggregator and the alert topic, IAM users, Identity Center permission sets,
retention of stateful resources and bucket residency.

Every API is moto's except CloudFormation GetTemplate: moto's CloudFormation cannot be imported
here (it needs openapi_spec_validator, which is not installed). ``serve_templates`` answers
GetTemplate with the reference estate's synthesized templates (tests/__snapshots__/test_synth), so
GXP-RET-01 reads exactly what ``cdk deploy`` would have deployed. It patches the client call
rather than using a Stubber because the CLI builds its own boto3 session and a Stubber is bound to
one client and one call order.

The builders here are also called by the fixtures of tests/test_iq.py and tests/test_iq_workloads.py,
so those estates pass these checks too. This module imports those two only inside functions: they
import this one at their top."""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from gxp_landing_zone.config import load_config
from gxp_landing_zone.constructs.config_recorder import BASELINE_RULES, IAM_PASSWORD_POLICY
from gxp_landing_zone.constructs.managed_key import KEY_ADMIN_ACTIONS
from gxp_landing_zone.constructs.permission_sets import specs as permission_set_specs
from gxp_landing_zone.naming import TRAIL_LOGS_KEY_ALIAS, Names
from gxp_landing_zone.controls.audit_trail._log_groups import named_log_groups
from gxp_landing_zone.controls.configuration.aggregator import AGGREGATOR_NAME
from gxp_landing_zone.controls.configuration.alert_topic import ALERT_TOPIC_NAME
from gxp_landing_zone.controls.keys._keys import AUDIT_ALERTS_KEY_ALIAS, expected_aliases
from gxp_landing_zone.controls.registry import by_id
from gxp_landing_zone.controls.stateful_resources._residency import estate_bucket_names
from gxp_landing_zone.constructs.trail_review import ReviewedClass
from gxp_landing_zone.constructs.trail_review import queries as review_queries
from gxp_landing_zone.topology import backup_copy_region, stack_names as estate_stack_names
from gxp_landing_zone.validation.iq import run_iq
from tests.iq_review_estate import build_reports_bucket, build_scheduled_review, disable_schedule, let_the_review_query_anywhere

SNAPSHOTS = Path(__file__).resolve().parent / "__snapshots__" / "test_snapshots"
REGION = "us-east-1"
REFERENCE_CONFIG = Path(__file__).resolve().parent.parent / "config" / "reference.yaml"

# The governance checks that run, in the reference estate's home region, in each account role.
GOVERNANCE = {
    "log-archive": {"GXP-KEY-02", "GXP-CFG-02", "GXP-CFG-03", "GXP-IAM-01", "GXP-RET-01", "GXP-RES-01"},
    "management": {"GXP-TRAIL-05", "GXP-KEY-02", "GXP-LOG-01", "GXP-CFG-02", "GXP-CFG-03", "GXP-IAM-01",
                   "GXP-IAM-02", "GXP-IAM-03", "GXP-RET-01"},
    "audit": {"GXP-KEY-01", "GXP-KEY-02", "GXP-CFG-02", "GXP-CFG-03", "GXP-CFG-05", "GXP-ALERT-01", "GXP-ALERT-02",
              "GXP-IAM-01", "GXP-RET-01", "GXP-REV-01", "GXP-REV-02"},
    "regulated-us": {"GXP-KEY-01", "GXP-KEY-02", "GXP-LOG-01", "GXP-CFG-02", "GXP-CFG-03", "GXP-IAM-01", "GXP-RET-01", "GXP-RES-01"},
    # Compute switched off (as this module's fixture does): the research account then has no keys,
    # log groups or buckets of the estate's (its baseline holds no stateful resource), and those
    # checks return nothing.
    "research": {"GXP-CFG-02", "GXP-CFG-03", "GXP-IAM-01"},
}


# -- CloudFormation GetTemplate from the synthesized templates -----------------------------------


@cache
def synthesized_templates() -> dict[str, str]:
    """Stack name -> template JSON, as tests/test_synth.py snapshots them for the reference config."""
    return {
        re.search(r"\[(.+)\]", path.name).group(1): json.dumps(json.loads(path.read_text(encoding="utf-8"))["template"])
        for path in SNAPSHOTS.glob("test_stack_snapshot[[]*].json")
    }


def serve_templates(monkeypatch) -> dict[str, str]:
    """Answer cloudformation:GetTemplate from the returned dict (stack name -> template JSON) for
    the rest of the test; a break edits or removes an entry."""
    deployed = dict(synthesized_templates())
    original = BaseClient._make_api_call

    def make_api_call(client, operation_name, params):
        if client.meta.service_model.service_name != "cloudformation" or operation_name != "GetTemplate":
            return original(client, operation_name, params)
        stack = params.get("StackName")
        if stack not in deployed:
            error = {"Error": {"Code": "ValidationError", "Message": f"Stack with id {stack} does not exist"}}
            raise ClientError(error, operation_name)
        return {"TemplateBody": deployed[stack], "StagesAvailable": ["Original", "Processed"]}

    monkeypatch.setattr(BaseClient, "_make_api_call", make_api_call)
    return deployed


# -- building what the stacks deploy -------------------------------------------------------------


def managed_key_policy(account_id: str) -> str:
    """As constructs/managed_key.py: administration without use, plus one service that uses the key."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "KeyAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
         "Action": KEY_ADMIN_ACTIONS, "Resource": "*"},
        {"Sid": "ServiceEncrypts", "Effect": "Allow", "Principal": {"Service": "logs.amazonaws.com"},
         "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"], "Resource": "*"},
    ]})


def record_selectors(names: Names) -> list[dict]:
    """constructs/organization_trail.py's advanced event selectors."""
    return [
        {"Name": "All management events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
        {"Name": "Regulated record reads and writes", "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
            {"Field": "resources.ARN", "StartsWith": [f"arn:aws:s3:::{names.records_bucket_prefix()}"]}]},
    ]


def put_record_selectors(session, names: Names) -> None:
    session.client("cloudtrail").put_event_selectors(TrailName=names.trail_name, AdvancedEventSelectors=record_selectors(names))


def _place(config, names, account, region):
    """What the IQ's readers know of the account and region they qualify."""
    return SimpleNamespace(config=config, names=names, account=account, region=region, kind=account.kind.value)


def _expected_key_aliases(config, names, account, region) -> list[str]:
    # The key controls read every workload region of the account (their DeployedCheck's scope).
    in_scope = region in config.workload_regions(account)
    return expected_aliases(_place(config, names, account, region)) if in_scope else []


def _estate_buckets(config, names, account, region) -> list[str]:
    in_scope = region in config.workload_regions(account)
    return estate_bucket_names(config, names, account, region) if in_scope else []


def _named_log_groups(config, names, account, region) -> list[str]:
    in_scope = region in config.workload_regions(account)
    return named_log_groups(_place(config, names, account, region)) if in_scope else []


def _keys(session, config, names, account) -> dict[str, str]:
    """Every ManagedKey of the account and region, with the ManagedKey policy; alias -> key ARN."""
    kms = session.client("kms")
    existing = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    arns = {}
    for alias in _expected_key_aliases(config, names, account, session.region_name):
        key = existing.get(alias)
        if key is None:
            key = kms.create_key(Description=alias)["KeyMetadata"]["KeyId"]
            kms.create_alias(AliasName=alias, TargetKeyId=key)
            kms.enable_key_rotation(KeyId=key)
        elif alias in (names.signature_seal_key_alias(), names.RECORD_EXPORT_SIGNING_KEY_ALIAS):
            # The signing keys keep the policies their builders gave them (only Sign by the one signer).
            arns[alias] = kms.describe_key(KeyId=key)["KeyMetadata"]["Arn"]
            continue
        kms.put_key_policy(KeyId=key, PolicyName="default", Policy=managed_key_policy(account.id))
        arns[alias] = kms.describe_key(KeyId=key)["KeyMetadata"]["Arn"]
    return arns


def _log_groups(session, config, names, account, keys: dict[str, str]) -> None:
    logs = session.client("logs")
    tags = {"gxp:account-role": account.role}
    wanted = {name: None for name in _named_log_groups(config, names, account, session.region_name)}
    if names.signature_key_alias() in keys:
        # Signature functions' log groups have CloudFormation-generated names.
        wanted["Signatures-regulated-SignLogs-A1B2C3"] = None
    for name in wanted:
        if logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]:
            continue
        key = (keys.get(TRAIL_LOGS_KEY_ALIAS) or keys.get(names.signature_key_alias()) or keys.get(names.compute_key_alias)
               or keys.get(names.genai_key_alias()))
        logs.create_log_group(logGroupName=name, kmsKeyId=key, tags=tags)
        logs.put_retention_policy(logGroupName=name, retentionInDays=config.audit_log.cloudwatch_retention_days)


def _buckets(session, config, names, account) -> None:
    s3 = session.client("s3")
    existing = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    for bucket in _estate_buckets(config, names, account, session.region_name):
        if bucket not in existing:
            s3.create_bucket(Bucket=bucket)


def _config_rules_and_forwarding(session, names, account) -> None:
    cfg, events = session.client("config"), session.client("events")
    for rule in BASELINE_RULES:  # the home region: every rule
        cfg.put_config_rule(ConfigRule={
            "ConfigRuleName": f"gxp-{rule.name}", "Source": {"Owner": "AWS", "SourceIdentifier": rule.source_identifier},
            **({"InputParameters": json.dumps(rule.input_parameters)} if rule.input_parameters else {})})
    events.put_rule(Name="Baseline-ComplianceEventForwarder-1A2B3C", State="ENABLED", EventPattern=json.dumps(
        {"source": ["aws.config"], "detail-type": ["Config Rules Compliance Change"]}))
    events.put_targets(Rule="Baseline-ComplianceEventForwarder-1A2B3C", Targets=[{
        "Id": "AuditBus", "Arn": names.audit_bus_arn(), "RoleArn": names.event_forwarder_role_arn(account.id)}])


def _permission_sets(session, config, names) -> None:
    sso, instance = session.client("sso-admin"), config.access.instance_arn
    for spec in permission_set_specs(names.records_bucket_prefix()):
        arn = sso.create_permission_set(InstanceArn=instance, Name=spec.name, Description=spec.description,
                                        SessionDuration=f"PT{config.access.session_hours[spec.key]}H")["PermissionSet"]["PermissionSetArn"]
        for policy in spec.managed_policies:
            try:
                sso.attach_managed_policy_to_permission_set(InstanceArn=instance, PermissionSetArn=arn, ManagedPolicyArn=policy)
            except sso.exceptions.ResourceNotFoundException:
                # moto does not know job-function/ViewOnlyAccess (the data operator's); no check reads it.
                assert spec.key != "auditor"
        if spec.inline_policy:
            sso.put_inline_policy_to_permission_set(InstanceArn=instance, PermissionSetArn=arn, InlinePolicy=json.dumps(spec.inline_policy))


def build_account_governance(session, config, names: Names, account) -> None:
    """What the stacks deploy in this account's home region that the governance checks read."""
    _config_rules_and_forwarding(session, names, account)
    keys = _keys(session, config, names, account)
    _log_groups(session, config, names, account, keys)
    if account.role == config.audit.role:
        build_reports_bucket(session, config, names)
    _buckets(session, config, names, account)
    if account.role == config.management.role:
        put_record_selectors(session, names)
        _permission_sets(session, config, names)
    if account.role == config.audit.role:
        session.client("config").put_configuration_aggregator(
            ConfigurationAggregatorName=AGGREGATOR_NAME,
            OrganizationAggregationSource={"RoleArn": f"arn:aws:iam::{account.id}:role/aggregator", "AllAwsRegions": True})
        topic = session.client("sns").create_topic(Name=ALERT_TOPIC_NAME, Attributes={"KmsMasterKeyId": keys[AUDIT_ALERTS_KEY_ALIAS]})
        for subscriber in config.alerts.subscriptions:
            session.client("sns").subscribe(TopicArn=topic["TopicArn"], Protocol=subscriber.protocol,
                                            Endpoint=subscriber.endpoint, ReturnSubscriptionArn=True)
        build_trail_review(session, config, names, keys[AUDIT_ALERTS_KEY_ALIAS])
        build_scheduled_review(session, config, names)


def build_trail_review(session, config, names: Names, key: str) -> None:
    """As constructs/trail_review.py: the enforced, encrypted workgroup and the saved queries of every class."""
    athena = session.client("athena")
    athena.create_work_group(Name=names.TRAIL_REVIEW_WORKGROUP, Configuration={
        "EnforceWorkGroupConfiguration": True,
        "ManagedQueryResultsConfiguration": {"Enabled": True, "EncryptionConfiguration": {"KmsKey": key}}})
    table = f'"{names.TRAIL_REVIEW_DATABASE}"."{names.TRAIL_REVIEW_TABLE}"'
    for data_class in config.data_classes:
        reviewed = ReviewedClass(data_class.name, names.records_sql_like(data_class.name),
                                 names.records_key_alias(data_class.name), ())
        for kind, sql in review_queries(table, reviewed).items():
            athena.create_named_query(Name=f"{data_class.name}: {kind}", Database=names.TRAIL_REVIEW_DATABASE,
                                      QueryString=sql, WorkGroup=names.TRAIL_REVIEW_WORKGROUP)


def build_governance(sessions: dict, config, names: Names) -> None:
    """For each account role in ``sessions`` (other entries are ignored), build what the governance checks read."""
    roles = {a.role for a in config.accounts}
    for role, session in sessions.items():
        if role in roles:
            build_account_governance(session, config, names, config.account(role))


# -- this module's estate: one account per test ------------------------------------------------------


def _build_governed(role: str, monkeypatch):
    from tests.test_iq import (build_config_recorder, build_log_archive, build_management, build_residency, session_for,
                               with_account_ids)
    from tests.test_iq_workloads import SIGNER_POOL, StubbedCognitoSession, build_ledger, build_records, without_compute

    config = load_config(REFERENCE_CONFIG)
    names = Names(config)
    account = config.account(role)
    session = session_for(account.id)
    if role == "log-archive":
        build_log_archive(session, config, names)
    elif role == "management":
        # The trail needs its bucket, which lives in the log archive.
        session_for(config.log_archive.id).client("s3").create_bucket(Bucket=names.trail_bucket)
        root = build_management(session, config, names)
        config = config.model_copy(update={"organization": config.organization.model_copy(update={"root_id": root})})
        config = with_account_ids(config, build_residency(session, config))
    elif role == "regulated-us":
        session = StubbedCognitoSession(session, copy.deepcopy(SIGNER_POOL))
        build_records(session, config, names, account.id)
        build_ledger(session)
        build_config_recorder(session, names, account.id)
        # The record and signature-service checks run here too (tests/test_iq_records_service.py).
        from tests.test_iq_records_service import build_records_service

        built = {role: session}
        build_records_service(built, role, config, names, account.id)
        session = built[role]
        config = without_compute(config, role)
    else:
        build_config_recorder(session, names, account.id)
        if role == "research":
            config = without_compute(config, role)
    sessions = {role: session, "templates": serve_templates(monkeypatch)}
    build_governance(sessions, config, names)
    return (config, names, sessions), sessions


@pytest.fixture(scope="module")
def _governed_built_once():
    return {}  # role -> (estate, snapshot), each built the first time a test asks for it


@pytest.fixture
def governed(request, monkeypatch, _governed_built_once):
    """(config, names, {role: session, "templates": deployed templates}) for the one role asked for: each
    role's account built once per module, and put back before each test."""
    from tests.moto_snapshot import build_once, restored

    # As tests/test_iq.py's autouse fixture, which this module cannot import at its top.
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "MOTO_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"), ("AWS_DEFAULT_REGION", REGION)):
        monkeypatch.setenv(name, value)
    role = request.param
    if role not in _governed_built_once:
        with pytest.MonkeyPatch.context() as build_patches:
            _governed_built_once[role] = build_once(lambda: _build_governed(role, build_patches))
    with restored(_governed_built_once[role]) as (config, names, sessions):
        # A break edits the templates CloudFormation answers with: each test gets its own.
        sessions["templates"] = serve_templates(monkeypatch)
        yield config, names, sessions


def failing(results) -> set[str]:
    return {r.control_id for r in results if not r.passed}


@pytest.mark.parametrize("governed", sorted(GOVERNANCE), indirect=True)
def test_correct_account_passes_every_governance_check(governed):
    config, names, sessions = governed
    (role,) = [r for r in sessions if r != "templates"]
    results = run_iq(sessions[role], config, role, REGION)
    assert GOVERNANCE[role] <= {r.control_id for r in results}
    assert failing(results) == set(), [r for r in results if not r.passed]


# -- the checks look where synthesis puts things ------------------------------------------------------


def _by_place(config):
    """(role, region) -> {"stacks", "aliases", "buckets", "log_groups"} read from the synthesized templates."""
    roles = sorted((a.role for a in config.accounts), key=len, reverse=True)
    found: dict = {}
    for stack, text in synthesized_templates().items():
        region = "-".join(stack.split("-")[-3:])
        role = next(r for r in roles if stack.endswith(f"-{r}-{region}"))
        place = found.setdefault((role, region), {"stacks": set(), "aliases": set(), "buckets": set(), "log_groups": set()})
        place["stacks"].add(stack)
        for resource in json.loads(text).get("Resources", {}).values():
            props = resource.get("Properties", {})
            for kind, field, key in (("AWS::KMS::Alias", "AliasName", "aliases"), ("AWS::S3::Bucket", "BucketName", "buckets"),
                                     ("AWS::Logs::LogGroup", "LogGroupName", "log_groups")):
                if resource["Type"] == kind and isinstance(props.get(field), str):
                    place[key].add(props[field])
    return found


def test_checks_expect_what_synthesis_deploys():
    config = load_config(REFERENCE_CONFIG)
    names = Names(config)
    found = _by_place(config)
    for account in config.accounts:
        for region in config.allowed_regions:
            place = found.get((account.role, region), {})
            assert set(estate_stack_names(config, account, region)) == place.get("stacks", set())
            # The qualification-records key is asymmetric (no rotation, no data to encrypt): the symmetric
            # estate-key checks do not judge it. The back-up copy vault's key, in the account's second region, is
            # outside the key controls' IQ scope (their regions are the workload regions); GXP-KEY-* and
            # GXP-BAK-01 judge it at synthesis only.
            copy_key = {names.backup_key_alias} if region == backup_copy_region(config, account) else set()
            made = place.get("aliases", set()) - {names.record_signing_key_alias} - copy_key
            assert set(_expected_key_aliases(config, names, account, region)) == made
            assert set(_estate_buckets(config, names, account, region)) == place.get("buckets", set())
            assert set(_named_log_groups(config, names, account, region)) == place.get("log_groups", set())


def test_every_governance_control_has_a_check():
    controls = by_id()
    assert all(controls[c].deployed.accounts for c in set().union(*GOVERNANCE.values()))


# -- break exactly one thing, and exactly that control fails ----------------------------------------


def _client(s, role, service):
    return s[role].client(service)


def _weaken_key(s, role, alias, statement):
    kms = _client(s, role, "kms")
    key = kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"]
    policy = json.loads(kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"])
    policy["Statement"].append({"Effect": "Allow", "Resource": "*", **statement})
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(policy))


def _review_settings(c) -> dict:
    # moto has no UpdateWorkGroup: the workgroup's settings are changed in its store.
    from moto.athena.models import athena_backends

    return athena_backends[c.audit.id][REGION].work_groups[Names.TRAIL_REVIEW_WORKGROUP].configuration


def _drop_review_query(s, c, name: str) -> None:
    # moto has no DeleteNamedQuery: the query is removed from its store.
    from moto.athena.models import athena_backends

    athena = _client(s, "audit", "athena")
    store = athena_backends[c.audit.id][REGION].named_queries
    for query_id in athena.list_named_queries(WorkGroup=Names.TRAIL_REVIEW_WORKGROUP)["NamedQueryIds"]:
        if athena.get_named_query(NamedQueryId=query_id)["NamedQuery"]["Name"] == name:
            del store[query_id]


def _auditor(s):
    sso = _client(s, "management", "sso-admin")
    instance = load_config(REFERENCE_CONFIG).access.instance_arn
    for arn in sso.list_permission_sets(InstanceArn=instance)["PermissionSets"]:
        if sso.describe_permission_set(InstanceArn=instance, PermissionSetArn=arn)["PermissionSet"]["Name"] == "GxpAuditor":
            return sso, instance, arn
    raise AssertionError("no auditor permission set")


def _with_template(s, stack, change):
    template = json.loads(s["templates"][stack])
    change(template["Resources"])
    s["templates"][stack] = json.dumps(template)


def _records_bucket_deleted_with_stack(resources):
    bucket = next(r for r in resources.values() if r["Type"] == "AWS::S3::Bucket")
    bucket["DeletionPolicy"] = "Delete"


def _log_group_replaced_on_update(resources):
    group = next(r for r in resources.values() if r["Type"] == "AWS::Logs::LogGroup")
    group["UpdateReplacePolicy"] = "Delete"


def _manifest_bucket_moved(c, n, s):
    """S3 reports the manifest bucket in eu-central-1. Changing moto's record of its region keeps its
    lock and logging (a re-created bucket would lose them and fail GXP-ESIG-07 and GXP-S3-07 too)."""
    from moto.s3.models import s3_backends

    account = c.account("regulated-us").id
    s3_backends[account]["aws"].get_bucket(n.signature_manifest_bucket(account, REGION)).region_name = "eu-central-1"


def _writes_only(n, category):
    """The trail's selectors, the one for ``category`` events narrowed to writes (readOnly false)."""
    return [{**sel, "FieldSelectors": [*sel["FieldSelectors"], {"Field": "readOnly", "Equals": ["false"]}]}
            if sel["FieldSelectors"][0]["Equals"] == [category] else sel for sel in record_selectors(n)]


def _forwarder(s, role):
    events = _client(s, role, "events")
    return events, next(r["Name"] for r in events.list_rules()["Rules"] if "aws.config" in r.get("EventPattern", ""))


def _alert_subscriptions(sessions, config) -> tuple:
    sns = _client(sessions, "audit", "sns")
    arn = f"arn:aws:sns:{REGION}:{config.audit.id}:{ALERT_TOPIC_NAME}"
    return sns, sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]


def _unsubscribe_all(sessions, config) -> None:
    sns, subscriptions = _alert_subscriptions(sessions, config)
    for s in subscriptions:
        sns.unsubscribe(SubscriptionArn=s["SubscriptionArn"])


def _filter_alerts(sessions, config) -> None:
    sns, subscriptions = _alert_subscriptions(sessions, config)
    sns.set_subscription_attributes(SubscriptionArn=subscriptions[0]["SubscriptionArn"], AttributeName="FilterPolicy",
                                    AttributeValue=json.dumps({"control": ["GXP-NONE"]}))


BREAKS = {
    "record data events not logged": ("management", "GXP-TRAIL-05", lambda c, n, s: _client(
        s, "management", "cloudtrail").put_event_selectors(TrailName=n.trail_name, AdvancedEventSelectors=record_selectors(n)[:1])),
    "record data events write-only": ("management", "GXP-TRAIL-05", lambda c, n, s: _client(
        s, "management", "cloudtrail").put_event_selectors(TrailName=n.trail_name, AdvancedEventSelectors=_writes_only(n, "Data"))),
    "management reads not logged": ("management", "GXP-TRAIL-01", lambda c, n, s: _client(
        s, "management", "cloudtrail").put_event_selectors(
            TrailName=n.trail_name, AdvancedEventSelectors=_writes_only(n, "Management"))),
    "log-archive key deletable": ("log-archive", "GXP-KEY-02", lambda c, n, s: _weaken_key(
        s, "log-archive", n.log_archive_key_alias,
        {"Sid": "Admins", "Principal": {"AWS": f"arn:aws:iam::{c.log_archive.id}:root"}, "Action": "kms:ScheduleKeyDeletion"})),
    "record key decryptable by anyone": ("regulated-us", "GXP-KEY-02", lambda c, n, s: _weaken_key(
        s, "regulated-us", n.records_key_alias(c.data_classes[0].name), {"Principal": "*", "Action": ["kms:Decrypt"]})),
    "trail log group kept 30 days": ("management", "GXP-LOG-01", lambda c, n, s: _client(
        s, "management", "logs").put_retention_policy(logGroupName=f"/gxp/cloudtrail/{n.trail_name}", retentionInDays=30)),
    "unencrypted estate log group": ("regulated-us", "GXP-LOG-01", lambda c, n, s: _client(
        s, "regulated-us", "logs").create_log_group(logGroupName="/aws/lambda/Signatures-Verify", tags={
            "gxp:account-role": "regulated-us"})),
    "WAF log group missing": ("regulated-us", "GXP-LOG-01", lambda c, n, s: _client(
        s, "regulated-us", "logs").delete_log_group(logGroupName=f"aws-waf-logs-gxp-esignatures-{REGION}")),
    "baseline rule deleted": ("log-archive", "GXP-CFG-02", lambda c, n, s: _client(
        s, "log-archive", "config").delete_config_rule(ConfigRuleName="gxp-s3-bucket-versioning-enabled")),
    "password-policy rule loosened": ("log-archive", "GXP-CFG-02", lambda c, n, s: _client(
        s, "log-archive", "config").put_config_rule(ConfigRule={
            "ConfigRuleName": "gxp-iam-password-policy", "Source": {"Owner": "AWS", "SourceIdentifier": "IAM_PASSWORD_POLICY"},
            "InputParameters": json.dumps({**IAM_PASSWORD_POLICY, "MinimumPasswordLength": "8"})})),
    "forwarding rule disabled": ("regulated-us", "GXP-CFG-03", lambda c, n, s: (lambda e, r: e.disable_rule(Name=r))(
        *_forwarder(s, "regulated-us"))),
    "compliance changes sent to another bus": ("audit", "GXP-CFG-03", lambda c, n, s: (lambda e, r: e.put_targets(
        Rule=r, Targets=[{"Id": "AuditBus", "Arn": f"arn:aws:events:{REGION}:{c.audit.id}:event-bus/default",
                          "RoleArn": n.event_forwarder_role_arn(c.audit.id)}]))(*_forwarder(s, "audit"))),
    "deletion review query removed": ("audit", "GXP-REV-01", lambda c, n, s: _drop_review_query(
        s, c, "raw-lab-data: attempted deletions")),
    "review report schedule disabled": ("audit", "GXP-REV-02", lambda c, n, s: disable_schedule(s["audit"])),
    "review function may query any workgroup": ("audit", "GXP-REV-02",
                                                lambda c, n, s: let_the_review_query_anywhere(s["audit"])),
    "review settings not enforced": ("audit", "GXP-REV-01", lambda c, n, s: _review_settings(c).update(
        EnforceWorkGroupConfiguration=False)),
    "aggregator in one region": ("audit", "GXP-CFG-05", lambda c, n, s: _client(
        s, "audit", "config").put_configuration_aggregator(ConfigurationAggregatorName=AGGREGATOR_NAME,
                                                           OrganizationAggregationSource={
                                                               "RoleArn": f"arn:aws:iam::{c.audit.id}:role/aggregator",
                                                               "AwsRegions": [REGION], "AllAwsRegions": False})),
    "alerts under the AWS managed SNS key": ("audit", "GXP-ALERT-01", lambda c, n, s: _client(
        s, "audit", "sns").set_topic_attributes(TopicArn=f"arn:aws:sns:{REGION}:{c.audit.id}:{ALERT_TOPIC_NAME}",
                                                AttributeName="KmsMasterKeyId", AttributeValue="alias/aws/sns")),
    "alert subscriber unsubscribed": ("audit", "GXP-ALERT-02", lambda c, n, s: _unsubscribe_all(s, c)),
    "alert subscription filtered": ("audit", "GXP-ALERT-02", lambda c, n, s: _filter_alerts(s, c)),
    "IAM user in research": ("research", "GXP-IAM-01", lambda c, n, s: _client(s, "research", "iam").create_user(
        UserName="shared-analyst")),
    "IAM user in log archive": ("log-archive", "GXP-IAM-01", lambda c, n, s: _client(s, "log-archive", "iam").create_user(
        UserName="break-glass")),
    "auditor session 24 hours": ("management", "GXP-IAM-02", lambda c, n, s: (lambda sso, i, a: sso.update_permission_set(
        InstanceArn=i, PermissionSetArn=a, SessionDuration="PT24H"))(*_auditor(s))),
    "auditor may write": ("management", "GXP-IAM-03", lambda c, n, s: (lambda sso, i, a: sso.attach_managed_policy_to_permission_set(
        InstanceArn=i, PermissionSetArn=a, ManagedPolicyArn="arn:aws:iam::aws:policy/PowerUserAccess"))(*_auditor(s))),
    "auditor inline write": ("management", "GXP-IAM-03", lambda c, n, s: (lambda sso, i, a: sso.put_inline_policy_to_permission_set(
        InstanceArn=i, PermissionSetArn=a, InlinePolicy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "config:DeleteConfigRule"], "Resource": "*"}]})))(*_auditor(s))),
    "record bucket deleted with its stack": ("regulated-us", "GXP-RET-01", lambda c, n, s: _with_template(
        s, "Records-regulated-us-us-east-1", _records_bucket_deleted_with_stack)),
    "trail log group replaced on update": ("management", "GXP-RET-01", lambda c, n, s: _with_template(
        s, "Organization-management-us-east-1", _log_group_replaced_on_update)),
    "log-archive stack not deployed": ("log-archive", "GXP-RET-01",
                                       lambda c, n, s: s["templates"].pop("LogArchive-log-archive-us-east-1")),
    "e-signature manifests in the EU": ("regulated-us", "GXP-RES-01", _manifest_bucket_moved),
}


@pytest.mark.parametrize("case, governed", [(case, BREAKS[case][0]) for case in sorted(BREAKS)], indirect=["governed"])
def test_breaking_one_governance_thing_fails_exactly_that_control(governed, case):
    config, names, sessions = governed
    role, control_id, breaker = BREAKS[case]
    breaker(config, names, sessions)
    assert failing(run_iq(sessions[role], config, role, REGION)) == {control_id}
