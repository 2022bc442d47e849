"""The workload network, launch templates, account EBS settings and the KMS keys they name, in
CloudFormation's shape.

Values that point at other resources become references to resources of the synthetic template, as
they are in a synthesized one: a subnet ID becomes ``{"Ref": <AWS::EC2::Subnet>}`` whose ``VpcId``
refers to the workload VPC (or stays the literal ID of a VPC that is not one), and a key ID or ARN
becomes ``{"Fn::GetAtt": [<AWS::KMS::Key>, "Arn"]}``. A deployed key carries ``KeyManager`` as KMS
reports it, because an ARN alone does not say whether the customer or AWS manages the key.
"""

from __future__ import annotations

import json

from ...topology import runs_compute
from ..cfn import Resource, Unresolved
from .reader import AccountReader, physical_id

ROLE_TAG = "gxp:account-role"
# NAT gateways in these states no longer route anything.
GONE = ("deleted", "deleting", "failed")


def compute_runs_here(reader: AccountReader) -> bool:
    """The estate builds a Compute stack only where the config turns compute on (topology.py)."""
    return runs_compute(reader.config, reader.account) and reader.region in reader.config.workload_regions(reader.account)


# -- KMS keys ---------------------------------------------------------------------------------------


def key(reader: AccountReader, key_id: str) -> dict:
    """A reference to the key ``key_id`` names (ID, ARN or alias), read once."""
    resource = reader.once(("kms", "key-manager", key_id), lambda: _key(reader, key_id))
    return {"Fn::GetAtt": [resource.logical_id, "Arn"]}


def _key(reader: AccountReader, key_id: str) -> Resource:
    answer = reader.call("kms", "describe_key", KeyId=key_id)
    metadata = answer.get("KeyMetadata")
    if not isinstance(metadata, dict):
        return reader.add("AWS::KMS::Key", key_id, {"KeyManager": metadata if metadata is not None else Unresolved(
            f"KMS described no key {key_id}")})
    return reader.add("AWS::KMS::Key", key_id, {"KeyManager": metadata.get("KeyManager"), "Arn": metadata.get("Arn")})


# -- the workload VPC and what routes out of it -------------------------------------------------------


def workload_vpcs(reader: AccountReader) -> list[Resource]:
    """The VPCs the Compute stack tagged for this account role; a default VPC is not one of them."""
    return reader.once(("ec2", "workload-vpcs"), lambda: _workload_vpcs(reader))


def _workload_vpcs(reader: AccountReader) -> list[Resource]:
    role = reader.account.role
    answer = reader.call("ec2", "describe_vpcs", Filters=[{"Name": f"tag:{ROLE_TAG}", "Values": [role]}])
    if not answer.ok:
        return [reader.add("AWS::EC2::VPC", "workload VPC", {}, missing=f"cannot list VPCs: {answer.error}")]
    vpcs = answer.get("Vpcs") or []
    if not vpcs:
        return [reader.add("AWS::EC2::VPC", "workload VPC", {}, missing=f"no VPC tagged {ROLE_TAG}={role}")]
    return [
        reader.add("AWS::EC2::VPC", v["VpcId"], {"CidrBlock": v.get("CidrBlock"), "Tags": v.get("Tags") or []})
        for v in vpcs
    ]


def _vpc_value(reader: AccountReader, vpc_id) -> object:
    """A Ref to the workload VPC resource for ``vpc_id``, or the literal ID of a VPC that is not one."""
    for vpc in workload_vpcs(reader):
        if physical_id(vpc) == vpc_id:
            return {"Ref": vpc.logical_id}
    return vpc_id


def subnet(reader: AccountReader, subnet_id: str) -> dict:
    resource = reader.once(("ec2", "subnet", subnet_id), lambda: _subnet(reader, subnet_id))
    return {"Ref": resource.logical_id}


