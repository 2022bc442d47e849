"""CDK bootstrap in one account and region: a recent enough CDKToolkit, and a deploy role the
deploying account may assume.

`make deploy` runs `cdk deploy --all` with one set of credentials (the deployer's); for every other
account the CLI assumes cdk-hnb659fds-deploy-role-<account>-<region>, which trusts only the accounts
named with `cdk bootstrap --trust`. The file- and image-publishing roles get the same trust from the
same command, so the deploy role stands for all three.
https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html
https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-bootstrap.html
"""

from __future__ import annotations

import json
from urllib.parse import unquote

from botocore.exceptions import BotoCoreError, ClientError

from .assembly import Needs
from .result import Check, error_code, fail, ok, unreadable

QUALIFIER = "hnb659fds"  # the CDK default; the app sets no other
VERSION_PARAMETER = f"/cdk-bootstrap/{QUALIFIER}/version"
# --trust requires --cloudformation-execution-policies; AdministratorAccess is what `cdk bootstrap`
# attaches when none is given. Narrow it if your policy requires, keeping every service the estate uses.
EXECUTION_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"


def deploy_role_name(account_id: str, region: str) -> str:
    return f"cdk-{QUALIFIER}-deploy-role-{account_id}-{region}"


def bootstrap_command(account_id: str, region: str, deployer: str) -> str:
    return (
        f"npx cdk bootstrap aws://{account_id}/{region} --trust {deployer} "
        f"--cloudformation-execution-policies {EXECUTION_POLICY} (with credentials for {account_id})"
    )


def version(ssm, account_id: str, region: str, needs: Needs, deployer: str) -> Check:
    # The CLI reads this parameter and refuses a deploy whose assets need a newer bootstrap stack.
    # https://docs.aws.amazon.com/cdk/api/v2/docs/@aws-cdk_cloud-assembly-schema.AssetManifestOptions.html
    name = f"cdk bootstrap: {VERSION_PARAMETER} >= {needs.bootstrap_version} in {account_id}/{region}"
    fix = bootstrap_command(account_id, region, deployer)
    try:
        value = ssm.get_parameter(Name=VERSION_PARAMETER)["Parameter"]["Value"]
    except ClientError as exc:
        if error_code(exc) == "ParameterNotFound":
            return fail(name, "not bootstrapped (no CDKToolkit version parameter)", fix)
        return unreadable(name, "ssm:GetParameter", exc)
    except BotoCoreError as exc:
        return unreadable(name, "ssm:GetParameter", exc)
    if not value.isdigit():
        return fail(name, f"version parameter holds {value!r}", fix)
    if int(value) < needs.bootstrap_version:
        return fail(name, f"bootstrap version {value} ({needs.source})", fix)
    return ok(name, f"bootstrap version {value} ({needs.source})")


def _document(raw) -> dict:
    if isinstance(raw, dict):
        return raw
    return json.loads(unquote(raw)) if raw else {}


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def trusts(document: dict, deployer: str) -> bool:
    """Whether an Allow statement lets a principal of the deployer's account call sts:AssumeRole."""
    for statement in _listed(document.get("Statement", [])):
        if statement.get("Effect") != "Allow":
            continue
        actions = _listed(statement.get("Action", []))
        if not any(a in ("sts:AssumeRole", "sts:*", "*") for a in actions):
            continue
        principal = statement.get("Principal", {})
        aws = _listed(principal.get("AWS", [])) if isinstance(principal, dict) else []
        for entry in aws:
            if entry == deployer or str(entry).startswith(f"arn:aws:iam::{deployer}:"):
                return True
    return False


def deploy_trust(iam, account_id: str, region: str, deployer: str) -> Check:
    role = deploy_role_name(account_id, region)
    name = f"cdk bootstrap: {role} trusts deploying account {deployer}"
    fix = bootstrap_command(account_id, region, deployer)
    try:
        found = iam.get_role(RoleName=role)["Role"]
    except ClientError as exc:
        if error_code(exc) == "NoSuchEntity":
            return fail(name, "the deploy role does not exist (not bootstrapped)", fix)
        return unreadable(name, "iam:GetRole", exc)
    except BotoCoreError as exc:
        return unreadable(name, "iam:GetRole", exc)
    if trusts(_document(found.get("AssumeRolePolicyDocument")), deployer):
        return ok(name, "the trust policy allows the deployer's account")
    return fail(name, f"the trust policy does not name {deployer}", fix)


def checks(ssm, iam, account_id: str, region: str, needs: Needs, deployer: str) -> list[Check]:
    return [version(ssm, account_id, region, needs, deployer), deploy_trust(iam, account_id, region, deployer)]
