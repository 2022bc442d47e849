"""The signature service stack, resource by resource, with aws_cdk.assertions."""

from __future__ import annotations

import json

import pytest
from aws_cdk import assertions
from aws_cdk.assertions import Match, Template

from gxp_landing_zone.estate import new_app
from gxp_landing_zone.naming import Names
from gxp_landing_zone.signatures.runtime.core import SigningPolicy
from gxp_landing_zone.stacks.audit import AuditStack
from gxp_landing_zone.stacks.signatures import SignatureServiceStack

ACCOUNT_ID, REGION = "444444444444", "us-east-1"


@pytest.fixture(scope="module")
def stack(reference_config):
    app = new_app()
    return SignatureServiceStack(app, config=reference_config, account=reference_config.account("regulated-us"), region=REGION)


@pytest.fixture(scope="module")
def template(stack) -> Template:
    return Template.from_stack(stack)


def _functions(template):
    return template.find_resources("AWS::Lambda::Function")


def _sign_environment(template):
    sign = next(f for f in _functions(template).values() if f["Properties"]["Handler"] == "runtime.handlers.sign_handler")
    return sign["Properties"]["Environment"]["Variables"]


def test_user_pool_admits_only_verified_people_with_two_factors(template):
    template.has_resource(
        "AWS::Cognito::UserPool",
        {
            "DeletionPolicy": "RetainExceptOnCreate",
            "UpdateReplacePolicy": "Retain",
            "Properties": Match.object_like(
                {
                    "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
                    "MfaConfiguration": "ON",
                    "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
                    "UsernameConfiguration": {"CaseSensitive": False},
                    "DeletionProtection": "ACTIVE",
                    "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"},
                    "AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "admin_only", "Priority": 1}]},
                    "Policies": {
                        "PasswordPolicy": Match.object_like(
                            {"MinimumLength": 14, "RequireSymbols": True, "TemporaryPasswordValidityDays": 3}
                        )
                    },
                    "LambdaConfig": {"PreTokenGeneration": Match.any_value()},
                    "DeviceConfiguration": Match.absent(),
                    "Schema": Match.array_with([{"Name": "name", "Required": True, "Mutable": True}]),
                }
            ),
        },
    )


def test_client_signs_in_with_srp_only_and_cannot_edit_the_printed_name(template):
    template.has_resource_properties(
        "AWS::Cognito::UserPoolClient",
        {
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            "GenerateSecret": False,
            "PreventUserExistenceErrors": "ENABLED",
            "WriteAttributes": [],
        },
    )


def test_one_group_per_signer_group_in_the_config(template, reference_config):
    groups = template.find_resources("AWS::Cognito::UserPoolGroup")
    assert sorted(g["Properties"]["GroupName"] for g in groups.values()) == reference_config.signatures.groups()


def test_pre_token_trigger_is_the_runtime_handler(template):
    template.has_resource_properties(
        "AWS::Lambda::Function", {"Handler": "runtime.pre_token.handler", "TracingConfig": {"Mode": "Active"}}
    )
    template.has_resource_properties(
        "AWS::Lambda::Permission", {"Principal": "cognito-idp.amazonaws.com", "SourceArn": Match.any_value()}
    )


def test_ledger_table(template):
    template.has_resource(
        "AWS::DynamoDB::Table",
        {
            "DeletionPolicy": "RetainExceptOnCreate",
            "Properties": Match.object_like(
                {
                    "KeySchema": [
                        {"AttributeName": "record_id", "KeyType": "HASH"},
                        {"AttributeName": "seq", "KeyType": "RANGE"},
                    ],
                    "PointInTimeRecoverySpecification": Match.object_like({"PointInTimeRecoveryEnabled": True}),
                    "DeletionProtectionEnabled": True,
                    "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": Match.any_value()},
                }
            ),
        },
    )


def test_manifest_bucket_locked_for_the_longest_retention(template, reference_config):
    longest = max(c.days for c in reference_config.data_classes)
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketName": Names(reference_config).signature_manifest_bucket(ACCOUNT_ID, REGION),
            "ObjectLockEnabled": True,
            "ObjectLockConfiguration": {
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": longest}},
            },
        },
    )


