"""GXP-TRAIL-03: the trail's files are encrypted with the log-archive key."""

from __future__ import annotations

from ..keys._keys import names_log_archive_key
from ..model import Control
from ._trail import ORGANIZATION_TRAIL


def check(trail, ctx):
    # A key of the management account (or a bare alias, which CloudTrail resolves there) would let
    # the account the trail records decrypt it; only the log-archive key is limited to the audit reader.
    return names_log_archive_key(trail.get("KMSKeyId"), trail, ctx, "KMSKeyId")


CONTROL = Control(
    id="GXP-TRAIL-03",
    title="Audit trail encrypted with the log-archive key",
    statement=(
        "Trail files are encrypted with the log-archive account's KMS key in the home region, which only the "
        "audit reader role may decrypt."
    ),
    part11={
        "11.10(d)": "Reading the audit trail needs the log-archive key, which only the audit reader role may use.",
        "11.10(e)": "The audit trail is kept secure: its content is encrypted under a key the recorded accounts do not control.",
    },
    annex11={"12.1": "Logical access to the audit trail is restricted to the authorised audit reader."},
    resource_types=("AWS::CloudTrail::Trail",),
    check=check,
    deployed=ORGANIZATION_TRAIL,
    config_rule="CLOUD_TRAIL_ENCRYPTION_ENABLED",
)
