"""GXP-TRAIL-05: reads and writes of every regulated record are logged as S3 data events."""

from __future__ import annotations

from ..model import Control
from ._selectors import record_data_events
from ._trail import ORGANIZATION_TRAIL


def check(trail, ctx):
    return record_data_events(trail, ctx)


CONTROL = Control(
    id="GXP-TRAIL-05",
    title="Record reads and writes logged",
    statement=(
        "The trail logs S3 object data events, reads and writes, for every regulated records bucket: who read, "
        "wrote or deleted which record, and when."
    ),
    part11={
        "11.10(e)": "Every creation, overwrite and deletion of a record object is in the time-stamped audit trail with the operator's identity.",
    },
    annex11={
        "9": "Changes and deletions of GMP data are recorded object by object.",
        "12.4": "The trail records the operator identity, date and time of each entry, change and deletion of a record, and of each read.",
    },
    jp_eres={"3.1.1": "Authenticity: who created or changed each record, and when, is traceable."},
    resource_types=("AWS::CloudTrail::Trail",),
    check=check,
    deployed=ORGANIZATION_TRAIL,
    config_rule="CLOUDTRAIL_S3_DATAEVENTS_ENABLED",
)
