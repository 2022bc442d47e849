"""How a records function is built: the assembled runtime asset, a named role with one managed policy,
its own KMS-encrypted log group, tracing and a small reserved concurrency."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from ...constructs.keep import KEEP
from .asset import handler, runtime_root

PYTHON = lambda_.Runtime.PYTHON_3_14


class RecordsFunction(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        module: str,
        description: str,
        role_name: str,
        log_key,
        log_retention_days: int,
        statements: list[iam.PolicyStatement],
        environment: dict[str, str] | None = None,
        timeout: Duration = Duration.seconds(60),
        memory_size: int = 512,
        function_name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.log_group = logs.LogGroup(self, "Logs", encryption_key=log_key, removal_policy=KEEP)
        # Set on the L1 so any period CloudWatch accepts can come from the config.
        self.log_group.node.default_child.retention_in_days = log_retention_days
        self.role = iam.Role(
            self, "Role", role_name=role_name, assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description
        )
        self.policy = iam.ManagedPolicy(
            self,
            "Policy",
            roles=[self.role],
            statements=[
                iam.PolicyStatement(
                    sid="WriteOwnLogs",
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[self.log_group.log_group_arn],
                ),
                iam.PolicyStatement(
                    sid="WriteTraces", actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"]
                ),
                *statements,
            ],
        )
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=PYTHON,
            architecture=lambda_.Architecture.ARM_64,
            handler=handler(module),
            function_name=function_name,
            code=lambda_.Code.from_asset(runtime_root()),
            description=description,
            role=self.role.without_policy_updates(),
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            tracing=lambda_.Tracing.ACTIVE,
            timeout=timeout,
            memory_size=memory_size,
            reserved_concurrent_executions=2,
            environment=environment or {},
        )
        self.function.node.add_dependency(self.policy)
