"""GXP-ALERT-01: compliance alerts go through a topic encrypted with a customer-managed key."""

from __future__ import annotations

from ..cfn import Joined, Ref, Unresolved, partition_of
from ..deployed.sns import KEY_MANAGER, topic
from ..model import AUDIT, Control, DeployedCheck, cannot_prove, compliant, non_compliant, show

ALERT_TOPIC_NAME = "gxp-compliance-alerts"
KEY_TYPES = ("AWS::KMS::Key", "AWS::KMS::Alias")


def check(resource, ctx):
    key = resource.get("KmsMasterKeyId")
    if isinstance(key, Unresolved):
        return cannot_prove(f"KmsMasterKeyId: {key.why}")
    if key in (None, ""):
        return non_compliant("KmsMasterKeyId is not set: alerts are stored unencrypted")
    if isinstance(key, (Ref, Joined)):
        refs = [key] if isinstance(key, Ref) else key.refs
        if any(resource.stack.target(r, *KEY_TYPES) for r in refs):
            return compliant(f"KmsMasterKeyId is {key}, a key of this template")
        return non_compliant(f"KmsMasterKeyId is {show(key)}, not a KMS key")
    if not isinstance(key, str):
        return non_compliant(f"KmsMasterKeyId is {show(key)}")
    # alias/aws/sns is the AWS managed key: any principal of the account that may use SNS can read with it.
    if key.startswith("alias/aws/") or ":alias/aws/" in key:
        return non_compliant(f"KmsMasterKeyId is the AWS managed key {key}")
    manager = resource.raw.get(KEY_MANAGER, "CUSTOMER")
    if isinstance(manager, Unresolved):
        return cannot_prove(f"key {key}: {manager.why}")
    if manager != "CUSTOMER":
        return non_compliant(f"KmsMasterKeyId {key} is managed by {manager}, not the customer")
    return compliant(f"KmsMasterKeyId is {key}")


def _alert_topic(reader):
    arn = f"arn:{partition_of(reader.region)}:sns:{reader.region}:{reader.account.id}:{ALERT_TOPIC_NAME}"
    return [topic(reader, arn)]


CONTROL = Control(
    id="GXP-ALERT-01",
    title="Encrypted compliance alerts",
    statement="Every SNS topic, the compliance alert topic among them, is encrypted with a customer-managed KMS key.",
    part11={
        "11.10(d)": "Alert content (which resource drifted, who signed what) is readable only by principals the key policy allows.",
    },
    annex11={"12.1": "Logical access to compliance alerts is restricted to the principals the key policy names."},
    resource_types=("AWS::SNS::Topic",),
    check=check,
    deployed=DeployedCheck(read=_alert_topic, accounts=frozenset({AUDIT}), regions="home"),
    config_rule="SNS_ENCRYPTED_KMS",
)
