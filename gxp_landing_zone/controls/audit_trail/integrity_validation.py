"""GXP-TRAIL-02: the audit trail's log files are integrity-validated."""

from __future__ import annotations

from ..model import Control, expect_true
from ._trail import ORGANIZATION_TRAIL


def check(trail, ctx):
    return expect_true(trail, "EnableLogFileValidation")


CONTROL = Control(
    id="GXP-TRAIL-02",
    title="Audit trail integrity validation",
    statement="CloudTrail log file integrity validation is on, so any altered or deleted log file is detectable.",
    part11={
        "11.10(e)": "Hourly signed digests make any edit or deletion of a delivered audit-trail file detectable, so the trail stays secure.",
        "11.10(a)": "Digest validation is the system's own ability to discern altered audit records.",
    },
    annex11={
        "9": "The audit trail cannot be changed unnoticed, so it stays reliable evidence of GMP-relevant changes.",
        "7.1": "The accuracy of stored audit data is checkable for the whole retention period.",
    },
    jp_eres={"3.1.1": "Authenticity: tampering with the record of who changed what is detectable."},
    resource_types=("AWS::CloudTrail::Trail",),
    check=check,
    deployed=ORGANIZATION_TRAIL,
    config_rule="CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
)
