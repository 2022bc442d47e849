"""IQ of change control against moto: the promotion pipeline in the deployment account (CodePipeline and
CodeBuild built with boto3 from what the Pipeline stack declares), the pipeline SCPs in the management
account and the evidence bucket in the log archive (tests/test_iq.py's estate). Breaking one thing fails
exactly its control."""

from __future__ import annotations

import json

import pytest
from moto import mock_aws

from gxp_landing_zone.config import load_config
from gxp_landing_zone.naming import PIPELINE_NAME, Names
from gxp_landing_zone.validation.iq import run_iq
from tests.test_iq import REFERENCE_CONFIG, REGION, _policy_id, bucket_policy, estate, _estate_built_once, fake_credentials, session_for  # noqa: F401
from tests.test_iq_governance import synthesized_templates

PIPELINE_STACK = f"Pipeline-deployment-{REGION}"
CHANGE_CONTROL = {"GXP-CHG-01", "GXP-CHG-02"}


def _declared() -> tuple[dict, list[dict]]:
    """The pipeline's stages and its CodeBuild projects as the synthesized template declares them."""
    resources = json.loads(synthesized_templates()[PIPELINE_STACK])["Resources"]
    projects = {logical: r["Properties"] for logical, r in resources.items() if r["Type"] == "AWS::CodeBuild::Project"}
    (pipeline,) = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CodePipeline::Pipeline"]
    stages = []
    for stage in pipeline["Stages"]:
        actions = []
        for action in stage["Actions"]:
            configuration = {}
            for key, value in (action.get("Configuration") or {}).items():
                if isinstance(value, dict) and "Ref" in value and value["Ref"] in projects:
                    configuration[key] = projects[value["Ref"]]["Name"]
                elif isinstance(value, str):
                    configuration[key] = value
            kind = action["ActionTypeId"]
            actions.append({
                "name": action["Name"], "runOrder": action.get("RunOrder", 1), "configuration": configuration,
                "actionTypeId": {"category": kind["Category"], "owner": kind["Owner"], "provider": kind["Provider"],
                                 "version": kind["Version"]},
                **({"outputArtifacts": [{"name": a["Name"]} for a in action["OutputArtifacts"]]} if action.get("OutputArtifacts") else {}),
                **({"inputArtifacts": [{"name": a["Name"]} for a in action["InputArtifacts"]]} if action.get("InputArtifacts") else {}),
            })
        stages.append({"name": stage["Name"], "actions": actions})
    return {"stages": stages}, list(projects.values())


def build_pipeline(session, config, names: Names, *, drop: tuple[str, ...] = ()) -> None:
    """The promotion pipeline and its projects; ``drop`` leaves out the named actions."""
    declared, projects = _declared()
    iam = session.client("iam")
    role = iam.create_role(RoleName="gxp-pipeline-service", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "codepipeline.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    codebuild = session.client("codebuild")
    for project in projects:
        variables = [{"name": v["Name"], "value": v["Value"], "type": v.get("Type", "PLAINTEXT")}
                     for v in project["Environment"].get("EnvironmentVariables", []) if isinstance(v.get("Value"), str)]
        codebuild.create_project(
            name=project["Name"], serviceRole=role, artifacts={"type": "CODEPIPELINE", "location": "pipeline"},
            # moto asks for a location even where CodePipeline supplies the source and takes the artifacts.
            source={"type": "CODEPIPELINE", "location": "pipeline", "buildspec": project["Source"]["BuildSpec"]},
            environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL",
                         "environmentVariables": variables},
        )
    stages = [{**s, "actions": [a for a in s["actions"] if a["name"] not in drop]} for s in declared["stages"]]
    session.client("codepipeline").create_pipeline(pipeline={
        "name": PIPELINE_NAME, "roleArn": role, "version": 1,
        "artifactStore": {"type": "S3", "location": names.pipeline_artifact_bucket},
        "stages": [s for s in stages if s["actions"]],
    })


@pytest.fixture
def deployment():
    with mock_aws():
        config = load_config(REFERENCE_CONFIG)
        names = Names(config)
        yield config, names, session_for(config.account("deployment").id)


def failing(results) -> set[str]:
    return {r.control_id for r in results if not r.passed}


