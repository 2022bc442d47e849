"""The record export as stacks/records.py deploys it into the regulated account (records/deployment/export.py),
built in moto with boto3 for the IQ: the export function with its role and policy, the exports bucket under
Object Lock COMPLIANCE, and the signing key only the function's role may sign with (the exports key, like every
symmetric key, comes from tests/test_iq_governance.py). Used by tests/test_iq_records_service.py, which also holds
the breaks of GXP-REC-07."""

from __future__ import annotations

import io
import json
import zipfile

from gxp_landing_zone.controls.records.export_on_request import EXPORT_HANDLER

REGION = "us-east-1"
DEPLOYMENT_ROLE = "arn:aws:iam::*:role/cdk-*-cfn-exec-role-*"
EVERYONE = {"AWS": "*"}


def role_arn(names, account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role/{names.records_function_role_name('export', REGION)}"


def signing_key_policy(account_id: str, signer: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "KeyAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
         "Action": ["kms:Describe*", "kms:Put*", "kms:Create*"], "Resource": "*"},
        {"Sid": "ExportFunctionSigns", "Effect": "Allow", "Principal": {"AWS": signer}, "Action": "kms:Sign", "Resource": "*"},
        {"Sid": "OnlyExportFunctionSigns", "Effect": "Deny", "Principal": EVERYONE, "Action": "kms:Sign", "Resource": "*",
         "Condition": {"ArnNotEquals": {"aws:PrincipalArn": signer}}},
        {"Sid": "NoGrantsOnExportSigningKey", "Effect": "Deny", "Principal": EVERYONE, "Action": "kms:CreateGrant",
         "Resource": "*", "Condition": {"Bool": {"aws:PrincipalIsAWSService": "false"}}},
        {"Sid": "ExportSigningKeyPolicyOnlyByDeployment", "Effect": "Deny", "Principal": EVERYONE,
         "Action": "kms:PutKeyPolicy", "Resource": "*", "Condition": {"ArnNotLike": {"aws:PrincipalArn": DEPLOYMENT_ROLE}}},
    ]}


def role_policy(config, names, account_id: str, signing_key: str, *, sign_resource: str | None = None) -> str:
    objects = [f"arn:aws:s3:::{names.records_bucket(c.name, account_id, REGION)}/*" for c in config.data_classes]
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "ReadRecordVersions", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": objects},
        {"Sid": "SignExportManifests", "Effect": "Allow", "Action": "kms:Sign", "Resource": sign_resource or signing_key},
    ]})


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("gxp_landing_zone/__init__.py", "")
    return buffer.getvalue()


def build_record_export(session, config, names, account_id: str) -> None:
    kms, s3, iam = session.client("kms"), session.client("s3"), session.client("iam")
    signer = role_arn(names, account_id)
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Description="Signs record exports",
                             Policy=json.dumps(signing_key_policy(account_id, signer)))["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName=names.RECORD_EXPORT_SIGNING_KEY_ALIAS, TargetKeyId=signing)
    exports = names.record_export_bucket(account_id, REGION)
    s3.create_bucket(Bucket=exports, ObjectLockEnabledForBucket=True)
    s3.put_bucket_versioning(Bucket=exports, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket=exports, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 30}}})
    role_name = signer.rsplit("/", 1)[-1]
    iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    policy = iam.create_policy(PolicyName=f"{role_name}-policy",
                               PolicyDocument=role_policy(config, names, account_id, signing))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=role_name, PolicyArn=policy)
    session.client("lambda").create_function(
        FunctionName=names.RECORD_EXPORT_FUNCTION, Runtime="python3.12", Role=signer, Handler=EXPORT_HANDLER,
        Code={"ZipFile": _zip()}, TracingConfig={"Mode": "Active"},
        Environment={"Variables": {"EXPORT_BUCKET": exports, "SIGNING_KEY": signing}})


# -- breaks of GXP-REC-07 -----------------------------------------------------------------------------


def signing_key_opened(session, names, account_id: str) -> None:
    """The deny of kms:Sign to everyone but the export's role removed."""
    kms = session.client("kms")
    policy = signing_key_policy(account_id, role_arn(names, account_id))
    policy["Statement"] = [s for s in policy["Statement"] if s["Sid"] != "OnlyExportFunctionSigns"]
    key = kms.describe_key(KeyId=names.RECORD_EXPORT_SIGNING_KEY_ALIAS)["KeyMetadata"]["KeyId"]
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(policy))


def export_role_signs_with_any_key(session, config, names, account_id: str) -> None:
    iam = session.client("iam")
    role_name = role_arn(names, account_id).rsplit("/", 1)[-1]
    (attached,) = iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
    iam.create_policy_version(PolicyArn=attached["PolicyArn"], SetAsDefault=True,
                              PolicyDocument=role_policy(config, names, account_id, "", sign_resource="*"))


def exports_in_governance_mode(session, names, account_id: str) -> None:
    session.client("s3").put_object_lock_configuration(
        Bucket=names.record_export_bucket(account_id, REGION), ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}})
