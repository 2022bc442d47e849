"""Electronic-signature controls: each one, removed or weakened, is caught by its rule.

Same structure as test_mutation_audit.py: build the signature stack of one regulated account
in a fresh app, check the control passes, weaken it, and check the GXP pack reports it.
"""

from __future__ import annotations

import json

import pytest
from mutation_support import assert_caught, Mutation, build, prop, violations

from gxp_landing_zone.stacks.signatures import SignatureServiceStack


def signature_stack(app, config, region, role):
    account = config.account(role or "regulated-us")
    return SignatureServiceStack(app, config=config, account=account, region=region or config.workload_regions(account)[0])


def pool(stack):
    return stack.service.user_pool.node.default_child


def table(stack):
    return stack.service.ledger.node.default_child


def sign_function(stack):
    return stack.service.functions["sign"].node.default_child


def _weaker_password(stack):
    policies = prop(pool(stack), "policies")
    policies["passwordPolicy"]["minimumLength"] = 8
    pool(stack).policies = policies


def _name_optional(stack):
    schema = prop(pool(stack), "schema")
    for attribute in schema:
        if attribute["name"] == "name":
            attribute["required"] = False
    pool(stack).schema = schema


def _open_sign_method(stack):
    method = stack.service.api.root.get_resource("signatures").node.find_child("POST").node.default_child
    method.authorization_type = "NONE"
    method.authorizer_id = None


def _sign_policy(stack) -> dict:
    from aws_cdk import Stack

    function = sign_function(stack)
    return json.loads(Stack.of(function).resolve(function._cfn_properties)["environment"]["variables"]["SIGNING_POLICY"])


def _set_sign_variable(stack, name: str, value: str):
    # Through the L2, as a code change would: the L1 environment is rendered from it.
    stack.service.functions["sign"].add_environment(name, value)


def _drop_sequence(stack):
    policy = _sign_policy(stack)
    policy["sequences"].pop("batch-record")
    _set_sign_variable(stack, "SIGNING_POLICY", json.dumps(policy))


S = signature_stack
MUTATIONS: dict[str, Mutation] = {
    "GXP-ESIG-01": Mutation(S, "MFA made optional", lambda s: setattr(pool(s), "mfa_configuration", "OPTIONAL")),
    "GXP-ESIG-02": Mutation(
        S, "self sign-up allowed", lambda s: setattr(pool(s), "admin_create_user_config", {"allowAdminCreateUserOnly": False})
    ),
    "GXP-ESIG-03": Mutation(S, "8-character passwords", _weaker_password),
    "GXP-ESIG-04": Mutation(S, "case-sensitive usernames", lambda s: setattr(pool(s), "username_configuration", {"caseSensitive": True})),
    "GXP-ESIG-05": Mutation(
        S, "threat protection in audit mode only", lambda s: setattr(pool(s), "user_pool_add_ons", {"advancedSecurityMode": "AUDIT"})
    ),
    "GXP-ESIG-06": Mutation(S, "printed name optional", _name_optional),
    "GXP-ESIG-07": Mutation(
        S,
        "manifest bucket Object Lock switched to GOVERNANCE",
        lambda s: setattr(
            s.service.manifests.bucket.node.default_child,
            "object_lock_configuration",
            {"objectLockEnabled": "Enabled", "rule": {"defaultRetention": {"mode": "GOVERNANCE", "days": 25 * 365}}},
        ),
    ),
    "GXP-ESIG-08": Mutation(S, "forwarding rule disabled", lambda s: setattr(s.service.forwarding_rule, "state", "DISABLED")),
    "GXP-ESIG-09": Mutation(S, "review-before-approval dropped from batch records", _drop_sequence),
    "GXP-ESIG-10": Mutation(
        S, "signer enablement checked against no pool of this stack", lambda s: _set_sign_variable(s, "USER_POOL_ID", "")
    ),
    "GXP-DDB-01": Mutation(
        S, "ledger point-in-time recovery off", lambda s: setattr(table(s), "point_in_time_recovery_specification", {"pointInTimeRecoveryEnabled": False})
    ),
    "GXP-DDB-02": Mutation(S, "ledger on an AWS-owned key", lambda s: setattr(table(s), "sse_specification", None)),
    "GXP-API-01": Mutation(S, "sign method opened to anonymous callers", _open_sign_method),
    "GXP-API-02": Mutation(
        S, "stage access log removed", lambda s: setattr(s.service.api.deployment_stage.node.default_child, "access_log_setting", None)
    ),
    "GXP-LAMBDA-01": Mutation(S, "sign function tracing off", lambda s: setattr(sign_function(s), "tracing_config", None)),
}




@pytest.mark.parametrize("control_id", sorted(MUTATIONS))
def test_weakening_the_control_fails_its_rule(control_id, reference_config):
    assert_caught(control_id, MUTATIONS[control_id], reference_config)


def test_deletion_protection_is_part_of_identity_control(reference_config):
    stack = build(S, reference_config)
    pool(stack).deletion_protection = "INACTIVE"
    assert "GXP-ESIG-04" in violations(stack, reference_config)


def test_ledger_deletion_protection_is_checked(reference_config):
    stack = build(S, reference_config)
    table(stack).deletion_protection_enabled = False
    assert "GXP-DDB-01" in violations(stack, reference_config)


def test_forwarding_only_refusals_is_not_enough(reference_config):
    stack = build(S, reference_config)
    pattern = prop(stack.service.forwarding_rule, "event_pattern")
    stack.service.forwarding_rule.event_pattern = {**pattern, "detail-type": ["Signature Attempt Refused"]}
    assert "GXP-ESIG-08" in violations(stack, reference_config)


def test_a_catch_all_record_class_is_refused(reference_config):
    stack = build(S, reference_config)
    policy = {**_sign_policy(stack), "default_record_class": "batch-record"}
    _set_sign_variable(stack, "SIGNING_POLICY", json.dumps(policy))
    assert "GXP-ESIG-09" in violations(stack, reference_config)


def test_remembered_devices_may_not_skip_the_second_factor(reference_config):
    stack = build(S, reference_config)
    pool(stack).device_configuration = {"challengeRequiredOnNewDevice": True, "deviceOnlyRememberedOnUserPrompt": False}
    assert "GXP-ESIG-01" in violations(stack, reference_config)
