"""GXP-S3-04: the bucket refuses every request not made over TLS."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import Control, cannot_prove, compliant, non_compliant
from ._bucket import ESTATE_BUCKETS, covers_bucket, covers_every_action_of, covers_objects, readable_statements


def check(bucket, ctx):
    found = readable_statements(bucket)
    if isinstance(found, Unresolved):
        return cannot_prove(found)
    if not found and not found.unresolved:
        return non_compliant("the bucket has no bucket policy")
    for statement in found:
        if (
            statement.is_deny
            and statement.applies_to_everyone
            and covers_every_action_of(statement, "s3")
            and statement.condition("Bool", "aws:SecureTransport") == ["false"]
            and covers_bucket(statement, bucket)
            and covers_objects(statement, bucket)
        ):
            return compliant(f"statement {statement.sid or '(no Sid)'} denies s3:* to everyone without TLS")
    if found.unresolved:
        return cannot_prove(found.unresolved[0])
    return non_compliant("no statement denies s3:* on the bucket and its objects to everyone when aws:SecureTransport is false")


CONTROL = Control(
    id="GXP-S3-04",
    title="TLS-only access",
    statement="The bucket policy denies every request, to the bucket and its objects, not made over TLS.",
    part11={
        "11.30": "Records crossing a network are encrypted in transit, the measure 11.30 names for authenticity and confidentiality.",
        "11.10(d)": "No one reaches the records over an unencrypted channel, where credentials and content could be taken.",
    },
    annex11={
        "12.1": "Logical access is restricted to authenticated, encrypted connections.",
    },
    jp_eres={"3.1.1": "Authenticity: records cannot be altered in transit."},
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=ESTATE_BUCKETS,
    config_rule="S3_BUCKET_SSL_REQUESTS_ONLY",
)
