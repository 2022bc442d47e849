"""GXP-TRAIL-01: one trail logs every management event of every account, in every region."""

from __future__ import annotations

from ..model import Control, all_of, expect_true
from ._selectors import management_events
from ._trail import ORGANIZATION_TRAIL


def check(trail, ctx):
    return all_of(
        expect_true(trail, "IsLogging"),
        expect_true(trail, "IsOrganizationTrail"),
        expect_true(trail, "IsMultiRegionTrail"),
        expect_true(trail, "IncludeGlobalServiceEvents"),
        # Reads are management events too: kms:Decrypt of a records key, secrets read, roles assumed.
        management_events(trail),
    )


CONTROL = Control(
    id="GXP-TRAIL-01",
    title="Organization-wide audit trail",
    statement=(
        "One CloudTrail trail is logging for every account of the organization, in every region, including "
        "global services, and records every management event, reads and writes."
    ),
    part11={
        "11.10(e)": "Every operator action that creates, changes or deletes a record's resources, in any account or region, is written to one computer-generated, time-stamped trail.",
    },
    annex11={
        "9": "Changes to GMP-relevant configuration and data anywhere in the estate leave an audit record; no account or region is outside it.",
        "12.3": "Creating, changing or removing an Identity Center assignment, a permission set, an IAM role or a "
                "policy is a management event: each grant and withdrawal of access is recorded with who and when.",
        "12.4": "Each logged event carries the identity of the operator and the date and time, including reads such as decrypting a records key.",
    },
    jp_eres={"3.1.1": "Authenticity: who changed what, and when, is traceable across the whole organization."},
    resource_types=("AWS::CloudTrail::Trail",),
    check=check,
    deployed=ORGANIZATION_TRAIL,
    config_rule="MULTI_REGION_CLOUD_TRAIL_ENABLED",
)
