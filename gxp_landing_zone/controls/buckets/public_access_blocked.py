"""GXP-S3-06: all four S3 public access block settings are on."""

from __future__ import annotations

from ..model import Control, all_of, expect_true
from ._bucket import ESTATE_BUCKETS

# Each closes a different way in: new public ACLs, public policies, existing ACLs, cross-account
# access granted by an already-public policy.
SETTINGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")


def check(bucket, ctx):
    return all_of(*(expect_true(bucket, f"PublicAccessBlockConfiguration.{s}") for s in SETTINGS))


CONTROL = Control(
    id="GXP-S3-06",
    title="Public access blocked",
    statement="All four S3 public access block settings of the bucket are on, so no ACL or policy can open it to the public.",
    part11={"11.10(d)": "No bucket policy or ACL can grant access to anyone outside the authorized individuals."},
    annex11={"12.1": "Access to stored data cannot be opened beyond authorised persons by a policy or ACL change."},
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=ESTATE_BUCKETS,
    config_rule="S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
)