def _subnet(reader: AccountReader, subnet_id: str) -> Resource:
    answer = reader.call("ec2", "describe_subnets", SubnetIds=[subnet_id])
    found = answer.get("Subnets")
    if not isinstance(found, list) or not found:
        why = found if isinstance(found, Unresolved) else Unresolved(f"EC2 describes no subnet {subnet_id}")
        return reader.add("AWS::EC2::Subnet", subnet_id, {"VpcId": why, "MapPublicIpOnLaunch": why})
    described = found[0]
    return reader.add("AWS::EC2::Subnet", subnet_id, {
        "VpcId": _vpc_value(reader, described.get("VpcId")),
        "MapPublicIpOnLaunch": described.get("MapPublicIpOnLaunch"),
    })


def security_group(reader: AccountReader, group_id: str) -> dict:
    resource = reader.once(("ec2", "security-group", group_id), lambda: _security_group(reader, group_id))
    return {"Fn::GetAtt": [resource.logical_id, "GroupId"]}


def _security_group(reader: AccountReader, group_id: str) -> Resource:
    answer = reader.call("ec2", "describe_security_groups", GroupIds=[group_id])
    found = answer.get("SecurityGroups")
    if not isinstance(found, list) or not found:
        why = found if isinstance(found, Unresolved) else Unresolved(f"EC2 describes no security group {group_id}")
        return reader.add("AWS::EC2::SecurityGroup", group_id, {"VpcId": why})
    return reader.add("AWS::EC2::SecurityGroup", group_id, {"VpcId": _vpc_value(reader, found[0].get("VpcId"))})


def flow_logs(reader: AccountReader, vpc: Resource) -> None:
    """The VPC's active flow logs as ``AWS::EC2::FlowLog``; an inactive one logs nothing."""
    vpc_id = physical_id(vpc)
    answer = reader.call("ec2", "describe_flow_logs", Filters=[{"Name": "resource-id", "Values": [vpc_id]}])
    target = {"Ref": vpc.logical_id}
    if not answer.ok:
        reader.add("AWS::EC2::FlowLog", f"{vpc_id} flow logs", {
            "ResourceId": target, "ResourceType": "VPC", "TrafficType": Unresolved(answer.error)})
        return
    for flow in answer.get("FlowLogs") or []:
        if flow.get("FlowLogStatus") != "ACTIVE":
            continue
        reader.add("AWS::EC2::FlowLog", flow["FlowLogId"], {k: v for k, v in {
            "ResourceId": target,
            "ResourceType": "VPC",
            "TrafficType": flow.get("TrafficType"),
            "LogDestinationType": flow.get("LogDestinationType"),
            "LogDestination": flow.get("LogDestination"),
            "LogGroupName": flow.get("LogGroupName"),
        }.items() if v is not None})


def _listed(answer, key: str) -> list:
    """The items of a listing, or one Unresolved item carrying the API's error."""
    return answer.get(key) or [] if answer.ok else [Unresolved(answer.error)]


