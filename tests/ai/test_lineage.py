"""The lineage export reads every version of the group, oldest first, with the training data and the
evaluation record each carries, from SageMaker (moto)."""

from __future__ import annotations

import json

import boto3
from moto import mock_aws

from gxp_landing_zone.ai.lineage import as_csv, lineage, main

GROUP = "gxp-discovery-models"
SPEC = {"Containers": [{"Image": "worker@sha256:abc"}], "SupportedContentTypes": ["application/json"],
        "SupportedResponseMIMETypes": ["application/json"]}


def _register(sagemaker, data_version, **extra):
    return sagemaker.create_model_package(
        ModelPackageGroupName=GROUP, ModelApprovalStatus="PendingManualApproval", InferenceSpecification=SPEC,
        CustomerMetadataProperties={"gxp:training-data-version": data_version, "gxp:training-image-digest": "sha256:abc",
                                    "gxp:training-data-uri": "s3://exbio-ml-artifacts/training-data/", **extra},
    )["ModelPackageArn"]


@mock_aws
def test_every_version_with_its_training_data_and_evaluation(tmp_path, capsys):
    sagemaker = boto3.client("sagemaker", region_name="us-east-1")
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    first = _register(sagemaker, "v7")
    second = _register(sagemaker, "v8", **{"gxp:evaluation-record": "s3://records/ai-evaluations/x.json",
                                           "gxp:evaluation-sha256": "ab" * 32})
    rows = lineage(sagemaker, GROUP)
    assert [r["arn"] for r in rows] == [first, second]
    assert [r["training_data_version"] for r in rows] == ["v7", "v8"]
    assert rows[0]["evaluation_record"] == "" and rows[1]["evaluation_sha256"] == "ab" * 32
    assert rows[0]["status"] == "PendingManualApproval"
    assert as_csv(rows).splitlines()[0].startswith("version,arn,status,created,training_data_uri")

    out = tmp_path / "lineage.json"
    assert main(["--group", GROUP, "--region", "us-east-1", "--json", "--out", str(out)], session=boto3.Session()) == 0
    assert [r["training_data_version"] for r in json.loads(out.read_text())] == ["v7", "v8"]


class _DeniedSession:
    """A session whose SageMaker client answers ListModelPackages with AccessDenied (botocore Stubber)."""

    def client(self, service, region_name):
        from botocore.stub import Stubber

        client = boto3.client(service, region_name=region_name, aws_access_key_id="x", aws_secret_access_key="x")
        stubber = Stubber(client)
        stubber.add_client_error("list_model_packages", "AccessDeniedException", "not authorized")
        stubber.activate()
        return client


def test_an_unreadable_group_is_a_clear_error_not_a_traceback(capsys):
    assert main(["--group", GROUP, "--region", "us-east-1"], session=_DeniedSession()) == 2
    err = capsys.readouterr().err
    assert f"cannot read model package group {GROUP} in us-east-1" in err and "AccessDeniedException" in err
