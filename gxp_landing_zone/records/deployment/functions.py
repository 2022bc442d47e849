"""How a records function is built: the estate's governed function (a named role with one managed policy,
its own KMS-encrypted log group, tracing, a small reserved concurrency) running a module of the records
runtime, from the assembled runtime asset."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from constructs import Construct

from ...constructs.governed_function import GovernedFunction
from .asset import handler, runtime_root


class RecordsFunction(GovernedFunction):
    # The records stack acknowledges each records function's wildcards and network path with its own reasons.
    GENERIC_ACKNOWLEDGEMENTS = False

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
        super().__init__(
            scope, id, code_root=Path(runtime_root()), exclude=[], handler=handler(module), description=description,
            role_name=role_name, key=log_key, log_retention_days=log_retention_days, statements=statements,
            environment=environment or {}, timeout=timeout, memory_size=memory_size, function_name=function_name,
        )
