"""The pre-flight command line: one line per check, exit codes, and one-line errors (never a traceback)
for a run that cannot start - bad config, no credentials, no network, the wrong account."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from moto import mock_aws

from gxp_landing_zone.config import load_config
from gxp_landing_zone.preflight.__main__ import main
from gxp_landing_zone.preflight.runner import deploy_regions
from tests.test_preflight import REFERENCE_CONFIG, fake_credentials  # noqa: F401
from tests.test_preflight_account import bootstrap_account

ROOT = Path(__file__).resolve().parent.parent


def run_cli(capsys, *args):
    code = main(["--config", str(REFERENCE_CONFIG), *args])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str, message: str) -> bool:
    return err.startswith("preflight: error: ") and message in err and err.count("\n") == 1 and "Traceback" not in err


def test_organization_run_prints_a_line_per_check_and_the_next_commands(monkeypatch, capsys):
    config = load_config(REFERENCE_CONFIG)
    monkeypatch.setenv("MOTO_ACCOUNT_ID", config.management.id)  # default credentials land in management
    with mock_aws():
        import boto3

        boto3.client("organizations", region_name="us-east-1").create_organization(FeatureSet="ALL")
        code, out, err = run_cli(capsys)
    lines = out.splitlines()
    assert code == 1 and err == ""
    assert all(line.startswith(("PASS ", "FAIL ")) for line in lines[: lines.index(next(l for l in lines if l.startswith("preflight ")))])
    assert (f"FAIL organization: audit account {config.audit.id} is an ACTIVE member: not in the organization -- fix: "
            f"aws organizations invite-account-to-organization --target Id={config.audit.id},Type=ACCOUNT") in out
    assert "FAIL trusted access: cloudtrail.amazonaws.com" in out
    assert any(line.startswith("preflight organization: ") and line.endswith(" failed") for line in lines)
    assert f"  signed in to {config.audit.id}: make preflight ROLE=audit" in out


def test_account_run_passes_and_exits_zero(monkeypatch, capsys, tmp_path):
    config = load_config(REFERENCE_CONFIG)
    account = config.log_archive
    monkeypatch.setenv("MOTO_ACCOUNT_ID", account.id)
    with mock_aws():
        bootstrap_account(account.id, deploy_regions(config, account))
        code, out, err = run_cli(capsys, "--account-role", "log-archive", "--cdk-out", str(tmp_path))
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == f"preflight account log-archive: {2 * len(deploy_regions(config, account))} passed, 0 failed"


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--account-role", "lab"], 2, "unknown account role 'lab'"),
        (["--account-role", "audit", "--region", "eu-west-3"], 2, "region eu-west-3 is not in allowed_regions"),
        (["--region", "us-east-1"], 2, "--region applies to one account; add --account-role"),
        (["--account-role", "audit", "--deployer-account", "mgmt"], 2, "--deployer-account must be a 12-digit account ID"),
        (["--account-role", "audit"], 4, "credentials are for account 123456789012 but the config's audit account"),
        ([], 4, "credentials are for account 123456789012 but the config's management account"),
    ],
)
def test_errors_are_one_line_with_exit_code(capsys, args, code, message):
    with mock_aws():
        got, out, err = run_cli(capsys, *args)
    assert (got, out) == (code, "") and one_line_error(err, message), err


@pytest.mark.parametrize("text, message", [
    (None, "no such config file"),
    ("organization: [", "not valid YAML"),
    ("organization:\n  name: x\n", "problem(s) in the estate configuration"),
])
def test_bad_config_exits_2(capsys, tmp_path, text, message):
    path = tmp_path / "estate.yaml"
    if text is not None:
        path.write_text(text)
    code = main(["--config", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.startswith("preflight: error: ") and message in err and "Traceback" not in err


def test_without_credentials_exits_3(monkeypatch, capsys, tmp_path):
    # No source botocore could find: environment, files, instance or container metadata.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    code, out, err = run_cli(capsys, "--account-role", "audit")
    assert (code, out) == (3, "")
    assert err == "preflight: error: no AWS credentials found; sign in (e.g. aws sso login) or set AWS_PROFILE\n"


def test_without_network_exits_3(monkeypatch, capsys):
    from botocore.client import BaseClient
    from botocore.exceptions import EndpointConnectionError

    def unreachable(client, operation_name, params):
        raise EndpointConnectionError(endpoint_url=f"https://{client.meta.service_model.endpoint_prefix}.amazonaws.com")

    monkeypatch.setattr(BaseClient, "_make_api_call", unreachable)
    code, out, err = run_cli(capsys)
    assert (code, out) == (3, "")
    assert one_line_error(err, "cannot sign in to AWS (Could not connect to the endpoint URL")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_target_passes_role_and_region():
    dry = subprocess.run(
        ["make", "-n", "preflight", "ROLE=audit", "REGION=us-east-1", "CONFIG=estate.yaml"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    assert (".venv/bin/python -m gxp_landing_zone.preflight --config estate.yaml --cdk-out cdk.out "
            "--account-role audit --region us-east-1 ") in [line for line in dry if "preflight" in line]
    organization = subprocess.run(["make", "-n", "preflight"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "-m gxp_landing_zone.preflight --config config/reference.yaml --cdk-out cdk.out" in organization
    assert "--account-role" not in organization
