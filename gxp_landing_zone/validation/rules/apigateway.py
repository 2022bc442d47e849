from __future__ import annotations

from cdk_nag import NagRuleCompliance as C

from ._read import prop
from .context import RuleContext


def method_authorized(node, ctx: RuleContext):
    if prop(node, "http_method") == "OPTIONS":
        return C.NOT_APPLICABLE  # browsers send CORS pre-flight requests without credentials
    kind = prop(node, "authorization_type")
    return C.COMPLIANT if kind and kind != "NONE" else C.NON_COMPLIANT


def access_logged(node, ctx: RuleContext):
    setting = prop(node, "access_log_setting") or {}
    return C.COMPLIANT if setting.get("destinationArn") and setting.get("format") else C.NON_COMPLIANT
