"""Who may sign: the signers' user pool, its app client and the signer groups (11.100, 11.200,
11.300)."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from .functions import FunctionFactory
from .spec import SignatureServiceSpec
from ...constructs.keep import KEEP


def add_signers(
    scope: Construct, spec: SignatureServiceSpec, functions: FunctionFactory
) -> tuple[cognito.UserPool, cognito.UserPoolClient]:
    token_fn = functions.add(
        "token",
        "PreTokenGeneration",
        "runtime.pre_token.handler",
        "States password + MFA in the ID token (gxp_amr) for the signature service",
        environment={},
        statements=[],
    )
    user_pool = cognito.UserPool(
        scope,
        "Signers",
        # 11.100(b): an account exists only after an administrator has verified the person.
        self_sign_up_enabled=False,
        # 11.200(a)(1), 11.300: a password and a TOTP code at every sign-in.
        mfa=cognito.Mfa.REQUIRED,
        mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
        password_policy=cognito.PasswordPolicy(
            min_length=14,
            require_lowercase=True,
            require_uppercase=True,
            require_digits=True,
            require_symbols=True,
            temp_password_validity=Duration.days(3),
            password_history_size=24,
        ),
        # 11.100(a), 11.300(a): "JDoe" and "jdoe" are one identity, never two people.
        sign_in_case_sensitive=False,
        sign_in_aliases=cognito.SignInAliases(username=True),
        standard_attributes=cognito.StandardAttributes(
            # 11.50(a)(1): the printed name every manifestation shows.
            fullname=cognito.StandardAttribute(required=True, mutable=True),
            email=cognito.StandardAttribute(required=True, mutable=True),
        ),
        # 11.300(c): a lost password or authenticator is replaced by an administrator who
        # re-verifies the person, never by self-service recovery.
        account_recovery=cognito.AccountRecovery.NONE,
        # No device_tracking: a remembered device may stand in for the second factor.
        feature_plan=cognito.FeaturePlan.PLUS,
        # 11.300(d): compromised credentials and risky sign-ins are blocked and reported.
        standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
        deletion_protection=True,
        removal_policy=KEEP,
        lambda_triggers=cognito.UserPoolTriggers(pre_token_generation=token_fn),
    )
    client = user_pool.add_client(
        "SigningClient",
        # Password sign-in only through SRP: the password never leaves the browser, and no
        # passwordless or custom flow can mint a token without both factors.
        auth_flows=cognito.AuthFlow(user_srp=True),
        disable_o_auth=True,
        generate_secret=False,
        prevent_user_existence_errors=True,
        id_token_validity=Duration.minutes(60),
        access_token_validity=Duration.minutes(60),
        refresh_token_validity=Duration.hours(12),
        enable_token_revocation=True,
        read_attributes=cognito.ClientAttributes().with_standard_attributes(fullname=True, email=True),
        # Nobody edits their own printed name: administrators maintain it (11.50(a)(1)).
        write_attributes=cognito.ClientAttributes(),
    )
    for group in spec.signer_groups:
        cognito.CfnUserPoolGroup(
            scope,
            f"Group{_pascal(group)}",
            user_pool_id=user_pool.user_pool_id,
            group_name=group,
            description="Signing authority is granted to this group by the estate config (11.10(g))",
        )
    return user_pool, client


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.replace("_", "-").replace(".", "-").split("-"))
