"""How each Lambda function of the service is built: the runtime asset, its own encrypted log
group, a role of its own with one managed policy, tracing."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from ...constructs.managed_key import ManagedKey
from .spec import SignatureServiceSpec
from ...constructs.keep import KEEP

RUNTIME_ROOT = Path(__file__).resolve().parent.parent
# The asset is the signatures package; the handlers live in its ``runtime`` package, and the
# construct code around it (infrastructure.py, deployment/) has no place in a function.
ASSET_EXCLUDE = ["infrastructure.py", "deployment", "__pycache__", "**/__pycache__", "*.pyc", "**/*.pyc"]
PYTHON = lambda_.Runtime.PYTHON_3_14


class FunctionFactory:
    """Adds the service's functions to ``scope`` and keeps each one's log group, role and function
    by purpose ("sign", "list", "verify", "token")."""

    def __init__(self, scope: Construct, *, key: ManagedKey, spec: SignatureServiceSpec) -> None:
        self.scope, self.key, self.spec = scope, key, spec
        self.log_groups: dict[str, logs.LogGroup] = {}
        self.roles: dict[str, iam.Role] = {}
        self.functions: dict[str, lambda_.Function] = {}

    def add(
        self, purpose: str, id: str, handler: str, description: str, *, environment: dict, statements: list
    ) -> lambda_.Function:
        scope = self.scope
        log_group = logs.LogGroup(
            scope,
            f"{id}Logs",
            encryption_key=self.key.key,
            removal_policy=KEEP,
        )
        # Set on the L1 so any period CloudWatch accepts can come from the config.
        log_group.node.default_child.retention_in_days = self.spec.log_retention_days
        role = iam.Role(
            scope,
            f"{id}Role",
            role_name=self.spec.role_names[purpose],
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=description,
        )
        policy = iam.ManagedPolicy(
            scope,
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
            scope,
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
