"""The electronic-signature service as one construct: user pool, API, handlers, ledger, manifest
archive and event forwarding (21 CFR Part 11 Subpart C; Annex 11 14; MHLW ER/ES 4).

The construct is given everything as typed values; the stack translates the config. The
Lambda code is the ``runtime`` package next to this file, shipped as a plain asset (boto3 is in
the Lambda runtime, so there is nothing to bundle).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from ..constructs.gxp_bucket import GxpBucket
from ..constructs.managed_key import ManagedKey

RUNTIME_ROOT = Path(__file__).resolve().parent
# The asset is this directory; the handlers live in its ``runtime`` package.
ASSET_EXCLUDE = ["infrastructure.py", "__pycache__", "**/__pycache__", "*.pyc", "**/*.pyc"]
PYTHON = lambda_.Runtime.PYTHON_3_14
from ..constructs.tags import MANIFEST_RETENTION_CLASS
# Lambda's limit for all environment variables of one function together.
MAX_ENVIRONMENT_BYTES = 4096
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


@dataclass(frozen=True)
class SignatureServiceSpec:
    """What one deployment of the service needs to know, as plain values."""

    records_buckets: tuple[str, ...]
    records_key_aliases: tuple[str, ...]
    manifest_bucket_name: str
    access_log_bucket_name: str
    manifest_lock_days: int
    key_alias: str
    signing_policy: dict
    auth_window_seconds: int
    signer_groups: tuple[str, ...]
    log_retention_days: int
    audit_bus_arn: str
    event_forwarder_role_name: str
    event_source: str
    role_names: dict  # purpose ("sign", "list", "verify", "token") -> IAM role name


class SignatureService(Construct):
    def __init__(self, scope: Construct, id: str, *, spec: SignatureServiceSpec) -> None:
        super().__init__(scope, id)
        self.spec = spec
        stack = Stack.of(self)
        self._region, self._account = stack.region, stack.account

        self.key = ManagedKey(
            self, "SignatureKey", alias=spec.key_alias, description="Encrypts the signature ledger, manifests and logs"
        )
        self.key.allow(
            "CloudWatchLogsEncrypt",
            iam.ServicePrincipal(f"logs.{self._region}.amazonaws.com"),
            ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{self._region}:{self._account}:log-group:*"}},
        )

        self.ledger = dynamodb.Table(
            self,
            "Ledger",
            partition_key=dynamodb.Attribute(name="record_id", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="seq", type=dynamodb.AttributeType.NUMBER),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.key.key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True, recovery_period_in_days=35
            ),
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )

        self.access_logs = GxpBucket(
            self,
            "AccessLogBucket",
            bucket_name=spec.access_log_bucket_name,
            # S3 server access logging can only deliver to SSE-S3 buckets without Object Lock.
            encryption_key=None,
            retention_class="access-log",
        )
        # 11.50(b), 11.70: a copy of every manifest nobody, root included, can alter or remove
        # for as long as the longest-kept records it signs.
        self.manifests = GxpBucket(
            self,
            "ManifestBucket",
            bucket_name=spec.manifest_bucket_name,
            encryption_key=self.key.key,
            retention_class=MANIFEST_RETENTION_CLASS,
            lock_days=spec.manifest_lock_days,
            access_log_bucket=self.access_logs.bucket,
            access_log_prefix="manifests/",
        )

        self.log_groups: dict[str, logs.LogGroup] = {}
        self.roles: dict[str, iam.Role] = {}
        self.functions: dict[str, lambda_.Function] = {}
        self._build_user_pool()
        self._build_functions()
        self._build_api()
        self._forward_events()

    # ------------------------------------------------------------------ identities

    def _build_user_pool(self) -> None:
        spec = self.spec
        token_fn = self._function(
            "token",
            "PreTokenGeneration",
            "runtime.pre_token.handler",
            "States password + MFA in the ID token (gxp_amr) for the signature service",
            environment={},
            statements=[],
        )
        self.user_pool = cognito.UserPool(
            self,
            "Signers",
            # 11.100(b): an account exists only after an administrator has verified the person.
            self_sign_up_enabled=False,
            # 11.200(a)(1), 11.300: a password and a TOTP code at every sign-in.
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            password_policy=cognito.PasswordPolicy(
                min_length=14,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
                password_history_size=24,
            ),
            # 11.100(a), 11.300(a): "JDoe" and "jdoe" are one identity, never two people.
            sign_in_case_sensitive=False,
            sign_in_aliases=cognito.SignInAliases(username=True),
            standard_attributes=cognito.StandardAttributes(
                # 11.50(a)(1): the printed name every manifestation shows.
                fullname=cognito.StandardAttribute(required=True, mutable=True),
                email=cognito.StandardAttribute(required=True, mutable=True),
            ),
            # 11.300(c): a lost password or authenticator is replaced by an administrator who
            # re-verifies the person, never by self-service recovery.
            account_recovery=cognito.AccountRecovery.NONE,
            # No device_tracking: a remembered device may stand in for the second factor.
            feature_plan=cognito.FeaturePlan.PLUS,
            # 11.300(d): compromised credentials and risky sign-ins are blocked and reported.
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
            lambda_triggers=cognito.UserPoolTriggers(pre_token_generation=token_fn),
        )
        self.client = self.user_pool.add_client(
            "SigningClient",
            # Password sign-in only through SRP: the password never leaves the browser, and no
            # passwordless or custom flow can mint a token without both factors.
            auth_flows=cognito.AuthFlow(user_srp=True),
            disable_o_auth=True,
            generate_secret=False,
            prevent_user_existence_errors=True,
            id_token_validity=Duration.minutes(60),
            access_token_validity=Duration.minutes(60),
            refresh_token_validity=Duration.hours(12),
            enable_token_revocation=True,
            read_attributes=cognito.ClientAttributes().with_standard_attributes(fullname=True, email=True),
            # Nobody edits their own printed name: administrators maintain it (11.50(a)(1)).
            write_attributes=cognito.ClientAttributes(),
        )
        for group in spec.signer_groups:
            cognito.CfnUserPoolGroup(
                self,
                f"Group{_pascal(group)}",
                user_pool_id=self.user_pool.user_pool_id,
                group_name=group,
                description="Signing authority is granted to this group by the estate config (11.10(g))",
            )

    # ------------------------------------------------------------------ handlers

    def _build_functions(self) -> None:
        spec = self.spec
        environment = {
            "LEDGER_TABLE": self.ledger.table_name,
            "MANIFEST_BUCKET": spec.manifest_bucket_name,
            "RECORDS_BUCKETS": ",".join(spec.records_buckets),
            # The handlers publish to the account's default bus; a rule forwards to the audit bus.
            "EVENT_BUS_NAME": "default",
            "AUTH_WINDOW_SECONDS": str(spec.auth_window_seconds),
            "SIGNING_POLICY": json.dumps(spec.signing_policy, sort_keys=True, separators=(",", ":")),
        }
        size = sum(len(k) + len(v) for k, v in environment.items()) + 200
        if size > MAX_ENVIRONMENT_BYTES:
            raise ValueError(
                f"the signing policy makes the function environment {size} bytes, over Lambda's "
                f"{MAX_ENVIRONMENT_BYTES}; use fewer or shorter record classes and group names"
            )
        ledger_arn = self.ledger.table_arn
        record_objects = [f"arn:aws:s3:::{b}/*" for b in spec.records_buckets]
        # Named literally (the name is fixed by the config), so reviewers read the real ARN.
        manifest_bucket_arn = f"arn:aws:s3:::{spec.manifest_bucket_name}"
        read_records = [
            # ListBucket lets S3 answer 404 for a missing version instead of 403, which the
            # handlers turn into a clear "version does not exist" (never a 500).
            iam.PolicyStatement(
                sid="FindRecordVersions",
                actions=["s3:ListBucket"],
                resources=[f"arn:aws:s3:::{b}" for b in spec.records_buckets],
            ),
            iam.PolicyStatement(
                sid="ReadRecordVersions",
                actions=["s3:GetObject", "s3:GetObjectVersion"],
                resources=record_objects,
            ),
            iam.PolicyStatement(
                sid="DecryptRecordsThroughS3",
                actions=["kms:Decrypt"],
                resources=[f"arn:aws:kms:{self._region}:{self._account}:key/*"],
                conditions={
                    "StringEquals": {"kms:ViaService": f"s3.{self._region}.amazonaws.com"},
                    "ForAnyValue:StringEquals": {"kms:ResourceAliases": list(spec.records_key_aliases)},
                },
            ),
        ]
        query = iam.PolicyStatement(sid="ReadLedger", actions=["dynamodb:Query"], resources=[ledger_arn])
        sign = self._function(
            "sign",
            "Sign",
            "runtime.handlers.sign_handler",
            "Applies an electronic signature to one record version (11.50, 11.70, 11.200)",
            environment={**environment, "USER_POOL_ID": self.user_pool.user_pool_id},
            statements=[
                query,
                iam.PolicyStatement(sid="AppendToLedger", actions=["dynamodb:PutItem"], resources=[ledger_arn]),
                *read_records,
                iam.PolicyStatement(
                    # A manifest copy not yet written must read as 404, not 403 (truncation guard).
                    sid="FindManifestCopies", actions=["s3:ListBucket"], resources=[manifest_bucket_arn]
                ),
                iam.PolicyStatement(
                    sid="WriteManifestCopies",
                    actions=["s3:PutObject", "s3:GetObject"],
                    resources=[f"{manifest_bucket_arn}/manifests/*"],
                ),
                iam.PolicyStatement(
                    sid="PublishSignatureEvents",
                    actions=["events:PutEvents"],
                    resources=[f"arn:aws:events:{self._region}:{self._account}:event-bus/default"],
                ),
                iam.PolicyStatement(
                    sid="CheckSignerEnabled",
                    actions=["cognito-idp:AdminGetUser"],
                    resources=[self.user_pool.user_pool_arn],
                ),
            ],
        )
        listing = self._function(
            "list",
            "List",
            "runtime.handlers.list_handler",
            "Lists the signatures of a record with their manifestations (11.50(b))",
            environment=environment,
            statements=[query],
        )
        verify = self._function(
            "verify",
            "Verify",
            "runtime.handlers.verify_handler",
            "Verifies a record's signatures: content hash, ledger chain, retained manifests (11.70)",
            environment=environment,
            statements=[
                query,
                *read_records,
                iam.PolicyStatement(
                    sid="ListManifestCopies", actions=["s3:ListBucketVersions"], resources=[manifest_bucket_arn]
                ),
                iam.PolicyStatement(
                    sid="ReadManifestCopies",
                    actions=["s3:GetObject", "s3:GetObjectVersion"],
                    resources=[f"{manifest_bucket_arn}/manifests/*"],
                ),
            ],
        )
        # The key policy names each role: the key grants nothing through IAM alone. DynamoDB
        # uses the table key on the caller's behalf, so every reader and writer of the ledger
        # needs the key through DynamoDB; S3 needs it for the manifest copies.
        ledger_actions = [
            "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"
        ]
        manifest_actions = {"sign": ["kms:GenerateDataKey", "kms:Decrypt"], "verify": ["kms:Decrypt"]}
        for purpose in ("sign", "list", "verify"):
            principal = iam.ArnPrincipal(self.roles[purpose].role_arn)
            self.key.allow(
                f"{purpose.capitalize()}FunctionUsesLedger",
                principal,
                ledger_actions,
                {"StringEquals": {"kms:ViaService": f"dynamodb.{self._region}.amazonaws.com"}},
            )
            if purpose in manifest_actions:
                self.key.allow(
                    f"{purpose.capitalize()}FunctionUsesManifests",
                    principal,
                    manifest_actions[purpose],
                    {"StringEquals": {"kms:ViaService": f"s3.{self._region}.amazonaws.com"}},
                )
        self.sign_function, self.list_function, self.verify_function = sign, listing, verify

    def _function(
        self, purpose: str, id: str, handler: str, description: str, *, environment: dict, statements: list
    ) -> lambda_.Function:
        log_group = logs.LogGroup(
            self,
            f"{id}Logs",
            encryption_key=self.key.key,
            removal_policy=RemovalPolicy.RETAIN,
        )
        # Set on the L1 so any period CloudWatch accepts can come from the config.
        log_group.node.default_child.retention_in_days = self.spec.log_retention_days
        role = iam.Role(
            self,
            f"{id}Role",
            role_name=self.spec.role_names[purpose],
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=description,
        )
        policy = iam.ManagedPolicy(
            self,
            f"{id}Policy",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    sid="WriteOwnLogs",
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[log_group.log_group_arn],
                ),
                iam.PolicyStatement(
                    sid="WriteTraces", actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"]
                ),
                *statements,
            ],
        )
        function = lambda_.Function(
            self,
            id,
            runtime=PYTHON,
            architecture=lambda_.Architecture.ARM_64,
            handler=handler,
            code=lambda_.Code.from_asset(str(RUNTIME_ROOT), exclude=ASSET_EXCLUDE),
            description=description,
            # The managed policy carries every permission; CDK must not add an inline one.
            role=role.without_policy_updates(),
            log_group=log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            tracing=lambda_.Tracing.ACTIVE,
            timeout=Duration.seconds(29),
            memory_size=512,
            reserved_concurrent_executions=5,
            environment=environment,
        )
        function.node.add_dependency(policy)
        self.log_groups[purpose] = log_group
        self.roles[purpose] = role
        self.functions[purpose] = function
        return function

    # ------------------------------------------------------------------ API

    def _build_api(self) -> None:
        self.access_log_group = logs.LogGroup(
            self,
            "ApiAccessLogs",
            encryption_key=self.key.key,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.access_log_group.node.default_child.retention_in_days = self.spec.log_retention_days
        self.api = apigw.RestApi(
            self,
            "Api",
            description="Electronic signatures: sign, list and verify record versions",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN,
            deploy_options=apigw.StageOptions(
                stage_name="v1",
                access_log_destination=apigw.LogGroupLogDestination(self.access_log_group),
                # Annex 11 12.4: each request is logged with the signer's identity, not only the address.
                access_log_format=apigw.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS, separators=(",", ":"))),
                tracing_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                metrics_enabled=True,
                throttling_rate_limit=20,
                throttling_burst_limit=40,
            ),
        )
        authorizer = apigw.CognitoUserPoolsAuthorizer(self, "SignerAuthorizer", cognito_user_pools=[self.user_pool])
        validator = self.api.add_request_validator(
            "ValidateRequests", validate_request_body=True, validate_request_parameters=True
        )
        protected = {
            "authorizer": authorizer,
            "authorization_type": apigw.AuthorizationType.COGNITO,
            "request_validator": validator,
        }
        sign_body = self.api.add_model(
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
        signatures = self.api.root.add_resource("signatures")
        signatures.add_method(
            "POST",
            apigw.LambdaIntegration(self.sign_function),
            request_models={"application/json": sign_body},
            **protected,
        )
        signatures.add_method(
            "GET", apigw.LambdaIntegration(self.list_function), request_parameters=record_query, **protected
        )
        signatures.add_resource("verify").add_method(
            "GET", apigw.LambdaIntegration(self.verify_function), request_parameters=record_query, **protected
        )
        self._protect_with_waf()

    def _protect_with_waf(self) -> None:
        def managed(name: str, priority: int) -> wafv2.CfnWebACL.RuleProperty:
            return wafv2.CfnWebACL.RuleProperty(
                name=name,
                priority=priority,
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name=name
                    )
                ),
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                visibility_config=_visibility(name),
            )

        self.web_acl = wafv2.CfnWebACL(
            self,
            "ApiFirewall",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility("SignatureApi"),
            rules=[
                managed("AWSManagedRulesCommonRuleSet", 1),
                managed("AWSManagedRulesKnownBadInputsRuleSet", 2),
                wafv2.CfnWebACL.RuleProperty(
                    # 11.300(d): a burst of attempts from one address is blocked, not just logged.
                    name="RateLimitPerAddress",
                    priority=3,
                    statement=wafv2.CfnWebACL.StatementProperty(
                        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                            limit=300, aggregate_key_type="IP"
                        )
                    ),
                    action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                    visibility_config=_visibility("RateLimitPerAddress"),
                ),
            ],
        )
        wafv2.CfnWebACLAssociation(
            self,
            "ApiFirewallAssociation",
            resource_arn=self.api.deployment_stage.stage_arn,
            web_acl_arn=self.web_acl.attr_arn,
        )
        # WAF delivers only to log groups whose name starts with aws-waf-logs-.
        name = f"aws-waf-logs-gxp-esignatures-{self._region}"
        self.firewall_log_group = logs.LogGroup(
            self, "ApiFirewallLogs", log_group_name=name, encryption_key=self.key.key, removal_policy=RemovalPolicy.RETAIN
        )
        self.firewall_log_group.node.default_child.retention_in_days = self.spec.log_retention_days
        logging = wafv2.CfnLoggingConfiguration(
            self,
            "ApiFirewallLogging",
            resource_arn=self.web_acl.attr_arn,
            log_destination_configs=[f"arn:aws:logs:{self._region}:{self._account}:log-group:{name}"],
            # Tokens must not end up in a log (they would let a reader act as the signer).
            redacted_fields=[wafv2.CfnLoggingConfiguration.FieldToMatchProperty(single_header={"Name": "authorization"})],
        )
        logging.node.add_dependency(self.firewall_log_group)

    # ------------------------------------------------------------------ events

    def _forward_events(self) -> None:
        forwarder = iam.Role.from_role_name(self, "EventForwarderRole", self.spec.event_forwarder_role_name)
        # 11.300(d), 11.10(e): applied signatures and refused attempts reach the audit account.
        self.forwarding_rule = events.CfnRule(
            self,
            "ForwardSignatureEvents",
            description="Forward signature events (applied and refused) to the audit account",
            event_pattern={"source": [self.spec.event_source]},
            state="ENABLED",
            targets=[
                events.CfnRule.TargetProperty(
                    id="AuditBus", arn=self.spec.audit_bus_arn, role_arn=forwarder.role_arn
                )
            ],
        )


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.replace("_", "-").replace(".", "-").split("-"))
