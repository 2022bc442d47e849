"""GXP-RET-01: stateful resources survive the deletion of their stack and their own replacement."""

from __future__ import annotations

from ..deployed.cloudformation import deployed_resources
from ..model import ALL_KINDS, Control, DeployedCheck, all_of, compliant, non_compliant

# Everything that holds regulated data, the keys to read it, its audit trail, the signers'
# identities, or the policy that protects it.
STATEFUL_TYPES = (
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::KMS::Key",
    "AWS::Logs::LogGroup",
    "AWS::DynamoDB::Table",
    "AWS::Cognito::UserPool",
    "AWS::Omics::SequenceStore",
    "AWS::Omics::ReferenceStore",
    "AWS::ECR::Repository",
)
# RetainExceptOnCreate keeps the resource once its stack has been created; only a failed first
# create removes it, so the create can be retried without "already exists" leftovers.
KEPT_ON_DELETE = ("Retain", "RetainExceptOnCreate")
# UpdateReplacePolicy has no RetainExceptOnCreate: a replacement always keeps the old resource.
KEPT_ON_REPLACE = ("Retain",)


def _policy(value, kept: tuple[str, ...], attribute: str):
    if value in kept:
        return compliant(f"{attribute} {value}")
    return non_compliant(f"{attribute} is {value or 'absent (Delete)'}; required {' or '.join(kept)}")


def check(resource, ctx):
    return all_of(
        _policy(resource.deletion_policy, KEPT_ON_DELETE, "DeletionPolicy"),
        _policy(resource.update_replace_policy, KEPT_ON_REPLACE, "UpdateReplacePolicy"),
    )


CONTROL = Control(
    id="GXP-RET-01",
    title="Stateful resources retained",
    statement=(
        "Buckets and their policies, keys, log groups, tables, signer user pools, genomic stores and image "
        "repositories are retained when their stack is deleted or they are replaced: no deploy or destroy removes "
        "regulated data."
    ),
    part11={
        "11.10(c)": "Records stay retrievable through their retention period even if the stack that created them is deleted or replaced.",
    },
    annex11={
        "7.1": "Data is secured against loss through the retention period, whatever happens to the deployment.",
    },
    jp_eres={"3.1.3": "Preservation: records survive changes to the infrastructure that holds them."},
    resource_types=STATEFUL_TYPES,
    check=check,
    deployed=DeployedCheck(
        read=lambda reader: deployed_resources(reader, STATEFUL_TYPES), accounts=ALL_KINDS, regions="all"
    ),
)
