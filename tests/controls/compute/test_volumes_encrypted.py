"""GXP-EC2-02: every EBS volume of a Batch container instance is encrypted with a customer-managed key."""

from __future__ import annotations

import pytest
from aws_cdk import aws_ec2 as ec2

from controls.compute._builders import COMPUTE, compute_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant

CONTROL = "GXP-EC2-02"
STACK = COMPUTE


def data(template: dict) -> dict:
    return properties(template, "AWS::EC2::LaunchTemplate", "SpotCpu")["LaunchTemplateData"]


def ebs(template: dict) -> dict:
    return data(template)["BlockDeviceMappings"][0]["Ebs"]


def key_alias(template: dict) -> None:
    """An alias of the stack's own key, as KMS lets a volume name it."""
    key = next(k for k, r in template["Resources"].items() if r["Type"] == "AWS::KMS::Key")
    template["Resources"]["ComputeKeyAlias2"] = {
        "Type": "AWS::KMS::Alias", "Properties": {"AliasName": "alias/gxp/volumes", "TargetKeyId": {"Ref": key}}}
    ebs(template)["KmsKeyId"] = {"Ref": "ComputeKeyAlias2"}


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: ebs(t).update(Encrypted=False), id="unencrypted"),
        pytest.param(lambda t: ebs(t).pop("KmsKeyId"), id="aws-managed-default-key"),
        pytest.param(lambda t: ebs(t).update(KmsKeyId="alias/aws/ebs"), id="aws-managed-alias"),
        pytest.param(lambda t: ebs(t).update(KmsKeyId="arn:aws:kms:us-east-1:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
                     id="key-not-in-template"),
        pytest.param(lambda t: data(t).pop("BlockDeviceMappings"), id="root-volume-unmapped"),
        pytest.param(lambda t: ebs(t).update(KmsKeyId={"Fn::ImportValue": "SharedKey"}), id="unprovable-key"),
        pytest.param(lambda t: ebs(t).update(Encrypted={"Ref": "EncryptParameter"}), id="unprovable-encrypted"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: ebs(t).update(Encrypted="true"), id="string-true"),
        pytest.param(key_alias, id="alias-of-own-key"),
        # An instance-store volume is not an EBS volume.
        pytest.param(lambda t: data(t)["BlockDeviceMappings"].append({"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"}),
                     id="instance-store"),
    ],
)
def test_compliant_variants(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _template(stack):
    return stack.batch.launch_templates["SpotCpuLaunchTemplate"]


def _default_key(stack):
    template = _template(stack)
    current = template.launch_template_data
    template.launch_template_data = ec2.CfnLaunchTemplate.LaunchTemplateDataProperty(
        metadata_options=current.metadata_options,
        block_device_mappings=[ec2.CfnLaunchTemplate.BlockDeviceMappingProperty(
            device_name="/dev/xvda", ebs=ec2.CfnLaunchTemplate.EbsProperty(encrypted=True, volume_size=100, volume_type="gp3"))],
    )


CHANNELS = Channels(
    build=compute_stack,
    construct=lambda mp: mp.setattr(
        ec2.CfnLaunchTemplate, "EbsProperty", forcing(ec2.CfnLaunchTemplate.EbsProperty, kms_key_id=None)),
    l1=_default_key,
    overrides=(
        lambda stack: _template(stack).add_property_override("LaunchTemplateData.BlockDeviceMappings.0.Ebs.Encrypted", False),
        lambda stack: _template(stack).add_deletion_override("Properties.LaunchTemplateData.BlockDeviceMappings.0.Ebs.KmsKeyId"),
        lambda stack: _template(stack).add_override("Properties.LaunchTemplateData.BlockDeviceMappings.0.Ebs.KmsKeyId", "alias/aws/ebs"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
