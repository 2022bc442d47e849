"""GXP-S3-03: bucket versioning is on, so a change never obscures the version before it."""

from __future__ import annotations

from ..model import Control, expect
from ._bucket import ESTATE_BUCKETS


def check(bucket, ctx):
    return expect(bucket.get("VersioningConfiguration.Status"), "Enabled", "VersioningConfiguration.Status")


CONTROL = Control(
    id="GXP-S3-03",
    title="Versioning",
    statement="Bucket versioning is enabled: an overwrite or a delete adds a version, and every earlier version stays.",
    part11={
        "11.10(c)": "Every version of a record stays retrievable, not only the latest.",
        "11.10(e)": "A change never obscures previously recorded information: the earlier version is kept beside the new one.",
    },
    annex11={
        "7.1": "Stored data is protected against loss through overwriting or deletion.",
    },
    jp_eres={"3.1.1": "Authenticity: changes are traceable because the prior version is never lost."},
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=ESTATE_BUCKETS,
    config_rule="S3_BUCKET_VERSIONING_ENABLED",
)
