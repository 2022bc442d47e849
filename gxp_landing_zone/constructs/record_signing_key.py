"""The key that seals IQ and OQ records: asymmetric (ECC_NIST_P256, SIGN_VERIFY), so anyone can verify
a record with the public key while only the roles of the configured permission sets can sign.

A record is an ordinary file the tester could edit; what makes an edit detectable is a signature
made with a key the editor cannot use after the fact without leaving a trace. KMS never releases the
private key, and every kms:Sign call is recorded by the organization trail with its caller and time.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from .keep import KEEP
from .managed_key import KEY_ADMIN_ACTIONS


def permission_set_role_pattern(permission_set_name: str) -> str:
    """The roles IAM Identity Center creates for a permission set in every account:
    arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com[/<region>]/AWSReservedSSO_<name>_<suffix>.
    The suffix changes when the role is re-created, so policies match it with a wildcard:
    https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html
    """
    return f"arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_{permission_set_name}_*"


class RecordSigningKey(Construct):
    def __init__(self, scope: Construct, id: str, *, alias: str, organization_id: str, signer_permission_sets: list[str]) -> None:
        super().__init__(scope, id)
        in_organization = {"StringEquals": {"aws:PrincipalOrgID": organization_id}}
        policy = iam.PolicyDocument(statements=[
            iam.PolicyStatement(
                sid="KeyAdministration", principals=[iam.AccountRootPrincipal()], actions=KEY_ADMIN_ACTIONS, resources=["*"],
            ),
            # Only QA's roles (the configured permission sets), in any account of the organization, may seal a record.
            iam.PolicyStatement(
                sid="QualificationSignersSign",
                principals=[iam.AnyPrincipal()],
                actions=["kms:Sign"],
                resources=["*"],
                conditions={
                    **in_organization,
                    "ArnLike": {"aws:PrincipalArn": [permission_set_role_pattern(n) for n in signer_permission_sets]},
                },
            ),
            # Verifying needs only the public key; any principal of the organization may read it.
            iam.PolicyStatement(
                sid="OrganizationVerifies",
                principals=[iam.AnyPrincipal()],
                actions=["kms:GetPublicKey", "kms:Verify", "kms:DescribeKey"],
                resources=["*"],
                conditions=in_organization,
            ),
        ])
        self.key = kms.Key(
            self,
            "Key",
            alias=alias,
            description="Signs IQ and OQ records (ECDSA P-256); the public key verifies them",
            key_spec=kms.KeySpec.ECC_NIST_P256,
            key_usage=kms.KeyUsage.SIGN_VERIFY,
            pending_window=Duration.days(30),
            policy=policy,
            removal_policy=KEEP,
        )
