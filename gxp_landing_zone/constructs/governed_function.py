"""A Python Lambda function the way every function of the estate is built: its own named role with
one customer-managed policy (no inline policy), a KMS-encrypted log group kept like the other audit
logs, active tracing, reserved concurrency and JSON logs."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from .acknowledge import acknowledge
from .keep import KEEP

PYTHON = lambda_.Runtime.PYTHON_3_14
# Construct code and tools beside the runtime package never belong in a function.
EXCLUDE = ["__pycache__", "**/__pycache__", "*.pyc", "**/*.pyc"]


class GovernedFunction(Construct):
    # Whether the function acknowledges, with the generic reasons below, the X-Ray wildcard and running outside
    # a VPC; a kind of function whose stack gives each its own reason turns this off.
    GENERIC_ACKNOWLEDGEMENTS = True

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        code_root: Path,
        exclude: list[str],
        handler: str,
        description: str,
        role_name: str,
        key: kms.IKey,
        log_retention_days: int,
        statements: list[iam.PolicyStatement],
        environment: dict[str, str],
        timeout: Duration = Duration.seconds(60),
        reserved_concurrency: int = 2,
        memory_size: int = 512,
        function_name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.log_group = logs.LogGroup(self, "Logs", encryption_key=key, removal_policy=KEEP)
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
                    sid="WriteOwnLogs", actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[self.log_group.log_group_arn]
                ),
                iam.PolicyStatement(sid="WriteTraces", actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"]),
                *statements,
            ],
        )
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=PYTHON,
            architecture=lambda_.Architecture.ARM_64,
            handler=handler,
            function_name=function_name,
            code=lambda_.Code.from_asset(str(code_root), exclude=[*EXCLUDE, *exclude]),
            description=description,
            role=self.role.without_policy_updates(),
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            tracing=lambda_.Tracing.ACTIVE,
            timeout=timeout,
            memory_size=memory_size,
            reserved_concurrent_executions=reserved_concurrency,
            environment=environment,
        )
        self.function.node.add_dependency(self.policy)
        if not self.GENERIC_ACKNOWLEDGEMENTS:
            return
        acknowledge(
            self.policy,
            ["AwsSolutions-IAM5[Resource::*]"],
            "xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions; the statement "
            "holds only those two actions",
        )
        acknowledge(
            self.function,
            ["HIPAA.Security-LambdaInsideVPC", "NIST.800.53.R5-LambdaInsideVPC"],
            "The function calls only regional AWS APIs over TLS with SigV4 under its own least-privilege role and "
            "reaches nothing inside a VPC",
        )
