"""GXP-ML-01: regulated model training runs isolated in the workload VPC, encrypted at rest and in transit."""

from __future__ import annotations

import pytest

from controls.compute._builders import COMPUTE, RESEARCH_COMPUTE, compute_stack
from controls.ml._definition import edited_definition, in_condition_branch, training, weakened_definition_body, with_tuning_step
from controls.support import Channels, assert_channel_caught, channel_cases, fired, the, variant
from gxp_landing_zone.constructs.ml_pipeline import ModelTrainingPipeline

CONTROL = "GXP-ML-01"
STACK = COMPUTE


def _set(**changes):
    return lambda args: args.update(changes)


def _drop(*path):
    def apply(args):
        for key in path[:-1]:
            args = args[key]
        args.pop(path[-1])

    return apply


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


def test_research_training_is_outside_the_boundary(reference, ctx):
    edit = training(_set(EnableNetworkIsolation=False))
    assert CONTROL not in fired(variant(reference[RESEARCH_COMPUTE], edit), ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(training(_set(EnableNetworkIsolation=False)), id="network-reachable"),
        pytest.param(training(_set(EnableInterContainerTrafficEncryption=False)), id="inter-container-plaintext"),
        pytest.param(training(_drop("EnableInterContainerTrafficEncryption")), id="inter-container-default"),
        pytest.param(training(_drop("VpcConfig")), id="outside-the-vpc"),
        pytest.param(training(lambda a: a["VpcConfig"].update(Subnets=["subnet-0123456789abcdef0"])), id="unseen-subnet"),
        pytest.param(training(_drop("OutputDataConfig", "KmsKeyId")), id="output-under-aws-key"),
        pytest.param(training(lambda a: a["ResourceConfig"].update(InstanceType="ml.m5.xlarge") or a["ResourceConfig"].pop(
            "VolumeKmsKeyId")), id="ebs-volume-under-aws-key"),
        pytest.param(training(_set(EnableNetworkIsolation={"Get": "Parameters.Isolation"})), id="unprovable-isolation"),
        pytest.param(in_condition_branch(_set(EnableNetworkIsolation=False)), id="hidden-in-condition-branch"),
        pytest.param(with_tuning_step(_set(EnableInterContainerTrafficEncryption=False)), id="tuning-job-plaintext"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        # Local NVMe storage is encrypted by the instance; SageMaker refuses a volume key for it.
        pytest.param(training(_drop("ResourceConfig", "VolumeKmsKeyId")), id="local-storage-instance"),
        pytest.param(training(_set(EnableNetworkIsolation="true")), id="string-true"),
        pytest.param(with_tuning_step(lambda a: None), id="compliant-tuning-job"),
    ],
)
def test_compliant_variants(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


@pytest.mark.parametrize(
    "part",
    [
        pytest.param({"Ref": "OutputParameter"}, id="parameter"),
        pytest.param({"Fn::GetAtt": ["SomeCustomResource", "Text"]}, id="custom-resource-text"),
    ],
)
def test_a_definition_spliced_with_free_text_proves_nothing(reference, ctx, part):
    # A value that is not a resource identifier could rewrite the JSON around it: no step can be read.
    def edit(template):
        template["Resources"]["SomeCustomResource"] = {
            "Type": "Custom::Text", "Properties": {"ServiceToken": "arn:aws:lambda:us-east-1:444444444444:function:text"}}
        parts = the(template, "AWS::SageMaker::Pipeline")["Properties"]["PipelineDefinition"]["PipelineDefinitionBody"]["Fn::Join"][1]
        after = next(i for i, p in enumerate(parts) if isinstance(p, str) and p.endswith('"S3OutputPath":"s3://'))
        parts[after + 1] = part

    assert {"GXP-ML-01", "GXP-ML-02", "GXP-ML-03"} <= fired(variant(reference[STACK], edit), ctx)


def _pipeline(stack):
    return stack.ml.pipeline


def _body(stack, edit):
    return stack.ml.definition_body(edited_definition(stack, edit))["PipelineDefinitionBody"]


def _l1(stack):
    _pipeline(stack).pipeline_definition = {"PipelineDefinitionBody": _body(stack, _set(EnableNetworkIsolation=False))}


CHANNELS = Channels(
    build=compute_stack,
    construct=lambda mp: mp.setattr(
        ModelTrainingPipeline, "definition_body", weakened_definition_body(_set(EnableInterContainerTrafficEncryption=False))),
    l1=_l1,
    overrides=(
        lambda stack: _pipeline(stack).add_property_override(
            "PipelineDefinition.PipelineDefinitionBody", _body(stack, _set(EnableInterContainerTrafficEncryption=False))),
        lambda stack: _pipeline(stack).add_override(
            "Properties.PipelineDefinition.PipelineDefinitionBody", _body(stack, _drop("VpcConfig"))),
        # A security group without VpcId is created in the default VPC.
        lambda stack: stack.ml.security_group.node.default_child.add_deletion_override("Properties.VpcId"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)
