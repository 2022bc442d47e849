"""The estate's Cognito user pools as ``AWS::Cognito::UserPool``.

A pool is the estate's when it carries the account-role tag every stack puts on its resources; the
pool ID (what ``Ref`` returns in a template) is its physical ID here.
"""

from __future__ import annotations

from ..cfn import Resource, Unresolved
from .reader import AccountReader

ROLE_TAG = "gxp:account-role"

# describe_user_pool keys that CloudFormation spells the same way.
_SAME_NAME = (
    "MfaConfiguration",
    "DeviceConfiguration",
    "AdminCreateUserConfig",
    "Policies",
    "UsernameConfiguration",
    "DeletionProtection",
    "UserPoolAddOns",
    "UserPoolTier",
    "AccountRecoverySetting",
    "UserPoolTags",
    "LambdaConfig",
    "AutoVerifiedAttributes",
)


def pool_arn(reader: AccountReader, pool_id: str) -> str:
    partition = reader.stack.resolve({"Ref": "AWS::Partition"})
    return f"arn:{partition}:cognito-idp:{reader.region}:{reader.account.id}:userpool/{pool_id}"


def _enabled_mfas(reader: AccountReader, pool_id: str) -> object:
    """EnabledMfas as the template states it: the second factors get_user_pool_mfa_config reports on."""
    answer = reader.call("cognito-idp", "get_user_pool_mfa_config", UserPoolId=pool_id)
    if not answer.ok:
        return Unresolved(answer.error)
    enabled = []
    if (answer.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled"):
        enabled.append("SOFTWARE_TOKEN_MFA")
    if answer.get("SmsMfaConfiguration"):
        enabled.append("SMS_MFA")
    if answer.get("EmailMfaConfiguration"):
        enabled.append("EMAIL_OTP")
    return enabled


def _properties(reader: AccountReader, pool: dict) -> dict:
    properties = {"UserPoolName": pool.get("Name")}
    properties.update({k: pool[k] for k in _SAME_NAME if k in pool})
    # SchemaAttributes carry the same keys as the template's Schema entries.
    properties["Schema"] = pool.get("SchemaAttributes") or []
    properties["EnabledMfas"] = _enabled_mfas(reader, pool["Id"])
    return properties


def signer_pools(reader: AccountReader) -> list[Resource]:
    """The user pools tagged for this account (the signature service's signer register)."""
    return reader.once(("cognito-idp", "pools"), lambda: _read(reader))


def _read(reader: AccountReader) -> list[Resource]:
    found: list[Resource] = []
    token = None
    while True:
        listed = reader.call("cognito-idp", "list_user_pools", MaxResults=60, **({"NextToken": token} if token else {}))
        if not listed.ok:
            return found + [reader.add("AWS::Cognito::UserPool", "signer user pool", Unresolved(listed.error))]
        for summary in listed.get("UserPools") or []:
            described = reader.call("cognito-idp", "describe_user_pool", UserPoolId=summary["Id"])
            if not described.ok:
                found.append(reader.add("AWS::Cognito::UserPool", summary["Id"], Unresolved(described.error)))
                continue
            pool = described.get("UserPool") or {}
            if (pool.get("UserPoolTags") or {}).get(ROLE_TAG) == reader.account.role:
                found.append(reader.add("AWS::Cognito::UserPool", pool["Id"], _properties(reader, pool)))
        token = listed.get("NextToken")
        if not token:
            break
    if not found:
        found.append(reader.add(
            "AWS::Cognito::UserPool", "signer user pool", {},
            missing=f"no user pool tagged {ROLE_TAG}={reader.account.role}",
        ))
    return found
