"""GXP-ML-01: regulated model training runs isolated in the workload VPC, encrypted at rest and in transit."""

from __future__ import annotations

from ..cfn import Ref, Unresolved
from ..compute._helpers import customer_managed_key
from ..deployed.reader import physical_id
from ..model import REGULATED_ONLY, Control, all_of, cannot_prove, cfn_bool, compliant, expect, non_compliant, not_applicable
from ._pipeline import PIPELINE_REGULATED, definition, training_jobs

# Instance families with local NVMe storage, which the instance's hardware module encrypts; SageMaker
# refuses a VolumeKmsKeyId for them. Only families known to have it are listed: any other must name a key.
LOCAL_STORAGE_FAMILIES = frozenset({
    "c5d", "m5d", "r5d", "g4dn", "g5", "g6", "g6e", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "trn1", "trn1n",
})


def _volume(found, stack, name, job):
    instance_type = found.get(job, "ResourceConfig.InstanceType")
    volume_key = found.get(job, "ResourceConfig.VolumeKmsKeyId")
    family = instance_type.split(".")[1] if isinstance(instance_type, str) and instance_type.count(".") >= 2 else None
    if volume_key is None and family in LOCAL_STORAGE_FAMILIES:
        return compliant(f"{name} runs on {instance_type}, whose local storage the instance's hardware encrypts")
    return customer_managed_key(volume_key, stack, f"{name} ResourceConfig.VolumeKmsKeyId")


def _in_workload_vpc(found, stack, name, raw, kind: str):
    """A subnet or security group of this template that belongs to a VPC of this template."""
    reference = found.value(raw)
    if isinstance(reference, Unresolved):
        return cannot_prove(f"{name} {kind}: {reference.why}")
    target = stack.target(reference, f"AWS::EC2::{kind}")
    if target is None:
        return cannot_prove(f"{name} {kind} {reference} is not defined here: its VPC cannot be seen")
    vpc = target.get("VpcId")
    if isinstance(vpc, Unresolved):
        return cannot_prove(f"{name} {kind} {target.logical_id} VpcId: {vpc.why}")
    if isinstance(vpc, Ref) and stack.target(vpc, "AWS::EC2::VPC") is not None:
        return compliant()
    # A security group without VpcId is created in the account's default VPC.
    return non_compliant(f"{name} {kind} {physical_id(target)} is in {vpc or 'the default VPC'}, not a workload VPC")


def _network(found, stack, name, job):
    verdicts = []
    for field, kind in (("Subnets", "Subnet"), ("SecurityGroupIds", "SecurityGroup")):
        listed = found.get(job, f"VpcConfig.{field}")
        if isinstance(listed, Unresolved):
            verdicts.append(cannot_prove(f"{name} VpcConfig.{field}: {listed.why}"))
        elif not isinstance(listed, list) or not listed:
            verdicts.append(non_compliant(f"{name} has no VpcConfig.{field}: it does not run in the workload VPC"))
        else:
            verdicts += [_in_workload_vpc(found, stack, name, raw, kind) for raw in listed]
    return all_of(*verdicts)


def _job(found, stack, name, job):
    return all_of(
        expect(cfn_bool(found.get(job, "EnableNetworkIsolation")), True, f"{name} EnableNetworkIsolation"),
        expect(cfn_bool(found.get(job, "EnableInterContainerTrafficEncryption")), True,
               f"{name} EnableInterContainerTrafficEncryption"),
        _network(found, stack, name, job),
        _volume(found, stack, name, job),
        customer_managed_key(found.get(job, "OutputDataConfig.KmsKeyId"), stack, f"{name} OutputDataConfig.KmsKeyId"),
    )


def check(pipeline, ctx):
    found = definition(pipeline)
    if isinstance(found, Unresolved):
        return cannot_prove(f"PipelineDefinition: {found.why}")
    jobs = training_jobs(found)
    if not jobs:
        return not_applicable("the pipeline starts no training job")
    verdict = all_of(*(_job(found, pipeline.stack, name, job) for name, job in jobs))
    if verdict.passed:
        return compliant(
            f"{', '.join(n for n, _ in jobs)}: network isolation, workload VPC subnets, inter-container encryption, "
            "customer-managed volume and output keys"
        )
    return verdict


CONTROL = Control(
    id="GXP-ML-01",
    title="Regulated model training isolated and encrypted",
    statement=(
        "Every training job a SageMaker pipeline starts (training steps and tuning steps, in any branch) runs with "
        "network isolation in the workload VPC (its subnets and security groups), encrypts traffic between its "
        "containers, and encrypts its output and its storage volumes with a customer-managed key (instance storage "
        "is encrypted by the instance's hardware)."
    ),
    part11={
        "11.10(d)": "The training container reaches no network and its data is readable only through keys whose policies name who may use them.",
        "11.30": "Training data crossing the network between containers is encrypted in transit.",
    },
    annex11={
        "7.1": "Training data and models at rest are secured electronically under the account's keys.",
        "12.1": "Logical access to the training environment is restricted to the workload VPC and the key holders.",
    },
    resource_types=("AWS::SageMaker::Pipeline",),
    check=check,
    boundary=REGULATED_ONLY,
    deployed=PIPELINE_REGULATED,
)