def internet_paths(reader: AccountReader, vpc: Resource) -> None:
    """Gateways, NAT gateways and routes of the VPC, as the resources that would declare them. A
    listing that fails becomes a resource whose deciding property carries the error."""
    vpc_id, target = physical_id(vpc), {"Ref": vpc.logical_id}
    by_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]

    gateways = reader.call("ec2", "describe_internet_gateways", Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])
    for gateway in _listed(gateways, "InternetGateways"):
        gateway_id = gateway if isinstance(gateway, Unresolved) else gateway["InternetGatewayId"]
        reader.add("AWS::EC2::VPCGatewayAttachment", f"{vpc_id} {gateway_id}", {"VpcId": target, "InternetGatewayId": gateway_id})
    # The egress-only gateway API has no VPC filter: the attachment is matched here.
    for gateway in _listed(reader.call("ec2", "describe_egress_only_internet_gateways"), "EgressOnlyInternetGateways"):
        if isinstance(gateway, Unresolved):
            reader.add("AWS::EC2::EgressOnlyInternetGateway", f"{vpc_id} egress-only gateways", {"VpcId": gateway})
        elif any(a.get("VpcId") == vpc_id for a in gateway.get("Attachments") or []):
            reader.add("AWS::EC2::EgressOnlyInternetGateway", gateway["EgressOnlyInternetGatewayId"], {"VpcId": target})
    for nat in _listed(reader.call("ec2", "describe_nat_gateways", Filters=by_vpc), "NatGateways"):
        if isinstance(nat, Unresolved):
            reader.add("AWS::EC2::NatGateway", f"{vpc_id} NAT gateways", {"SubnetId": nat})
        elif nat.get("State") not in GONE:
            reader.add("AWS::EC2::NatGateway", nat["NatGatewayId"], {
                "SubnetId": subnet(reader, nat["SubnetId"]), "ConnectivityType": nat.get("ConnectivityType", "public")})
    for table in _listed(reader.call("ec2", "describe_route_tables", Filters=by_vpc), "RouteTables"):
        if isinstance(table, Unresolved):
            reader.add("AWS::EC2::Route", f"{vpc_id} routes", {"RouteTableId": table})
            continue
        added = reader.add("AWS::EC2::RouteTable", table["RouteTableId"], {"VpcId": target})
        for route in table.get("Routes") or []:
            if route.get("GatewayId") == "local":
                continue  # traffic within the VPC's own range
            reader.add("AWS::EC2::Route", f"{table['RouteTableId']} route", {k: v for k, v in {
                "RouteTableId": {"Ref": added.logical_id},
                "DestinationCidrBlock": route.get("DestinationCidrBlock"),
                "DestinationIpv6CidrBlock": route.get("DestinationIpv6CidrBlock"),
                "GatewayId": route.get("GatewayId"),
                "NatGatewayId": route.get("NatGatewayId"),
                "TransitGatewayId": route.get("TransitGatewayId"),
            }.items() if v is not None})


# -- launch templates ---------------------------------------------------------------------------------


def launch_template(reader: AccountReader, ident: dict, version: str) -> dict:
    """A Ref to the launch template version (``ident``: LaunchTemplateId or LaunchTemplateName)."""
    name = next(iter(ident.values()))
    return {"Ref": reader.once(("ec2", "launch-template", name, version),
                               lambda: _launch_template(reader, ident, name, version)).logical_id}


def _launch_template(reader: AccountReader, ident: dict, name: str, version: str) -> Resource:
    answer = reader.call("ec2", "describe_launch_template_versions", **ident, Versions=[version])
    found = answer.get("LaunchTemplateVersions")
    if not isinstance(found, list) or not found:
        why = found if isinstance(found, Unresolved) else Unresolved(f"no version {version} of launch template {name}")
        return reader.add("AWS::EC2::LaunchTemplate", f"{name} {version}", {"LaunchTemplateData": why})
    described = found[0]
    data = json.loads(json.dumps(described.get("LaunchTemplateData") or {}, default=str))
    for mapping in data.get("BlockDeviceMappings") or []:
        ebs = mapping.get("Ebs") or {}
        if ebs.get("KmsKeyId"):
            ebs["KmsKeyId"] = key(reader, ebs["KmsKeyId"])
    return reader.add("AWS::EC2::LaunchTemplate", f"{described.get('LaunchTemplateId')} v{described.get('VersionNumber')}", {
        "LaunchTemplateName": described.get("LaunchTemplateName"), "LaunchTemplateData": data})


# -- account settings -------------------------------------------------------------------------------


def ebs_encryption_by_default(reader: AccountReader) -> Resource:
    """The account's EBS default in this region, in the shape the baseline declares it
    (Custom::AccountSettings), so the same predicate reads both."""
    return reader.once(("ec2", "ebs-encryption-by-default"), lambda: _ebs_default(reader))


def _ebs_default(reader: AccountReader) -> Resource:
    enabled = reader.call("ec2", "get_ebs_encryption_by_default").get("EbsEncryptionByDefault")
    value = enabled if isinstance(enabled, Unresolved) else str(enabled is True).lower()
    return reader.add(
        "Custom::AccountSettings", f"EBS encryption by default ({reader.region})",
        {"Setting": "EbsEncryptionByDefault", "Enabled": value},
    )
