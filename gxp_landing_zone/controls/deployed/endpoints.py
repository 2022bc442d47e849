"""A workload VPC's interface endpoints as ``AWS::EC2::VPCEndpoint``, referring to the VPC resource
the way a template does, each with the policy document the endpoint enforces."""

from __future__ import annotations

import json

from ..cfn import Resource, Unresolved
from .reader import AccountReader, physical_id


def vpc_endpoints(reader: AccountReader, vpc: Resource) -> None:
    vpc_id = physical_id(vpc)
    answer = reader.call("ec2", "describe_vpc_endpoints", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    if not answer.ok:
        reader.add("AWS::EC2::VPCEndpoint", f"{vpc_id} endpoints", {
            "VpcId": {"Ref": vpc.logical_id}, "ServiceName": Unresolved(answer.error)})
        return
    for endpoint in answer.get("VpcEndpoints") or []:
        if endpoint.get("State", "").lower() in ("deleted", "deleting", "failed", "rejected"):
            continue
        document = endpoint.get("PolicyDocument")
        if isinstance(document, str):
            try:
                document = json.loads(document)
            except ValueError:
                document = Unresolved("the endpoint policy EC2 returned is not JSON")
        reader.add("AWS::EC2::VPCEndpoint", endpoint["VpcEndpointId"], {k: v for k, v in {
            "VpcId": {"Ref": vpc.logical_id},
            "ServiceName": endpoint.get("ServiceName"),
            "VpcEndpointType": endpoint.get("VpcEndpointType"),
            "PrivateDnsEnabled": endpoint.get("PrivateDnsEnabled"),
            "PolicyDocument": document,
        }.items() if v is not None})
