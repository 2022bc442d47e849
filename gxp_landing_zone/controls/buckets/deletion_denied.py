"""GXP-S3-05: the bucket policy denies destroying evidence to everyone, and loosening the bucket to
everyone but the CloudFormation execution role."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import Control, all_of, cannot_prove, compliant, non_compliant
from ._bucket import ESTATE_BUCKETS, readable_statements
from ._statements import BUCKET, OBJECTS, denies_everyone, glob_matches, glob_within, sid, sole_condition

# Destroying what the bucket holds, or the bucket itself, is denied to every principal with no
# condition: not even a deployment may do it.
DESTRUCTION = {
    "s3:DeleteBucket": BUCKET,
    "s3:DeleteObjectVersion": OBJECTS,
    "s3:BypassGovernanceRetention": OBJECTS,
}
# Loosening the bucket's protection reaches it only through a reviewed deployment.
LOOSENING = (
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketVersioning",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutLifecycleConfiguration",
    "s3:PutEncryptionConfiguration",
    "s3:PutReplicationConfiguration",
)
# The roles CDK's bootstrap creates for CloudFormation to deploy with. The exemption may name these,
# or fewer; anything wider (role/*, *) lets any role of the account loosen the bucket.
DEPLOYMENT_ROLE = "arn:aws:iam::*:role/cdk-*-cfn-exec-role-*"
PRINCIPAL_ARN = "aws:principalarn"
# Negated operators on aws:PrincipalArn: the deny holds for every principal they do not match.
# ArnNotEquals takes wildcards like ArnNotLike; StringNotEquals takes none.
_PATTERN_OPERATORS = ("arnnotlike", "arnnotequals", "stringnotlike")
_LITERAL_OPERATORS = ("stringnotequals",)


def _exemption(statement):
    """(exempts at most the deployment role, what it exempts)."""
    if statement.unconditional:
        return True, "no one"
    condition = sole_condition(statement)
    if condition is None or condition[1].lower() != PRINCIPAL_ARN:
        return False, f"condition {statement.conditions} narrows the deny beyond a principal exemption"
    operator, _, values = condition
    if operator.lower() in _PATTERN_OPERATORS:
        wide = [v for v in values if not (isinstance(v, str) and glob_within(v, DEPLOYMENT_ROLE))]
    elif operator.lower() in _LITERAL_OPERATORS:
        wide = [v for v in values if not (isinstance(v, str) and glob_matches(DEPLOYMENT_ROLE, v))]
    else:
        return False, f"{operator} on aws:PrincipalArn is not a principal exemption"
    if wide:
        return False, f"exempts {', '.join(map(str, wide))}, wider than the CloudFormation execution role {DEPLOYMENT_ROLE}"
    return True, f"only {', '.join(map(str, values))}"


def _destruction(found, bucket, action, level):
    for statement in found:
        if denies_everyone(statement, action, bucket, level) and statement.unconditional:
            return compliant(f"{action} denied to everyone by {sid(statement)}")
    if found.unresolved:
        return cannot_prove(found.unresolved[0])
    return non_compliant(f"no statement denies {action} on the bucket's {level} to everyone unconditionally")


def _loosening(found, bucket, action):
    reasons = []
    for statement in found:
        if not denies_everyone(statement, action, bucket, BUCKET):
            continue
        narrow, exempted = _exemption(statement)
        if narrow:
            return compliant(f"{action} denied by {sid(statement)}, exempting {exempted}")
        reasons.append(f"{sid(statement)} {exempted}")
    if found.unresolved:
        return cannot_prove(found.unresolved[0])
    if reasons:
        return non_compliant(f"{action}: " + "; ".join(reasons))
    return non_compliant(f"no statement denies {action} on the bucket to everyone")


def check(bucket, ctx):
    found = readable_statements(bucket)
    if isinstance(found, Unresolved):
        return cannot_prove(found)
    if not found and not found.unresolved:
        return non_compliant("the bucket has no bucket policy")
    return all_of(
        *(_destruction(found, bucket, action, level) for action, level in DESTRUCTION.items()),
        *(_loosening(found, bucket, action) for action in LOOSENING),
    )


CONTROL = Control(
    id="GXP-S3-05",
    title="Deletion denied by policy",
    statement=(
        "The bucket policy denies deleting the bucket, deleting object versions and bypassing governance "
        "retention to every principal without condition, and denies changing the bucket's lock, versioning, "
        "policy, lifecycle, encryption or replication to every principal except the CloudFormation execution "
        f"role ({DEPLOYMENT_ROLE}), so such a change arrives only through a reviewed deployment."
    ),
    part11={
        "11.10(c)": "No principal, whatever IAM grants it, can delete a record version or the bucket holding it.",
        "11.10(e)": "Audit-trail files and earlier versions cannot be removed, and the protections that keep them cannot be switched off outside a deployment.",
    },
    annex11={
        "7.1": "Stored data is secured against deletion by anyone, and its protection against change outside the controlled deployment.",
        "10": "The bucket's protective configuration can be changed only through the deployment pipeline's change control.",
    },
    jp_eres={"3.1.3": "Preservation: records cannot be destroyed during their retention period."},
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=ESTATE_BUCKETS,
)
