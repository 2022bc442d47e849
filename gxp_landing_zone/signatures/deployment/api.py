"""The signature API: REST methods behind the Cognito authorizer, request validation, and a stage
whose access log names the signer (Annex 11 12.4)."""

from __future__ import annotations

import json

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from ...constructs.managed_key import ManagedKey
from .spec import SignatureServiceSpec
from ...constructs.keep import KEEP

# Requests are small JSON documents; anything larger is refused before a handler runs.
MAX_KEY_LENGTH = 1024
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTime",
    "ip": "$context.identity.sourceIp",
    "sub": "$context.authorizer.claims.sub",
    "username": "$context.authorizer.claims['cognito:username']",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "status": "$context.status",
    "error": "$context.error.message",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
}


def add_api(
    scope: Construct,
    spec: SignatureServiceSpec,
    *,
    key: ManagedKey,
    user_pool: cognito.UserPool,
    sign: lambda_.Function,
    listing: lambda_.Function,
    verify: lambda_.Function,
    access_log_fields: dict[str, str],
) -> tuple[logs.LogGroup, apigw.RestApi]:
    """The stage's access log group and the API, in that order. Each access-log line is the JSON
    object ``access_log_fields`` (name -> API Gateway context variable); ``ACCESS_LOG_FIELDS`` is
    the service's."""
    access_log_group = logs.LogGroup(
        scope,
        "ApiAccessLogs",
        encryption_key=key.key,
        removal_policy=KEEP,
    )
    access_log_group.node.default_child.retention_in_days = spec.log_retention_days
    api = apigw.RestApi(
        scope,
        "Api",
        description="Electronic signatures: sign, list and verify record versions; print release records",
        endpoint_types=[apigw.EndpointType.REGIONAL],
        cloud_watch_role=True,
        cloud_watch_role_removal_policy=KEEP,
        deploy_options=apigw.StageOptions(
            stage_name="v1",
            access_log_destination=apigw.LogGroupLogDestination(access_log_group),
            # Annex 11 12.4: each request is logged with the signer's identity, not only the address.
            access_log_format=apigw.AccessLogFormat.custom(json.dumps(access_log_fields, separators=(",", ":"))),
            tracing_enabled=True,
            logging_level=apigw.MethodLoggingLevel.ERROR,
            data_trace_enabled=False,
            metrics_enabled=True,
            throttling_rate_limit=20,
            throttling_burst_limit=40,
        ),
    )
    authorizer = apigw.CognitoUserPoolsAuthorizer(scope, "SignerAuthorizer", cognito_user_pools=[user_pool])
    validator = api.add_request_validator(
        "ValidateRequests", validate_request_body=True, validate_request_parameters=True
    )
    protected = {
        "authorizer": authorizer,
        "authorization_type": apigw.AuthorizationType.COGNITO,
        "request_validator": validator,
    }
    sign_body = api.add_model(
        "SignRequest",
        content_type="application/json",
        schema=apigw.JsonSchema(
            schema=apigw.JsonSchemaVersion.DRAFT4,
            type=apigw.JsonSchemaType.OBJECT,
            required=["bucket", "key", "version_id", "meaning"],
            additional_properties=False,
            properties={
                "bucket": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, min_length=3, max_length=63),
                "key": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, min_length=1, max_length=MAX_KEY_LENGTH),
                "version_id": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, min_length=1, max_length=1024),
                "meaning": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, min_length=1, max_length=32),
                "reason": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, max_length=1000),
                "request_id": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, min_length=1, max_length=128),
                "expected_sha256": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, pattern="^[0-9a-fA-F]{64}$"),
            },
        ),
    )
    record_query = {
        "method.request.querystring.bucket": True,
        "method.request.querystring.key": True,
        "method.request.querystring.version_id": False,
    }
    signatures = api.root.add_resource("signatures")
    signatures.add_method(
        "POST",
        apigw.LambdaIntegration(sign),
        request_models={"application/json": sign_body},
        **protected,
    )
    signatures.add_method(
        "GET", apigw.LambdaIntegration(listing), request_parameters=record_query, **protected
    )
    signatures.add_resource("verify").add_method(
        "GET", apigw.LambdaIntegration(verify), request_parameters=record_query, **protected
    )
    # The printable release record of one version (Annex 11 8.2, 15), from the verifying function.
    signatures.add_resource("release-record").add_method(
        "GET",
        apigw.LambdaIntegration(verify),
        request_parameters={**record_query, "method.request.querystring.version_id": True},
        **protected,
    )
    return access_log_group, api