def test_every_method_requires_a_cognito_identity_and_validates_input(template):
    methods = template.find_resources("AWS::ApiGateway::Method")
    assert len(methods) == 4  # sign, list, verify, release record
    for method in methods.values():
        assert method["Properties"]["AuthorizationType"] == "COGNITO_USER_POOLS"
        assert "RequestValidatorId" in method["Properties"]
    template.has_resource_properties(
        "AWS::ApiGateway::RequestValidator", {"ValidateRequestBody": True, "ValidateRequestParameters": True}
    )
    template.has_resource_properties(
        "AWS::ApiGateway::Model",
        {"Schema": Match.object_like({"required": ["bucket", "key", "version_id", "meaning"], "additionalProperties": False})},
    )


def test_stage_traced_and_access_logged_with_the_signer(template):
    stage = template.find_resources("AWS::ApiGateway::Stage")
    (properties,) = [s["Properties"] for s in stage.values()]
    assert properties["TracingEnabled"] is True
    assert "$context.authorizer.claims.sub" in properties["AccessLogSetting"]["Format"]
    template.has_resource_properties("AWS::WAFv2::WebACLAssociation", {"ResourceArn": Match.any_value()})
    template.has_resource_properties(
        "AWS::WAFv2::LoggingConfiguration",
        {"RedactedFields": [{"SingleHeader": {"Name": "authorization"}}]},
    )


def test_log_groups_encrypted_and_retained(template, reference_config):
    for logical_id, group in template.find_resources("AWS::Logs::LogGroup").items():
        assert group["DeletionPolicy"] == "RetainExceptOnCreate", logical_id
        assert "KmsKeyId" in group["Properties"], logical_id
        assert group["Properties"]["RetentionInDays"] == reference_config.audit_log.cloudwatch_retention_days


def test_functions_traced_with_managed_policies_only(template):
    functions = _functions(template)
    assert len(functions) == 4
    for function in functions.values():
        assert function["Properties"]["TracingConfig"] == {"Mode": "Active"}
        assert function["Properties"]["Runtime"].startswith("python3.")
    # Every permission is in a reviewed customer-managed policy, none in an inline one.
    template.resource_count_is("AWS::IAM::Policy", 0)


def test_signing_policy_reaches_the_runtime(template, reference_config):
    environment = _sign_environment(template)
    policy = SigningPolicy.from_dict(
        {**json.loads(environment["SIGNING_POLICY"]), **json.loads(environment["SIGNING_RESTRICTIONS"])}
    )
    bucket = Names(reference_config).records_bucket("analytical-results", ACCOUNT_ID, REGION)
    assert policy.record_class_for(bucket, "batch-records/BR-001.pdf") == "batch-record"
    assert policy.sequences["batch-record"] == ("review", "approval", "batch-release")
    assert policy.restricted_meanings == {"batch-release": frozenset({"qualified-persons"})}
    assert policy.same_person_may_sign == frozenset()
    # Every entry is sealed with the stack's asymmetric key (GXP-ESIG-13).
    assert environment["LEDGER_SEAL_KEY"] == {"Fn::GetAtt": [_logical_id(template, "SealKey"), "Arn"]}
    assert environment["AUTH_WINDOW_SECONDS"] == "300"
    assert bucket in environment["RECORDS_BUCKETS"].split(",")
    assert environment["EVENT_BUS_NAME"] == "default"


def test_signature_events_forwarded_to_the_audit_bus(template, reference_config):
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": {"source": ["gxp.esignature"]},
            "State": "ENABLED",
            "Targets": [Match.object_like({"Arn": Names(reference_config).audit_bus_arn()})],
        },
    )


def test_audit_account_alerts_on_refused_attempts(reference_config):
    app = new_app()
    audit = AuditStack(app, config=reference_config, account=reference_config.audit, region=reference_config.home_region)
    Template.from_stack(audit).has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": {"source": ["gxp.esignature"], "detail-type": ["Signature Attempt Refused"]},
            "Targets": [Match.object_like({"Arn": {"Ref": Match.string_like_regexp("ComplianceAlertTopic")}})],
        },
    )


def test_asset_ships_the_runtime_without_the_infrastructure(stack):
    from pathlib import Path

    staged = [Path(a) for a in Path(stack.node.root.outdir).glob("asset.*")]
    assert staged
    for directory in staged:
        assert (directory / "runtime" / "handlers.py").exists()
        assert not (directory / "infrastructure.py").exists()


def _logical_id(template, named: str) -> str:
    (found,) = [lid for lid in template.find_resources("AWS::KMS::Key") if named in lid]
    return found
