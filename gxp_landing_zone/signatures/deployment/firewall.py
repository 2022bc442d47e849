"""The firewall in front of the signature API: managed rule groups, a per-address rate limit
(11.300(d)) and a log that never holds a token."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from ...constructs.managed_key import ManagedKey
from .spec import SignatureServiceSpec
from ...constructs.keep import KEEP


def add_firewall(
    scope: Construct, spec: SignatureServiceSpec, *, key: ManagedKey, api: apigw.RestApi
) -> tuple[wafv2.CfnWebACL, logs.LogGroup]:
    """The web ACL and its log group, in that order."""
    stack = Stack.of(scope)
    region, account = stack.region, stack.account

    def managed(name: str, priority: int) -> wafv2.CfnWebACL.RuleProperty:
        return wafv2.CfnWebACL.RuleProperty(
            name=name,
            priority=priority,
            statement=wafv2.CfnWebACL.StatementProperty(
                managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                    vendor_name="AWS", name=name
                )
            ),
            override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
            visibility_config=_visibility(name),
        )

    web_acl = wafv2.CfnWebACL(
        scope,
        "ApiFirewall",
        scope="REGIONAL",
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=_visibility("SignatureApi"),
        rules=[
            managed("AWSManagedRulesCommonRuleSet", 1),
            managed("AWSManagedRulesKnownBadInputsRuleSet", 2),
            wafv2.CfnWebACL.RuleProperty(
                # 11.300(d): a burst of attempts from one address is blocked, not just logged.
                name="RateLimitPerAddress",
                priority=3,
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        limit=300, aggregate_key_type="IP"
                    )
                ),
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                visibility_config=_visibility("RateLimitPerAddress"),
            ),
        ],
    )
    wafv2.CfnWebACLAssociation(
        scope,
        "ApiFirewallAssociation",
        resource_arn=api.deployment_stage.stage_arn,
        web_acl_arn=web_acl.attr_arn,
    )
    # WAF delivers only to log groups whose name starts with aws-waf-logs-.
    name = f"aws-waf-logs-gxp-esignatures-{region}"
    firewall_log_group = logs.LogGroup(
        scope, "ApiFirewallLogs", log_group_name=name, encryption_key=key.key, removal_policy=KEEP
    )
    firewall_log_group.node.default_child.retention_in_days = spec.log_retention_days
    logging = wafv2.CfnLoggingConfiguration(
        scope,
        "ApiFirewallLogging",
        resource_arn=web_acl.attr_arn,
        log_destination_configs=[f"arn:aws:logs:{region}:{account}:log-group:{name}"],
        # Tokens must not end up in a log (they would let a reader act as the signer).
        redacted_fields=[wafv2.CfnLoggingConfiguration.FieldToMatchProperty(single_header={"Name": "authorization"})],
    )
    logging.node.add_dependency(firewall_log_group)
    return web_acl, firewall_log_group


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )
