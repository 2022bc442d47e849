"""GXP-IAM-02: every permission set ends its sessions within 12 hours, stated explicitly."""

from __future__ import annotations

import re

from ..cfn import Unresolved
from ..model import Control, cannot_prove, compliant, non_compliant
from ._permission_sets import IDENTITY_CENTER, PERMISSION_SET

# ISO 8601 durations as Identity Center takes them (PT4H, PT90M, PT1H30M).
DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")


def check(permission_set, ctx):
    duration = permission_set.get("SessionDuration")
    if isinstance(duration, Unresolved):
        return cannot_prove(f"SessionDuration: {duration.why}")
    if duration is None:
        # Identity Center's default is one hour today; a default can change, a stated limit cannot.
        return non_compliant("SessionDuration is not set; required explicitly")
    match = DURATION.match(duration) if isinstance(duration, str) else None
    if match is None or not any(match.groups()):
        return non_compliant(f"SessionDuration {duration!r} is not a PT duration in hours, minutes and seconds")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    limit = ctx.max_session_hours
    if 0 < total <= limit * 3600:
        return compliant(f"SessionDuration is {duration}")
    return non_compliant(f"SessionDuration is {duration}; required at most PT{limit}H")


CONTROL = Control(
    id="GXP-IAM-02",
    title="Limited session length",
    statement="Every permission set states its session duration explicitly, and it is at most 12 hours.",
    part11={
        "11.10(d)": "A signed-in session ends within a working day: access is re-authorised at least daily.",
        "11.300(d)": "A stolen or unattended session can be used only until it expires, at most 12 hours.",
    },
    annex11={"12.1": "Logical access lapses without a fresh, authenticated sign-in."},
    resource_types=(PERMISSION_SET,),
    check=check,
    deployed=IDENTITY_CENTER,
)
