"""GXP-SCP-01: no one in a member account can stop, alter or delete the audit trail or the
configuration record."""

from __future__ import annotations

from ..model import Control
from ._judges import both, everywhere, exempting_at_most
from ._scp import EVERY_UNIT, UNIT, reaching, require

# What stopping or rewriting the audit trail takes, in CloudTrail and in AWS Config.
AUDIT_TAMPERING = (
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
    "config:StopConfigurationRecorder",
    "config:DeleteConfigurationRecorder",
    "config:DeleteDeliveryChannel",
    "config:PutConfigurationRecorder",
    "config:PutDeliveryChannel",
    "config:DeleteConfigRule",
    "config:DeleteEvaluationResults",
    "config:DeleteRetentionConfiguration",
)
# The one principal the deny may exempt: CloudFormation's execution role from the CDK bootstrap,
# which deploys the trail and recorder (changes arrive only through the reviewed pipeline, Annex 11
# §10). Anything wider - "role/*" - would let any role of a member account stop the audit trail.
DEPLOYMENT_ROLE_EXEMPTION = "arn:aws:iam::*:role/cdk-*-cfn-exec-role-*"


def check(unit, ctx):
    judge = both(everywhere, exempting_at_most(DEPLOYMENT_ROLE_EXEMPTION))
    return require(reaching(unit), AUDIT_TAMPERING, judge, "audit-trail tampering")


CONTROL = Control(
    id="GXP-SCP-01",
    title="Audit trail cannot be stopped",
    statement=(
        "The SCPs that bind each organizational unit deny stopping, changing or deleting CloudTrail trails and "
        "the AWS Config recorder, delivery channel, rules and results in member accounts, on every resource, "
        f"exempting no principal beyond the deployment role ({DEPLOYMENT_ROLE_EXEMPTION})."
    ),
    part11={
        "11.10(e)": "No operator of a member account can switch off or rewrite the computer-generated audit trail.",
    },
    annex11={
        "9": "The audit trail of GMP-relevant changes cannot be suspended by the people whose changes it records.",
        "10": "Trail and recorder configuration change only through the deployment role, i.e. under change control.",
    },
    jp_eres={"3.1.1": "Authenticity: the record of who changed what cannot be interrupted or falsified."},
    resource_types=(UNIT,),
    check=check,
    deployed=EVERY_UNIT,
)
