from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct
from .keep import KEEP

# Administration without use: key administrators can manage the key but not decrypt
# with it, and nobody can schedule its deletion (a deleted key makes every record
# encrypted under it unreadable, 11.10(c)).
KEY_ADMIN_ACTIONS = [
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Get*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:CancelKeyDeletion",
]


class ManagedKey(Construct):
    """A customer-managed KMS key with yearly rotation, retained when its stack is deleted.

    The key policy starts with administration only; callers add the principals that
    may encrypt or decrypt with ``allow``. ``signing=True`` makes an asymmetric ECC P-256 signing
    key instead, which KMS cannot rotate (automatic rotation is for symmetric encryption keys only:
    https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html).
    """

    def __init__(self, scope: Construct, id: str, *, alias: str, description: str, signing: bool = False) -> None:
        super().__init__(scope, id)
        account = Stack.of(self).account
        policy = iam.PolicyDocument(
            statements=[
                iam.PolicyStatement(
                    sid="KeyAdministration",
                    principals=[iam.AccountRootPrincipal()],
                    actions=KEY_ADMIN_ACTIONS,
                    resources=["*"],
                )
            ]
        )
        self.key = kms.Key(
            self,
            "Key",
            alias=alias,
            description=description,
            enable_key_rotation=not signing,
            rotation_period=None if signing else Duration.days(365),
            # Left unstated for encryption keys: KMS's default, and naming it now would change (and so
            # replace) every existing key, since KeySpec cannot be updated in place.
            key_spec=kms.KeySpec.ECC_NIST_P256 if signing else None,
            key_usage=kms.KeyUsage.SIGN_VERIFY if signing else None,
            pending_window=Duration.days(30),
            policy=policy,
            removal_policy=KEEP,
        )
        self._account = account

    def allow(self, sid: str, principal: iam.IPrincipal, actions: list[str], conditions: dict | None = None) -> None:
        self.key.add_to_resource_policy(
            iam.PolicyStatement(sid=sid, principals=[principal], actions=actions, resources=["*"], conditions=conditions)
        )

    def deny(self, sid: str, actions: list[str], conditions: dict) -> None:
        """An explicit deny to every principal the conditions match: IAM cannot lift it."""
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid=sid, effect=iam.Effect.DENY, principals=[iam.AnyPrincipal()], actions=actions, resources=["*"],
                conditions=conditions,
            )
        )


def aliased_key_statement(actions: list[str], *, account: str, region: str, alias: str) -> iam.PolicyStatement:
    """An IAM grant on another stack's (or account's) key, named by its alias.

    IAM cannot name a key by its alias ARN - a Resource of alias/... applies to the alias, never to the
    key behind it - and a key's ID is unknown at synthesis. So the grant names every key of the owning
    account and region and is narrowed to the one carrying the alias with the multi-valued
    kms:ResourceAliases condition key (hence ForAnyValue). The key policy must allow the same principal:
    https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html
    """
    return iam.PolicyStatement(
        actions=actions,
        resources=[f"arn:aws:kms:{region}:{account}:key/*"],
        conditions={"ForAnyValue:StringEquals": {"kms:ResourceAliases": alias}},
    )
