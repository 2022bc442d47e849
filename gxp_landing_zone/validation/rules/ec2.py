"""Network and instance rules for the workload VPCs and the Batch container instances."""

from __future__ import annotations

from cdk_nag import NagRuleCompliance as C

from ._read import as_list, prop, refers_to, siblings, siblings_by_type
from .context import RuleContext

ANYWHERE = {"0.0.0.0/0", "::/0"}


def _refers_any(value, nodes) -> object | None:
    return next((n for n in nodes if refers_to(value, n)), None)


def flow_logs_enabled(node, ctx: RuleContext):
    """A flow log captures ALL traffic of this VPC and delivers it somewhere."""
    for flow_log in siblings(node, "AWS::EC2::FlowLog"):
        if (
            prop(flow_log, "resource_type") == "VPC"
            and refers_to(prop(flow_log, "resource_id"), node)
            and prop(flow_log, "traffic_type") == "ALL"
            and (prop(flow_log, "log_destination") or prop(flow_log, "log_group_name"))
        ):
            return C.COMPLIANT
    return C.NON_COMPLIANT


def no_internet_path(node, ctx: RuleContext):
    """No internet gateway, egress-only gateway or NAT gateway, and no default route out of the VPC."""
    found = siblings_by_type(
        node,
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::EC2::EgressOnlyInternetGateway",
        "AWS::EC2::Subnet",
        "AWS::EC2::NatGateway",
        "AWS::EC2::RouteTable",
        "AWS::EC2::Route",
    )
    for attachment in found["AWS::EC2::VPCGatewayAttachment"]:
        if refers_to(prop(attachment, "vpc_id"), node) and prop(attachment, "internet_gateway_id"):
            return C.NON_COMPLIANT
    for gateway in found["AWS::EC2::EgressOnlyInternetGateway"]:
        if refers_to(prop(gateway, "vpc_id"), node):
            return C.NON_COMPLIANT
    subnets = [s for s in found["AWS::EC2::Subnet"] if refers_to(prop(s, "vpc_id"), node)]
    for nat in found["AWS::EC2::NatGateway"]:
        if _refers_any(prop(nat, "subnet_id"), subnets) is not None:
            return C.NON_COMPLIANT
    tables = [t for t in found["AWS::EC2::RouteTable"] if refers_to(prop(t, "vpc_id"), node)]
    for route in found["AWS::EC2::Route"]:
        if _refers_any(prop(route, "route_table_id"), tables) is None:
            continue
        destination = {prop(route, "destination_cidr_block"), prop(route, "destination_ipv6_cidr_block")}
        if destination & ANYWHERE:
            return C.NON_COMPLIANT
    return C.COMPLIANT


def _launch_template(node):
    resources = prop(node, "compute_resources") or {}
    reference = (resources.get("launchTemplate") or {}).get("launchTemplateId")
    return _refers_any(reference, siblings(node, "AWS::EC2::LaunchTemplate"))


def _template_data(template) -> dict:
    return prop(template, "launch_template_data") or {}


def no_public_ips(node, ctx: RuleContext):
    """Batch instances land only in subnets that hand out no public address, and the launch
    template does not ask for one. A subnet the rule cannot see is not proven private."""
    resources = prop(node, "compute_resources") or {}
    if resources.get("type") in ("FARGATE", "FARGATE_SPOT") or not resources:
        return C.NOT_APPLICABLE
    subnets = list(siblings(node, "AWS::EC2::Subnet"))
    for reference in as_list(resources.get("subnets")):
        subnet = _refers_any(reference, subnets)
        if subnet is None or prop(subnet, "map_public_ip_on_launch") is True:
            return C.NON_COMPLIANT
    template = _launch_template(node)
    if template is not None:
        for interface in _template_data(template).get("networkInterfaces") or []:
            if interface.get("associatePublicIpAddress") is True:
                return C.NON_COMPLIANT
    return C.COMPLIANT


def imdsv2_required(node, ctx: RuleContext):
    """The instances' launch template requires session tokens (IMDSv2): instance credentials
    cannot be read by a plain GET forwarded from a compromised workload."""
    resources = prop(node, "compute_resources") or {}
    if resources.get("type") in ("FARGATE", "FARGATE_SPOT") or not resources:
        return C.NOT_APPLICABLE
    template = _launch_template(node)
    if template is None:
        return C.NON_COMPLIANT
    metadata = _template_data(template).get("metadataOptions") or {}
    return C.COMPLIANT if metadata.get("httpTokens") == "required" else C.NON_COMPLIANT


def volumes_encrypted_with_cmk(node, ctx: RuleContext):
    """Every EBS volume of the instances is encrypted with a customer-managed key."""
    resources = prop(node, "compute_resources") or {}
    if resources.get("type") in ("FARGATE", "FARGATE_SPOT") or not resources:
        return C.NOT_APPLICABLE
    template = _launch_template(node)
    if template is None:
        return C.NON_COMPLIANT
    mappings = [m for m in _template_data(template).get("blockDeviceMappings") or [] if m.get("ebs")]
    if not mappings:
        return C.NON_COMPLIANT
    for mapping in mappings:
        ebs = mapping["ebs"]
        if ebs.get("encrypted") is not True or not ebs.get("kmsKeyId"):
            return C.NON_COMPLIANT
    return C.COMPLIANT
