"""GXP-CFG-04: configuration history is delivered, encrypted, to the log archive."""

from __future__ import annotations

from ..deployed.config import delivery_channels
from ..keys._keys import names_log_archive_key
from ..model import ALL_KINDS, Control, DeployedCheck, all_of, cannot_prove, expect


def check(channel, ctx):
    if ctx.config_bucket is None:
        return cannot_prove("no config: the log-archive Config bucket is not known")
    return all_of(
        expect(channel.get("S3BucketName"), ctx.config_bucket, "S3BucketName"),
        names_log_archive_key(channel.get("S3KmsKeyArn"), channel, ctx, "S3KmsKeyArn"),
    )


CONTROL = Control(
    id="GXP-CFG-04",
    title="Configuration history kept in the log archive",
    statement=(
        "Each account's AWS Config history and snapshots are delivered to the log-archive Config bucket, "
        "encrypted with the log-archive key."
    ),
    part11={
        "11.10(e)": "Configuration history is kept where the account that changed cannot alter or delete it.",
    },
    annex11={
        "4.3": "The inventory history of every account is kept in one place.",
    },
    jp_eres={"3.1.3": "Preservation: configuration history is kept in the protected log archive."},
    resource_types=("AWS::Config::DeliveryChannel",),
    check=check,
    deployed=DeployedCheck(read=delivery_channels, accounts=ALL_KINDS, regions="all"),
)
