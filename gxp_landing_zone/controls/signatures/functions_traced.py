"""GXP-LAMBDA-01: Lambda functions trace their requests with X-Ray."""

from __future__ import annotations

from ..deployed.lambda_functions import signature_functions
from ..model import Control, expect
from ._service import service_check


def check(function, ctx):
    # Absent, Lambda passes an upstream trace through but starts none of its own.
    return expect(function.get("TracingConfig.Mode"), "Active", "TracingConfig.Mode")


CONTROL = Control(
    id="GXP-LAMBDA-01",
    title="Function calls traced",
    statement=(
        "Lambda functions have active X-Ray tracing, so sampled requests can be followed through every service they "
        "touched."
    ),
    operational=(
        "Traces show where a request to the signature service failed, which incident analysis uses; sampling means not every call is traced, so it is no audit trail."
    ),
    resource_types=("AWS::Lambda::Function",),
    check=check,
    deployed=service_check(lambda reader: list(signature_functions(reader).values())),
)