def change_control_results(session, config):
    return [r for r in run_iq(session, config, "deployment", REGION) if r.control_id in CHANGE_CONTROL]


def test_the_deployed_pipeline_passes_its_change_control_checks(deployment):
    config, names, session = deployment
    build_pipeline(session, config, names)
    results = change_control_results(session, config)
    assert {r.control_id for r in results} == CHANGE_CONTROL
    assert failing(results) == set(), [r for r in results if not r.passed]


@pytest.mark.parametrize("dropped,control", [("ReleaseGate", "GXP-CHG-01"), ("IqProduction", "GXP-CHG-02")])
def test_a_pipeline_missing_a_step_fails_exactly_its_control(deployment, dropped, control):
    config, names, session = deployment
    build_pipeline(session, config, names, drop=(dropped,))
    assert failing(change_control_results(session, config)) == {control}


def test_no_pipeline_is_a_failed_result_not_an_exception(deployment):
    config, _, session = deployment
    assert failing(change_control_results(session, config)) == CHANGE_CONTROL


def _detach(s, name):
    org = s["management"].client("organizations")
    policy = _policy_id(s, name)
    for target in org.list_targets_for_policy(PolicyId=policy)["Targets"]:
        org.detach_policy(PolicyId=policy, TargetId=target["TargetId"])


# (role, control, breaker), collected by tests/test_iq.py's test_breaks_cover_every_check; the pipeline's own
# breaks are the parametrized test above (they need the deployment account, not the estate).
BREAKS = {
    "release gate removed": ("deployment", "GXP-CHG-01", None),
    "production IQ removed": ("deployment", "GXP-CHG-02", None),
    "deploy-around SCP detached": ("management", "GXP-CHG-03",
                                   lambda c, n, s: _detach(s, "gxp-deploy-only-through-pipeline")),
    "deployment-account SCP detached": ("management", "GXP-CHG-03",
                                        lambda c, n, s: _detach(s, "gxp-deployment-roles-only-for-pipeline")),
    "anyone may write change records": ("log-archive", "GXP-CHG-04", lambda c, n, s: s["log-archive"].client("s3").put_bucket_policy(
        Bucket=n.evidence_bucket, Policy=bucket_policy(n.evidence_bucket, floor_days=c.audit_log.days))),
}


@pytest.mark.parametrize("case", sorted(k for k, v in BREAKS.items() if v[2] is not None))
def test_breaking_one_thing_fails_exactly_that_control(estate, case):  # noqa: F811
    config, names, sessions = estate
    role, control_id, breaker = BREAKS[case]
    breaker(config, names, sessions)
    assert failing(run_iq(sessions[role], config, role, REGION)) == {control_id}


def test_the_pipelines_iq_step_keeps_each_record_with_its_hash(estate):  # noqa: F811
    """The IqValidation/IqProduction step's own code (change_control/qualify.py) on the estate in moto: the IQ
    record lands in the execution's folder of the evidence bucket and the index cites it with its hash."""
    import hashlib

    from gxp_landing_zone.change_control.evidence import EvidenceStore
    from gxp_landing_zone.change_control.qualify import index_of, qualify

    config, names, sessions = estate
    s3 = sessions["log-archive"].client("s3")
    # The evidence bucket's policy refuses this test's caller, as it refuses every principal but the pipeline's
    # roles; the step writes into a bucket of its own here.
    with pytest.raises(s3.exceptions.ClientError, match="Forbidden"):
        s3.put_object(Bucket=names.evidence_bucket, Key="change-records/x", Body=b"x")
    s3.create_bucket(Bucket="pipeline-scratch-evidence", ObjectLockEnabledForBucket=True)
    store = EvidenceStore(s3, "pipeline-scratch-evidence", PIPELINE_NAME)
    found = qualify("iq", config, ["log-archive"], store=store, execution="exec-1",
                    session_for=lambda account_id, role: sessions["log-archive"])
    assert index_of(store, "exec-1", "iq", "production") == found
    # The estate in moto is built in the home region only; there every check passes.
    (first,) = [entry for entry in found if entry["region"] == REGION]
    assert first["failed"] == 0, first
    body = store.read(first["key"], first["version_id"])
    assert hashlib.sha256(body).hexdigest() == first["sha256"] and first["entries"] > 0 and first["chain_head"]
