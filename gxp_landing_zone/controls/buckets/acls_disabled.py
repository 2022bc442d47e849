"""GXP-S3-10: access to a bucket's objects is granted only by policy, never by an ACL."""

from __future__ import annotations

from ..model import Control, expect
from ._bucket import ESTATE_BUCKETS

# With ACLs disabled the bucket owns every object and ignores ACLs: who may read or change a record is
# decided by the bucket policy and IAM alone, the reviewed, version-controlled place for it.
REQUIRED_OWNERSHIP = "BucketOwnerEnforced"


def check(bucket, ctx):
    rules = bucket.get("OwnershipControls.Rules")
    first = rules[0] if isinstance(rules, list) and rules else None
    value = first.get("ObjectOwnership") if isinstance(first, dict) else rules
    return expect(value, REQUIRED_OWNERSHIP, "OwnershipControls.Rules[0].ObjectOwnership")


CONTROL = Control(
    id="GXP-S3-10",
    title="Access granted only by policy",
    statement=(
        "Object ownership is BucketOwnerEnforced: ACLs are disabled, so only the bucket policy and IAM decide who "
        "may read or change a record, and an object written with an ACL cannot grant access around them."
    ),
    part11={
        "11.10(d)": "Access to records is limited through one reviewed mechanism; an ACL on a single object cannot open it to others.",
        "11.10(g)": "Only the principals the policies authorize can read or alter records; no writer can authorize others per object.",
    },
    annex11={"12.1": "Logical access restriction is enforced by the bucket policy alone, with no per-object exceptions."},
    jp_eres={"3.1.1": "Authenticity: who can change a record is decided by policy, not by whoever wrote it."},
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=ESTATE_BUCKETS,
    config_rule="S3_BUCKET_ACL_PROHIBITED",
)
