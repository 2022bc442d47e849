from __future__ import annotations

from aws_cdk import Stack
from cdk_nag import NagRuleCompliance as C

from ...constructs.tags import MANIFEST_RETENTION_CLASS, RETENTION_CLASS_TAG
from ._read import as_list, prop, siblings, tag
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
