"""GXP-SCP-03: no one in a regulated account can destroy or disable a key that encrypts records."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import Control, cannot_prove, not_applicable
from ._judges import both, everywhere, unconditional
from ._scp import REGULATED_UNIT, UNIT, is_regulated, reaching, require

# A record encrypted under a deleted or disabled key cannot be read; a key that stops rotating
# outlives its cryptoperiod. No exemption: not even the deployment role may do these.
KEY_DESTRUCTION = ("kms:ScheduleKeyDeletion", "kms:DisableKeyRotation", "kms:DisableKey")


def check(unit, ctx):
    regulated = is_regulated(unit)
    if isinstance(regulated, Unresolved):
        return cannot_prove(f"whether this is the Regulated unit: Name {regulated.why}")
    if not regulated:
        return not_applicable()
    return require(reaching(unit), KEY_DESTRUCTION, both(everywhere, unconditional), "key destruction")


CONTROL = Control(
    id="GXP-SCP-03",
    title="Regulated keys cannot be destroyed",
    statement=(
        "The SCPs that bind the Regulated organizational unit deny, unconditionally and on every key, scheduling "
        "a KMS key's deletion, disabling it, and disabling its rotation."
    ),
    part11={
        "11.10(c)": "Records stay readable through their retention period because the keys that encrypt them cannot be destroyed.",
    },
    annex11={"7.1": "Encrypted data stays accessible and readable for its whole retention period."},
    jp_eres={"3.1.3": "Preservation: no one can make stored records unreadable by destroying their key."},
    resource_types=(UNIT,),
    check=check,
    deployed=REGULATED_UNIT,
)
