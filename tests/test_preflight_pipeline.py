"""make preflight ROLE=deployment: the pipeline's source connection must be AVAILABLE (botocore Stubber:
moto has no CodeConnections)."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from gxp_landing_zone.preflight.pipeline_source import connection, connection_service

ARN = "arn:aws:codestar-connections:us-east-1:888888888888:connection/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def _client(status: str | None = None, error: str | None = None):
    client = boto3.client(connection_service(ARN), region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stub = Stubber(client)
    if error:
        stub.add_client_error("get_connection", error, "denied", expected_params={"ConnectionArn": ARN})
    else:
        stub.add_response("get_connection", {"Connection": {"ConnectionArn": ARN, "ConnectionStatus": status}},
                          {"ConnectionArn": ARN})
    stub.activate()
    return client


def test_an_available_connection_passes():
    check = connection(_client("AVAILABLE"), ARN)
    assert check.passed and check.observed == "status AVAILABLE"


@pytest.mark.parametrize("status", ["PENDING", "ERROR"])
def test_a_connection_not_yet_available_fails_with_the_console_step(status):
    check = connection(_client(status), ARN)
    assert not check.passed and f"status {status}" in check.observed
    assert "Update pending connection" in check.fix


def test_an_unreadable_connection_is_a_failed_check():
    check = connection(_client(error="AccessDeniedException"), ARN)
    assert not check.passed and "codestar-connections:GetConnection" in check.fix


def test_both_service_prefixes_have_a_client():
    assert connection_service(ARN) == "codestar-connections"
    assert connection_service(ARN.replace("codestar-connections", "codeconnections")) == "codeconnections"
