from __future__ import annotations

import json

from aws_cdk import Stack
from cdk_nag import NagRuleCompliance as C

from ...constructs.tags import MANIFEST_RETENTION_CLASS, RETENTION_CLASS_TAG
from ._read import as_list, prop, refers_to, siblings, tag
from .context import RuleContext
from .s3 import object_lock_compliance_mode, object_lock_retention_meets_class


def _environment(node) -> dict:
    # Function renders its environment lazily; through jsii the typed property arrives as an
    # empty struct, so read the properties the resource will render.
    properties = Stack.of(node).resolve(node._cfn_properties) or {}
    return (properties.get("environment") or {}).get("variables") or {}


def tracing_active(node, ctx: RuleContext):
    tracing = prop(node, "tracing_config") or {}
    return C.COMPLIANT if tracing.get("mode") == "Active" else C.NON_COMPLIANT


def signature_manifests_immutable(node, ctx: RuleContext):
    """A function that writes signature manifests must write them to a locked bucket of this stack."""
    name = _environment(node).get("MANIFEST_BUCKET")
    if name is None:
        return C.NOT_APPLICABLE
    for bucket in siblings(node, "AWS::S3::Bucket"):
        if prop(bucket, "bucket_name") == name:
            locked = (
                tag(bucket, RETENTION_CLASS_TAG) == MANIFEST_RETENTION_CLASS
                and object_lock_compliance_mode(bucket, ctx) is C.COMPLIANT
                and object_lock_retention_meets_class(bucket, ctx) is C.COMPLIANT
            )
            return C.COMPLIANT if locked else C.NON_COMPLIANT
    return C.NON_COMPLIANT


def signature_events_forwarded(node, ctx: RuleContext):
    """A function that publishes signature events needs an enabled rule sending them to the audit bus."""
    if "EVENT_BUS_NAME" not in _environment(node):
        return C.NOT_APPLICABLE
    for rule in siblings(node, "AWS::Events::Rule"):
        pattern = prop(rule, "event_pattern") or {}
        if (
            prop(rule, "state") == "ENABLED"
            and ctx.signature_event_source in as_list(pattern.get("source"))
            and "detail-type" not in pattern
            and any(t.get("arn") == ctx.audit_bus_arn for t in prop(rule, "targets") or [])
        ):
            return C.COMPLIANT
    return C.NON_COMPLIANT


SIGN_HANDLER = "runtime.handlers.sign_handler"


def signing_policy_as_configured(node, ctx: RuleContext):
    """The deployed grants and sequences are exactly the validated config's, nothing looser."""
    environment = _environment(node)
    if "SIGNING_POLICY" not in environment:
        return C.NOT_APPLICABLE
    try:
        policy = json.loads(environment["SIGNING_POLICY"])
    except (TypeError, ValueError):
        return C.NON_COMPLIANT
    grants = {
        name: {group: sorted(meanings) for group, meanings in groups.items()}
        for name, groups in (policy.get("grants") or {}).items()
    }
    sequences = {name: list(order) for name, order in (policy.get("sequences") or {}).items()}
    same = grants == ctx.signature_grants and sequences == ctx.signature_sequences
    return C.COMPLIANT if same and not policy.get("default_record_class") else C.NON_COMPLIANT


def disabled_signers_refused(node, ctx: RuleContext):
    """The signing function asks the user pool whether the signer is still enabled (a token outlives a disablement)."""
    if prop(node, "handler") != SIGN_HANDLER:
        return C.NOT_APPLICABLE
    pool = _environment(node).get("USER_POOL_ID")
    if not isinstance(pool, dict):
        return C.NON_COMPLIANT
    return C.COMPLIANT if any(refers_to(pool, p) for p in siblings(node, "AWS::Cognito::UserPool")) else C.NON_COMPLIANT
