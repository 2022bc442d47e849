"""GXP-NET-02: a regulated workload VPC has no path to or from the internet."""

from __future__ import annotations

from ..cfn import Unresolved
from ..deployed.ec2 import internet_paths
from ..deployed.reader import physical_id
from ..model import REGULATED, REGULATED_ONLY, Control, DeployedCheck, cannot_prove, compliant, non_compliant
from ._helpers import points_at, vpcs_with

ANYWHERE = ("0.0.0.0/0", "::/0")
# A private NAT gateway has no Elastic IP and cannot reach the internet by itself.
PRIVATE_NAT = "private"


def check(vpc, ctx):
    stack, paths, unknown = vpc.stack, [], []

    def in_vpc(resource, value) -> bool:
        names = points_at(value, vpc)
        if isinstance(names, Unresolved):
            unknown.append(f"{physical_id(resource)}: {names.why}")
            return False
        return names

    def via(resource, reference, kind: str):
        """The resource ``reference`` names, if it is a ``kind`` of this VPC."""
        if isinstance(reference, Unresolved):
            unknown.append(f"{physical_id(resource)}: {reference.why}")
            return None
        target = stack.target(reference, kind)
        if target is None:
            unknown.append(f"{physical_id(resource)} names {reference!r}, not a {kind} of this template")
            return None
        return target if in_vpc(target, target.get("VpcId")) else None

    for attachment in stack.of_type("AWS::EC2::VPCGatewayAttachment"):
        if not in_vpc(attachment, attachment.get("VpcId")):
            continue
        gateway = attachment.get("InternetGatewayId")  # a VPN gateway attachment is not an internet path
        if isinstance(gateway, Unresolved):
            unknown.append(f"{physical_id(attachment)} InternetGatewayId: {gateway.why}")
        elif gateway is not None:
            paths.append(f"{physical_id(attachment)} attaches internet gateway {gateway}")
    for gateway in stack.of_type("AWS::EC2::EgressOnlyInternetGateway"):
        if in_vpc(gateway, gateway.get("VpcId")):
            paths.append(f"{physical_id(gateway)} is an egress-only internet gateway")
    for nat in stack.of_type("AWS::EC2::NatGateway"):
        if via(nat, nat.get("SubnetId"), "AWS::EC2::Subnet") is None:
            continue
        connectivity = nat.get("ConnectivityType")
        if isinstance(connectivity, Unresolved):
            unknown.append(f"{physical_id(nat)} ConnectivityType: {connectivity.why}")
        elif connectivity != PRIVATE_NAT:
            paths.append(f"{physical_id(nat)} is a public NAT gateway")
    for route in stack.of_type("AWS::EC2::Route"):
        if via(route, route.get("RouteTableId"), "AWS::EC2::RouteTable") is None:
            continue
        for key in ("DestinationCidrBlock", "DestinationIpv6CidrBlock"):
            destination = route.get(key)
            if isinstance(destination, Unresolved):
                unknown.append(f"{physical_id(route)} {key}: {destination.why}")
            elif destination in ANYWHERE:
                paths.append(f"{physical_id(route)} routes {destination} out of the VPC")
    if paths:
        return non_compliant("; ".join(paths))
    if unknown:
        return cannot_prove("; ".join(unknown))
    return compliant("no internet gateway, egress-only gateway, public NAT gateway or default route in the VPC")


CONTROL = Control(
    id="GXP-NET-02",
    title="No internet path from regulated workloads",
    statement=(
        "A regulated workload VPC has no internet gateway, egress-only internet gateway, public NAT gateway or "
        "default route: AWS services are reached only through VPC endpoints."
    ),
    part11={
        "11.10(d)": "Nothing on the internet can reach the regulated workloads, and they can send nothing to it: access is limited to the estate's own paths.",
    },
    annex11={
        "12.1": "The network itself restricts logical access to the computerised system; no route exists for anyone outside.",
    },
    jp_eres={
        "3.1.1": "Authenticity: no one outside the estate's network can reach the workloads to falsify or erase what they produce.",
    },
    resource_types=("AWS::EC2::VPC",),
    check=check,
    # Research accounts may have a NAT gateway where the config allows it: outside the boundary.
    boundary=REGULATED_ONLY,
    deployed=DeployedCheck(read=vpcs_with(internet_paths), accounts=frozenset({REGULATED}), regions="workload"),
    config_rule="NO_UNRESTRICTED_ROUTE_TO_IGW",
)
