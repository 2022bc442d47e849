"""The twelve weakenings a review found synthesizing with exit 0 and no GXP finding - five raw
overrides and seven plain code edits - each rebuilt here and caught by its control. Most are the
channel cases of the controls' own test modules, named here so the list can be read in one place."""

from __future__ import annotations

import importlib

import pytest
from aws_cdk import aws_cloudtrail as cloudtrail

from controls.support import Channels, assert_channel_caught, forcing
from gxp_landing_zone.constructs import guardrails, organization_trail


def channels(module: str) -> Channels:
    return importlib.import_module(f"controls.{module}").CHANNELS


def _management_reads_dropped(mp):
    """organization_trail.py edited to add readOnly = false to the management-events selector."""

    class WritesOnly(cloudtrail.CfnTrail):
        def __init__(self, *args, advanced_event_selectors=None, **kwargs):
            management, *rest = advanced_event_selectors
            writes_only = cloudtrail.CfnTrail.AdvancedEventSelectorProperty(
                name=management.name,
                field_selectors=[
                    *management.field_selectors,
                    cloudtrail.CfnTrail.AdvancedFieldSelectorProperty(field="readOnly", equal_to=["false"]),
                ],
            )
            super().__init__(*args, advanced_event_selectors=[writes_only, *rest], **kwargs)

    mp.setattr(organization_trail.cloudtrail, "CfnTrail", WritesOnly)


def _audit_exemption_widened(mp):
    """guardrails.py edited so the audit-tampering statement exempts every role."""
    original = guardrails.protect_audit_substrate

    def widened(log_buckets):
        document = original(log_buckets)
        audit = next(s for s in document["Statement"] if s["Sid"] == "DenyAuditTrailTampering")
        audit["Condition"] = {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}
        return document

    mp.setattr(guardrails, "protect_audit_substrate", widened)


# (what the review did, control, test module whose CHANNELS build the stack, channel kind, the change)
FINDINGS = [
    ("override: trail log-file validation off", "GXP-TRAIL-02", "audit_trail.test_integrity_validation", "override",
     lambda: channels("audit_trail.test_integrity_validation").overrides[0]),
    ("override: records bucket in GOVERNANCE mode", "GXP-REC-01", "records.test_retention_matches_class", "override",
     lambda: channels("records.test_retention_matches_class").overrides[0]),
    ("override: key rotation off", "GXP-KEY-01", "keys.test_rotation", "override",
     lambda: channels("keys.test_rotation").overrides[0]),
    ("override: ledger table DeletionPolicy Delete", "GXP-RET-01", "stateful_resources.test_retained", "override",
     lambda: channels("stateful_resources.test_retained").overrides[0]),
    ("override: launch template HttpTokens optional", "GXP-EC2-01", "compute.test_imdsv2", "override",
     lambda: channels("compute.test_imdsv2").overrides[0]),
    ("edit: bucket-policy deployment exemption widened to role/*", "GXP-S3-05", "buckets.test_deletion_denied",
     "construct", lambda: channels("buckets.test_deletion_denied").construct),
    ("edit: audit-tampering SCP exemption widened to role/*", "GXP-SCP-01", "guardrails.test_audit_trail", "construct",
     lambda: _audit_exemption_widened),
    ("edit: readOnly=false added to the management-events selector", "GXP-TRAIL-01",
     "audit_trail.test_organization_wide", "construct", lambda: _management_reads_dropped),
    ("edit: signer account recovery by e-mail", "GXP-ESIG-11", "signatures.test_admin_recovery", "construct",
     lambda: channels("signatures.test_admin_recovery").construct),
    ("edit: SageMaker inter-container encryption off", "GXP-ML-01", "ml.test_training_isolated", "construct",
     lambda: channels("ml.test_training_isolated").construct),
    ("edit: delete-marker replication on", "GXP-REC-04", "records.test_replication", "construct",
     lambda: channels("records.test_replication").construct),
    ("edit: disableEbsEncryptionByDefault in the baseline", "GXP-EC2-03", "compute.test_ebs_encryption_by_default",
     "construct", lambda: channels("compute.test_ebs_encryption_by_default").construct),
]


@pytest.mark.parametrize("what, control, module, kind, change", FINDINGS, ids=[f[0] for f in FINDINGS])
def test_the_weakening_is_caught(what, control, module, kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(control, channels(module), kind, change(), reference_config, ctx, monkeypatch)
