"""Trusted access and delegated administrators: what lets the stacks act for the whole organization.

Which services, and why (each from the stack that needs it):

- cloudtrail.amazonaws.com: the Organization stack's organization trail (IsOrganizationTrail). Without
  trusted access CreateTrail fails with CloudTrailAccessNotEnabledException.
- config.amazonaws.com: the Audit stack's AWS::Config::ConfigurationAggregator with an organization
  source, created in the audit account.
- config-multiaccountsetup.amazonaws.com: the Compliance stacks' AWS::Config::OrganizationConformancePack,
  created in the audit account in every allowed region.
- sso.amazonaws.com: the Access stack's permission sets and account assignments for member accounts.
- member.org.stacksets.cloudformation.amazonaws.com: only when the topology has the
  OrganizationBaseline component, a service-managed StackSet that gives every member account its
  baseline; without that component no stack uses StackSets and the principal is not required.

The delegated administrator for both Config principals is the audit account: the aggregator and the
conformance packs are created there, and AWS Config accepts an organization-wide aggregator or pack
only from the management account or a registered delegated administrator of that principal.
"""

from __future__ import annotations

from ..config import EstateConfig
from ..topology import components
from .result import Check, fail, ok, read

NEEDS = "organizations:ListAWSServiceAccessForOrganization and ListDelegatedAdministrators"
# How to enable trusted access, and the services that support it:
# https://docs.aws.amazon.com/organizations/latest/userguide/orgs_integrate_services.html#orgs_how-to-enable-disable-trusted-access
# https://docs.aws.amazon.com/organizations/latest/userguide/orgs_integrate_services_list.html
TRUSTED = {
    # https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-an-organizational-trail-prepare.html
    # https://docs.aws.amazon.com/botocore/latest/reference/services/cloudtrail/client/exceptions/CloudTrailAccessNotEnabledException.html
    "cloudtrail.amazonaws.com": "the organization trail (Organization stack)",
    # PutConfigurationAggregator: an organization source needs all features and, from a delegated
    # administrator, the registration checked below; trusted access is enabled only when the
    # management account itself creates the aggregator, so it must be on before the audit account does.
    # https://docs.aws.amazon.com/goto/WebAPI/config/PutConfigurationAggregator
    "config.amazonaws.com": "the organization Config aggregator (Audit stack)",
    # https://docs.aws.amazon.com/goto/WebAPI/config/PutOrganizationConformancePack
    # https://docs.aws.amazon.com/config/latest/developerguide/conformance-pack-organization-apis.html
    "config-multiaccountsetup.amazonaws.com": "the organization conformance packs (Compliance stacks)",
    # Identity Center assigns permission sets to member accounts only with trusted access; enabling
    # Identity Center in the management account turns it on.
    # https://docs.aws.amazon.com/goto/SdkForJavaScriptV3/sso-admin-2020-07-20/CreateAccountAssignment
    "sso.amazonaws.com": "Identity Center permission sets and assignments (Access stack)",
}
DELEGATED = {
    # "To register a delegated administrator, see Register a Delegated Administrator in the AWS Config
    # developer guide" - an organization aggregator outside the management account needs it.
    # https://docs.aws.amazon.com/goto/WebAPI/config/PutConfigurationAggregator
    "config.amazonaws.com": "the organization aggregator in the audit account",
    # "To use this API with delegated administrator, register a delegated administrator ... for
    # config-multiaccountsetup.amazonaws.com".
    # https://docs.aws.amazon.com/goto/WebAPI/config/PutOrganizationConformancePack
    "config-multiaccountsetup.amazonaws.com": "the organization conformance packs in the audit account",
}


STACKSETS = "member.org.stacksets.cloudformation.amazonaws.com"
# Service-managed StackSets need trusted access between StackSets and Organizations, activated from
# CloudFormation (which also creates the StackSets service-linked roles).
# https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ActivateOrganizationsAccess.html
STACKSETS_WHY = "the service-managed baseline StackSet (OrganizationBaseline stack)"


def required(config: EstateConfig) -> dict[str, str]:
    """Service principal -> what needs it, for this estate's topology."""
    found = dict(TRUSTED)
    if "OrganizationBaseline" in components(config, config.management, config.home_region):
        found[STACKSETS] = STACKSETS_WHY
    return found


def trusted(principal: str, enabled: set[str], why: str) -> Check:
    name = f"trusted access: {principal}"
    if principal in enabled:
        return ok(name, f"enabled (needed for {why})")
    if principal == STACKSETS:
        fix = "aws cloudformation activate-organizations-access (in the management account)"
    else:
        fix = f"aws organizations enable-aws-service-access --service-principal {principal} (in the management account)"
    return fail(name, f"not enabled; {why} cannot be created", fix)


def delegated(principal: str, audit_id: str, admins: set[str]) -> Check:
    name = f"delegated administrator: audit account {audit_id} for {principal}"
    why = DELEGATED[principal]
    if audit_id in admins:
        return ok(name, f"registered (needed for {why})")
    observed = f"registered: {', '.join(sorted(admins))}" if admins else "no account is registered"
    return fail(
        name,
        f"{observed}; {why} cannot be created",
        f"aws organizations register-delegated-administrator --account-id {audit_id} --service-principal {principal} "
        "(in the management account, after trusted access for it)",
    )


def _enabled(org) -> set[str]:
    found: set[str] = set()
    for page in org.get_paginator("list_aws_service_access_for_organization").paginate():
        found.update(s["ServicePrincipal"] for s in page["EnabledServicePrincipals"])
    return found


def _admins(org, principal: str) -> set[str]:
    found: set[str] = set()
    for page in org.get_paginator("list_delegated_administrators").paginate(ServicePrincipal=principal):
        found.update(a["Id"] for a in page["DelegatedAdministrators"])
    return found


def checks(org, config: EstateConfig) -> list[Check]:
    enabled, failure = read("trusted access", NEEDS, lambda: _enabled(org))
    found = [failure] if failure else [trusted(p, enabled, why) for p, why in required(config).items()]
    for principal in DELEGATED:
        name = f"delegated administrator: audit account {config.audit.id} for {principal}"
        admins, failure = read(name, NEEDS, lambda p=principal: _admins(org, p))
        found.append(failure or delegated(principal, config.audit.id, admins))
    return found
