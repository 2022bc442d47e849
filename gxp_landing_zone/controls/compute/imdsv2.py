"""GXP-EC2-01: Batch container instances require IMDSv2 session tokens."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import Control, all_of, cannot_prove, compliant, expect, non_compliant
from ._helpers import FLEET, instance_scope, launch_templates, name_of

# IMDSv2: every metadata request needs a session token obtained with a PUT, which a forwarded GET
# (server-side request forgery) cannot obtain.
REQUIRED_TOKENS = "required"


def _template(template):
    name = name_of(template)
    endpoint = template.get("LaunchTemplateData.MetadataOptions.HttpEndpoint")
    if isinstance(endpoint, Unresolved):
        return cannot_prove(f"launch template {name} HttpEndpoint: {endpoint.why}")
    if endpoint == "disabled":
        return compliant(f"launch template {name} turns the instance metadata service off")
    tokens = template.get("LaunchTemplateData.MetadataOptions.HttpTokens")
    if tokens is None:
        return non_compliant(f"launch template {name} sets no HttpTokens: EC2's default accepts IMDSv1 requests")
    return expect(tokens, REQUIRED_TOKENS, f"launch template {name} HttpTokens")


def check(env, ctx):
    if (scope := instance_scope(env)) is not None:
        return scope
    templates = launch_templates(env)
    if isinstance(templates, Unresolved):
        return cannot_prove(templates.why)
    if not templates:
        return non_compliant("the environment names no launch template: nothing requires IMDSv2 of its instances")
    return all_of(*(_template(t) for t in templates))


CONTROL = Control(
    id="GXP-EC2-01",
    title="Instance metadata requires IMDSv2",
    statement=(
        "Every launch template a Batch container instance starts from requires IMDSv2 session tokens (or turns the "
        "metadata service off), so instance credentials cannot be read through a forwarded request."
    ),
    part11={
        "11.10(d)": "The instance role's credentials cannot be taken by whoever can make a workload forward a request.",
        "11.10(g)": "Actions under the instance role stay with the workload it was granted to, so authority checks on that role mean what they say.",
    },
    annex11={
        "12.1": "Logical access to the instance credentials is restricted to the instance's own processes.",
    },
    resource_types=("AWS::Batch::ComputeEnvironment",),
    check=check,
    deployed=FLEET,
    config_rule="EC2_IMDSV2_CHECK",
)
