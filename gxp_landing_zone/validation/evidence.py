"""What a synthesis leaves behind for the auditor: evaluations (from the GXP pack),
deviations (acknowledged rules of any pack, with their reasons) and open findings."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import CfnResource, Stack, Validations
from constructs import IConstruct


@dataclass(frozen=True)
class Deviation:
    rule_id: str  # e.g. GXP-S3-08, AwsSolutions-S1, HIPAA.Security-S3BucketReplicationEnabled
    pack: str
    stack: str
    logical_id: str
    resource_type: str
    path: str
    reason: str


@dataclass(frozen=True)
class Finding:
    """A violation no acknowledgement covers: it fails synthesis."""

    rule_id: str
    pack: str
    severity: str
    description: str
    path: str


def pack_of(rule_id: str) -> str:
    for prefix, pack in (
        ("GXP-", "GXP"),
        ("AwsSolutions-", "AwsSolutions"),
        ("HIPAA.Security-", "HIPAA Security"),
        ("NIST.800.53.R5-", "NIST 800-53 R5"),
    ):
        if rule_id.startswith(prefix):
            return pack
    return rule_id.split("-", 1)[0]


# An acknowledgement sits on a construct and covers every resource below it; the log lists
# only the resources the rule can apply to, so a deviation on a role does not also name
# the Lambda function next to it.
_RULE_TYPE_HINTS = (
    ("Lambda", "AWS::Lambda::"),
    ("IAM", "AWS::IAM::"),
    ("S3", "AWS::S3::Bucket"),
    ("KMS", "AWS::KMS::"),
    ("SNS", "AWS::SNS::"),
)


def _relevant(rule_id: str, cfn_type: str) -> bool:
    if rule_id.startswith("GXP-"):
        from .controls import by_id

        control = by_id().get(rule_id.split("[", 1)[0])
        return control is None or cfn_type in control.resource_types
    name = rule_id.split("-", 1)[-1]
    for fragment, type_prefix in _RULE_TYPE_HINTS:
        if name.startswith(fragment):
            return cfn_type.startswith(type_prefix) if type_prefix.endswith("::") else cfn_type == type_prefix
    return True


def collect_deviations(root: IConstruct) -> list[Deviation]:
    """Every acknowledgement in the tree, expanded to the CloudFormation resources it covers."""
    found: list[Deviation] = []
    for construct in root.node.find_all():
        for entry in construct.node.metadata:
            if entry.type != Validations.ACKNOWLEDGED_RULES_METADATA_KEY or not entry.data:
                continue
            resources = [c for c in construct.node.find_all() if CfnResource.is_cfn_resource(c)]
            for key, reason in entry.data.items():
                rule_id = key.split("::", 1)[-1]
                for resource in resources:
                    if not _relevant(rule_id, resource.cfn_resource_type):
                        continue
                    stack = Stack.of(resource)
                    found.append(
                        Deviation(
                            rule_id=rule_id,
                            pack=pack_of(rule_id),
                            stack=stack.stack_name,
                            logical_id=stack.resolve(resource.logical_id),
                            resource_type=resource.cfn_resource_type,
                            path=resource.node.path,
                            reason=reason,
                        )
                    )
    return sorted(set(found), key=lambda d: (d.stack, d.path, d.rule_id))
