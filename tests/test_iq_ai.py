"""IQ for the AI controls' deployed halves against moto (and stubs for the Bedrock and Macie calls moto
lacks): the regulated US account as the GenAI and Compute stacks deploy it passes each, and breaking one
thing fails exactly that control.

Covered here: every AI control but GXP-AI-09, which judges the SCPs and is qualified with them in
tests/test_iq.py. The account serves one endpoint (the reference config deploys none) so that
GXP-AI-11 has something to judge."""

from __future__ import annotations

import json

import pytest

from gxp_landing_zone.controls.registry import all_controls
from gxp_landing_zone.validation.iq import run_iq, runner
from tests.iq_ai_estate import AI_IQ, REGION, build_ai
from tests.test_iq import failing
from tests.test_iq import fake_credentials  # noqa: F401  (autouse fixture: moto credentials)
from tests.test_iq_workloads import REGULATED
from tests.test_iq_workloads import _workloads_built_once, workloads  # noqa: F401  (fixtures)

# The estate's other checks are qualified in the modules that build their resources.
JUDGED = AI_IQ


@pytest.fixture
def ai_account(workloads, monkeypatch):  # noqa: F811
    config, names, sessions = workloads
    monkeypatch.setattr(runner, "all_controls", lambda: [c for c in all_controls() if c.id in JUDGED])
    account_id = config.account(REGULATED).id
    session = build_ai(sessions[REGULATED], config, names, account_id, sessions["compute"]["key_arn"])
    return config, names, session, account_id


def test_correct_ai_account_passes_every_check(ai_account):
    config, names, session, _ = ai_account
    results = run_iq(session, config, REGULATED, REGION)
    assert {r.control_id for r in results} == AI_IQ
    assert failing(results) == set(), [r for r in results if not r.passed]


def _function(session, role_name):
    functions = session.client("lambda").list_functions()["Functions"]
    return next(f for f in functions if f["Role"].endswith(f"/{role_name}"))


def _set_environment(session, role_name, **changes):
    function = _function(session, role_name)
    variables = {**function["Environment"]["Variables"], **changes}
    session.client("lambda").update_function_configuration(FunctionName=function["FunctionName"],
                                                           Environment={"Variables": variables})


def _logging(session, **changes):
    bedrock = session.client("bedrock")
    current = bedrock.get_model_invocation_logging_configuration()["loggingConfig"]
    bedrock.put_model_invocation_logging_configuration(loggingConfig={**current, **changes})


def _pii(session, account_id, config, names):
    entities = session.state["guardrail"]["sensitiveInformationPolicy"]["piiEntities"]
    entities[:] = entities[1:]


def _scope(session, account_id, config, names):
    definition = session.state["macie_jobs"][0]["s3JobDefinition"]["bucketDefinitions"][0]
    definition["buckets"] = definition["buckets"][:1]


def _endpoint(s, part, **changes):
    s.state["endpoint"][part].update(changes)


def _runtime_policy(session, change):
    ec2 = session.client("ec2")
    endpoint = next(e for e in ec2.describe_vpc_endpoints()["VpcEndpoints"] if e["ServiceName"].endswith("bedrock-runtime"))
    document = json.loads(endpoint["PolicyDocument"])
    change(document["Statement"][0])
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint["VpcEndpointId"], PolicyDocument=json.dumps(document))


def _invoke_policy(session, change):
    iam = session.client("iam")
    arn = session.state["invoke_policy"]
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    document = json.loads(document) if isinstance(document, str) else document
    change(document)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(document), SetAsDefault=True)


BREAKS = {
    "prompts no longer logged as text": (REGULATED, "GXP-AI-01", lambda s, a, c, n: _logging(s, textDataDeliveryEnabled=False)),
    "logs delivered to an unlocked bucket": (REGULATED, "GXP-AI-01", lambda s, a, c, n: (
        s.client("s3").create_bucket(Bucket="exbio-scratch"), _logging(s, s3Config={"bucketName": "exbio-scratch"}))),
    "guardrail stops screening a PII type": (REGULATED, "GXP-AI-02", _pii),
    # (Unpublishing the version would fail GXP-AI-03 too: the invoke policy names version 1.)
    "prompt-attack filter weakened": (REGULATED, "GXP-AI-02", lambda s, a, c, n: s.state["guardrail"]["contentPolicy"][
        "filters"][0].update(inputStrength="LOW")),
    "inference allowed without the guardrail": (REGULATED, "GXP-AI-03", lambda s, a, c, n: _invoke_policy(
        s, lambda d: d.__setitem__("Statement", [x for x in d["Statement"] if x["Effect"] == "Allow"]))),
    "runtime endpoint open to every account": (REGULATED, "GXP-AI-04", lambda s, a, c, n: _runtime_policy(
        s, lambda statement: statement.pop("Condition"))),
    "prompt-attack alarm removed": (REGULATED, "GXP-AI-05", lambda s, a, c, n: s.client("cloudwatch").delete_alarms(
        AlarmNames=[f"{n.genai_alarm_prefix()}PromptAttackDetected"])),
    "monitoring schedule stopped": (REGULATED, "GXP-AI-11", lambda s, a, c, n: _endpoint(s, "schedule", status="Stopped")),
    "endpoint traffic not captured": (REGULATED, "GXP-AI-11", lambda s, a, c, n: _endpoint(s, "capture", EnableCapture=False)),
    "approval gate checks another meaning": (REGULATED, "GXP-AI-06", lambda s, a, c, n: _set_environment(
        s, n.signature_role_name("approval", REGION), RELEASE_MEANING="reviewed")),
    "approval changes no longer reach the gate": (REGULATED, "GXP-AI-06", lambda s, a, c, n: s.client("events").disable_rule(
        Name="Compute-ApprovalChanges")),
    "model card archived": (REGULATED, "GXP-AI-07", lambda s, a, c, n: s.client("sagemaker").update_model_card(
        ModelCardName=n.model_card(), ModelCardStatus="Archived")),
    "Macie scans one training bucket only": (REGULATED, "GXP-AI-08", _scope),
    "Macie findings not forwarded": (REGULATED, "GXP-AI-08", lambda s, a, c, n: s.client("events").disable_rule(
        Name="Compute-MacieFindings")),
    "model versions judged on a lower AUC": (REGULATED, "GXP-AI-10", lambda s, a, c, n: _set_environment(
        s, n.ml_role_name("evaluate", REGION), THRESHOLDS=json.dumps({"auc": {"min": 0.5}}))),
    "Bedrock evaluation through another guardrail": (REGULATED, "GXP-AI-10", lambda s, a, c, n: _set_environment(
        s, n.genai_role_name("evaluate", REGION), GUARDRAIL_ID="another")),
}


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_breaking_one_ai_thing_fails_exactly_that_control(ai_account, case):
    config, names, session, account_id = ai_account
    _, control_id, breaks = BREAKS[case]
    breaks(session, account_id, config, names)
    assert failing(run_iq(session, config, REGULATED, REGION)) == {control_id}
