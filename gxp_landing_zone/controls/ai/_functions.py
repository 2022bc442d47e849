"""The functions the model-governance controls look for beside what they judge: found by handler in a
template, by the role the config names in a deployed account, and read with their execution role."""

from __future__ import annotations

from ..cfn import Resource, Unresolved
from ..signatures._service import function_statements, variable
from ..model import Verdict, cannot_prove, compliant, non_compliant

APPROVAL_HANDLER = "runtime.release_handlers.sagemaker_approval_handler"
BEDROCK_EVALUATION_HANDLER = "runtime.bedrock_evaluation.handler"
PACKAGE_EVALUATION_HANDLER = "runtime.package_evaluation.handler"


def function_named_by(stack, value) -> Resource | None:
    """The function a rule target or event source names: a reference in a template, an ARN deployed."""
    found = stack.target(value, "AWS::Lambda::Function")
    if found is not None or not isinstance(value, str):
        return found
    return next((f for f in stack.of_type("AWS::Lambda::Function") if f.get("FunctionArn") == value), None)


def functions_with(stack, handler: str) -> list[Resource]:
    return [f for f in stack.of_type("AWS::Lambda::Function") if f.get("Handler") == handler]


def expect_variable(function: Resource, name: str, required, what: str) -> Verdict:
    value = variable(function, name)
    if isinstance(value, Unresolved):
        return cannot_prove(f"{what} {name}: {value.why}")
    if value != required:
        return non_compliant(f"{what} {name} is {value!r}; required {required!r}")
    return compliant()


def may(function: Resource, action: str, resource_arn: str, what: str) -> Verdict:
    """The function's execution role allows ``action`` on ``resource_arn``."""
    from ..guardrails._judges import within

    found = function_statements(function, what)
    if not isinstance(found, list):
        return found
    for statement in found:
        if statement.is_allow and statement.applies_to_action(action) and any(
                isinstance(r, str) and within(resource_arn, r) for r in statement.resources()):
            return compliant()
    return non_compliant(f"{what} may not {action} on {resource_arn}")
