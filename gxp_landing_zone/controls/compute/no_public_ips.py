"""GXP-NET-03: Batch container instances get no public IP address."""

from __future__ import annotations

from ..cfn import Unresolved
from ..deployed.reader import physical_id
from ..model import Control, all_of, cannot_prove, cfn_bool, compliant, non_compliant
from ._helpers import FLEET, instance_scope, launch_templates, name_of


def _subnets(env):
    subnets = env.get("ComputeResources.Subnets")
    if isinstance(subnets, Unresolved):
        return [cannot_prove(f"ComputeResources.Subnets: {subnets.why}")]
    if not isinstance(subnets, list) or not subnets:
        return [cannot_prove("the environment names no subnets")]
    found = []
    for reference in subnets:
        if isinstance(reference, Unresolved):
            found.append(cannot_prove(f"a subnet: {reference.why}"))
            continue
        subnet = env.stack.target(reference, "AWS::EC2::Subnet")
        if subnet is None:
            found.append(cannot_prove(f"subnet {reference} is not defined here: whether it assigns public addresses cannot be seen"))
            continue
        public = cfn_bool(subnet.get("MapPublicIpOnLaunch"))  # absent: false, EC2's default
        if isinstance(public, Unresolved):
            found.append(cannot_prove(f"subnet {physical_id(subnet)} MapPublicIpOnLaunch: {public.why}"))
        elif public:
            found.append(non_compliant(f"subnet {physical_id(subnet)} assigns a public IP to every instance launched in it"))
        else:
            found.append(compliant())
    return found


def _interfaces(template):
    interfaces = template.get("LaunchTemplateData.NetworkInterfaces")
    if isinstance(interfaces, Unresolved):
        return [cannot_prove(f"launch template {name_of(template)} NetworkInterfaces: {interfaces.why}")]
    found = []
    for index, interface in enumerate(interfaces or []):
        asks = cfn_bool(interface.get("AssociatePublicIpAddress")) if isinstance(interface, dict) else Unresolved(
            f"network interface {index} is not an object")
        if isinstance(asks, Unresolved):
            found.append(cannot_prove(f"launch template {name_of(template)} interface {index}: {asks.why}"))
        elif asks:
            found.append(non_compliant(f"launch template {name_of(template)} interface {index} asks for a public IP"))
    return found


def check(env, ctx):
    if (scope := instance_scope(env)) is not None:
        return scope
    templates = launch_templates(env)
    if isinstance(templates, Unresolved):
        return cannot_prove(templates.why)
    verdict = all_of(*_subnets(env), *(v for t in templates for v in _interfaces(t)))
    if verdict.passed:
        return compliant("every subnet of the environment assigns no public IP, and no launch template asks for one")
    return verdict


CONTROL = Control(
    id="GXP-NET-03",
    title="No public IP addresses on compute",
    statement=(
        "Batch container instances are placed only in subnets that assign no public address, and no launch "
        "template they start from requests one."
    ),
    part11={
        "11.10(d)": "An instance without a public address cannot be reached from the internet, so access stays with the estate's own paths.",
    },
    annex11={
        "12.1": "Logical access to the compute instances is restricted to the private network.",
    },
    resource_types=("AWS::Batch::ComputeEnvironment",),
    check=check,
    deployed=FLEET,
    config_rule="SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED",
)
