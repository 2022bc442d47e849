"""GXP-EC2-02: every EBS volume of a Batch container instance is encrypted with a customer-managed key."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import Control, all_of, cannot_prove, cfn_bool, expect, non_compliant
from ._helpers import FLEET, customer_managed_key, instance_scope, launch_templates, name_of


def _volume(template, mapping, index):
    name = f"launch template {name_of(template)} volume {index}"
    if not isinstance(mapping, dict):
        return cannot_prove(f"{name}: {mapping.why if isinstance(mapping, Unresolved) else 'not an object'}")
    ebs = mapping.get("Ebs")
    if isinstance(ebs, Unresolved):
        return cannot_prove(f"{name} Ebs: {ebs.why}")
    name = f"launch template {name_of(template)} {mapping.get('DeviceName') or f'volume {index}'}"
    return all_of(
        expect(cfn_bool(ebs.get("Encrypted")), True, f"{name} Encrypted"),
        customer_managed_key(ebs.get("KmsKeyId"), template.stack, f"{name} KmsKeyId"),
    )


def _template(template):
    mappings = template.get("LaunchTemplateData.BlockDeviceMappings")
    if isinstance(mappings, Unresolved):
        return cannot_prove(f"launch template {name_of(template)} BlockDeviceMappings: {mappings.why}")
    # Instance-store (VirtualName) and suppressed (NoDevice) mappings hold no EBS volume.
    volumes = [(i, m) for i, m in enumerate(mappings or []) if not isinstance(m, dict) or m.get("Ebs") is not None]
    if not volumes:
        return non_compliant(
            f"launch template {name_of(template)} maps no EBS volume: the root volume follows the AMI and the account default"
        )
    return all_of(*(_volume(template, m, i) for i, m in volumes))


def check(env, ctx):
    if (scope := instance_scope(env)) is not None:
        return scope
    templates = launch_templates(env)
    if isinstance(templates, Unresolved):
        return cannot_prove(templates.why)
    if not templates:
        return non_compliant("the environment names no launch template: its volumes follow the AMI and the account default")
    return all_of(*(_template(t) for t in templates))


CONTROL = Control(
    id="GXP-EC2-02",
    title="Compute volumes encrypted with a customer-managed key",
    statement=(
        "Every EBS volume a Batch container instance's launch template maps is encrypted with a customer-managed "
        "KMS key, whose key policy decides who can read it."
    ),
    part11={
        "11.10(d)": "Only principals the key policy names can read the data the instances process and leave on their volumes.",
    },
    annex11={
        "7.1": "Data on the instances' volumes is secured electronically for as long as the volume exists.",
        "12.1": "Access to the volumes' data is restricted through the key, not only through the instance.",
    },
    resource_types=("AWS::Batch::ComputeEnvironment",),
    check=check,
    deployed=FLEET,
    config_rule="ENCRYPTED_VOLUMES",
)
