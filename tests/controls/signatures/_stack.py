"""What the signature-service control tests share: the reference stack, its builder, and ways to reach
its resources in a template (template cases) and in the built stack (channel cases)."""

from __future__ import annotations

import json

from aws_cdk import Fn, Stack
from aws_cdk import aws_lambda as lambda_

from controls.support import properties, the
from gxp_landing_zone.stacks.signatures import SignatureServiceStack

STACK = "Signatures-regulated-us-us-east-1"
HANDLERS = {
    "sign": "runtime.handlers.sign_handler",
    "list": "runtime.handlers.list_handler",
    "verify": "runtime.handlers.verify_handler",
    "token": "runtime.pre_token.handler",
}


def build(app, config):
    return SignatureServiceStack(app, config=config, account=config.account("regulated-us"), region=config.home_region)


# -- in a template ------------------------------------------------------------------------------------


def pool(template: dict) -> dict:
    return properties(template, "AWS::Cognito::UserPool")


def ledger(template: dict) -> dict:
    return properties(template, "AWS::DynamoDB::Table")


def function(template: dict, purpose: str) -> dict:
    """The properties of the function that runs ``purpose``'s handler."""
    (found,) = [
        r["Properties"] for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::Function" and r["Properties"].get("Handler") == HANDLERS[purpose]
    ]
    return found


def variables(template: dict, purpose: str) -> dict:
    return function(template, purpose)["Environment"]["Variables"]


def signing_policy(template: dict, purpose: str = "sign") -> dict:
    return json.loads(variables(template, purpose)["SIGNING_POLICY"])


def set_signing_policy(template: dict, policy: dict, purpose: str = "sign") -> None:
    variables(template, purpose)["SIGNING_POLICY"] = json.dumps(policy)


def rule(template: dict) -> dict:
    return properties(template, "AWS::Events::Rule")


def stage(template: dict) -> dict:
    return properties(template, "AWS::ApiGateway::Stage")


def method(template: dict, named: str) -> dict:
    return properties(template, "AWS::ApiGateway::Method", named)


def sign_policy_statements(template: dict) -> list:
    return the(template, "AWS::IAM::ManagedPolicy", "SignPolicy")["Properties"]["PolicyDocument"]["Statement"]


def check_signer_statement(template: dict) -> dict:
    return next(s for s in sign_policy_statements(template) if s.get("Sid") == "CheckSignerEnabled")


def logical_id(template: dict, resource_type: str, named: str = "") -> str:
    (found,) = [lid for lid, r in template["Resources"].items() if r["Type"] == resource_type and named in lid]
    return found


# -- in the built stack --------------------------------------------------------------------------------


def cfn_pool(stack):
    return stack.service.user_pool.node.default_child


def cfn_function(stack, purpose: str = "sign"):
    return stack.service.functions[purpose].node.default_child


def built_variables(stack, purpose: str = "sign") -> dict:
    """The environment the function renders (CDK renders it lazily, so read it resolved)."""
    cfn = cfn_function(stack, purpose)
    return dict(Stack.of(cfn).resolve(cfn._cfn_properties)["environment"]["variables"])


def _as_token(value):
    # The L1 property takes strings: a resolved {"Ref": id} or {"Fn::GetAtt": [id, attr]} goes back in as
    # the token that renders it.
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return Fn.ref(value["Ref"])
    if isinstance(value, dict) and set(value) == {"Fn::GetAtt"}:
        return Fn.get_att(*value["Fn::GetAtt"]).to_string()
    return value


def set_variables(stack, purpose: str = "sign", **changes) -> None:
    """Replace the function's environment through the L1 property, with ``changes`` (None removes)."""
    merged = {k: _as_token(v) for k, v in {**built_variables(stack, purpose), **changes}.items() if v is not None}
    cfn_function(stack, purpose).environment = lambda_.CfnFunction.EnvironmentProperty(variables=merged)


def redirecting_function(**changes):
    """lambda_.Function as if the construct's code built the service environment with ``changes``
    (a callable receives the variables and returns the new value; None removes the variable)."""

    class Edited(lambda_.Function):
        def __init__(self, *args, environment=None, **kwargs):
            if environment and "SIGNING_POLICY" in environment:
                environment = dict(environment)
                for name, change in changes.items():
                    value = change(environment) if callable(change) else change
                    if value is None:
                        environment.pop(name, None)
                    else:
                        environment[name] = value
            super().__init__(*args, environment=environment, **kwargs)

    Edited.__name__ = lambda_.Function.__name__
    return Edited
