"""GXP-EC2-03: EBS encryption by default is on in every account and region."""

from __future__ import annotations

from ..cfn import Resource, Unresolved
from ..deployed.ec2 import ebs_encryption_by_default
from ..model import ALL_KINDS, Control, DeployedCheck, Verdict, cannot_prove, compliant, non_compliant, not_applicable

# CloudFormation has no resource type for this account setting. The baseline declares it as a
# Custom::AccountSettings resource whose properties say what is set; the IQ reads the account's
# setting into the same shape.
SETTINGS_TYPE = "Custom::AccountSettings"
SETTING = "EbsEncryptionByDefault"
# Every account and region runs the baseline, which records configuration: where a recorder is, the
# setting must be too, so a baseline that records but sets nothing is caught on its recorder.
ANCHOR = "AWS::Config::ConfigurationRecorder"


def _judge_setting(setting: Resource) -> Verdict:
    name = setting.get("Setting")
    if isinstance(name, Unresolved):
        return cannot_prove(f"{setting.logical_id}: which setting it applies cannot be read ({name.why})")
    if name != SETTING:
        return not_applicable(f"{setting.logical_id} applies {name}")
    created = setting.created
    if isinstance(created, Unresolved):
        return cannot_prove(f"{setting.logical_id} exists only if its condition holds ({created.why})")
    enabled = setting.get("Enabled")
    if isinstance(enabled, Unresolved):
        return cannot_prove(f"{setting.logical_id}.Enabled: {enabled.why}")
    if str(enabled).lower() != "true":
        return non_compliant(f"{setting.logical_id} sets EBS encryption by default to {enabled!r}, not on")
    return compliant(f"{setting.logical_id} turns EBS encryption by default on")


def check(resource, ctx):
    if resource.type == SETTINGS_TYPE:
        return _judge_setting(resource)
    verdicts = [_judge_setting(s) for s in resource.stack.of_type(SETTINGS_TYPE)]
    passing = [v for v in verdicts if v.passed]
    if passing:
        return passing[0]
    unproven = [v for v in verdicts if v.outcome.failed]
    if unproven:
        return unproven[0]
    return non_compliant("nothing in the stack that records this account and region turns EBS encryption by default on")


CONTROL = Control(
    id="GXP-EC2-03",
    title="EBS encryption by default in every account and region",
    statement=(
        "Every account and allowed region has EBS encryption by default turned on (set by the baseline), and "
        "nothing turns it off: a volume or snapshot created by any means is encrypted."
    ),
    part11={
        "11.10(d)": "No volume or snapshot holds data in the clear, and an encrypted snapshot cannot be made public: access stays with the account's principals.",
    },
    annex11={
        "7.1": "Data on every block volume, including ones created outside the estate's templates, is secured electronically.",
        "12.1": "Reading a volume's data requires the use of its key, not only access to the storage.",
    },
    resource_types=(SETTINGS_TYPE, ANCHOR),
    check=check,
    deployed=DeployedCheck(read=lambda reader: [ebs_encryption_by_default(reader)], accounts=ALL_KINDS, regions="all"),
    config_rule="EC2_EBS_ENCRYPTION_BY_DEFAULT",
)
