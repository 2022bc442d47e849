"""Discovery compute controls: each one, removed or weakened, is caught by its rule.

Same structure as test_mutation_audit.py: build the compute stack of one account in a fresh
app, check the control passes, apply the mutation, check the GXP pack now reports it.
"""

from __future__ import annotations

import copy

import pytest
from aws_cdk import aws_ec2 as ec2
from mutation_support import assert_caught, Mutation, prop, violations

from gxp_landing_zone.stacks.compute import ComputeStack
from gxp_landing_zone.validation.controls import CONTROLS


def compute(app, config, region, role):
    account = config.account(role or "regulated-eu")
    return ComputeStack(app, config=config, account=account, region=region or config.workload_regions(account)[0])


def _launch_template(stack, name="SpotCpuLaunchTemplate"):
    return stack.batch.launch_templates[name]


def _edit_launch_template(**changes):
    """Replace fields of the typed launch-template data (resolved dicts hold tokens jsii cannot re-read)."""

    def apply(stack):
        template = _launch_template(stack)
        data = template.launch_template_data
        fields = {name: getattr(data, name) for name in ("metadata_options", "block_device_mappings", "capacity_reservation_specification")}
        template.launch_template_data = ec2.CfnLaunchTemplate.LaunchTemplateDataProperty(**{**fields, **changes})

    return apply


def _open_to_internet(stack):
    vpc = stack.network.vpc
    gateway = ec2.CfnInternetGateway(stack, "StrayInternetGateway")
    ec2.CfnVPCGatewayAttachment(stack, "StrayAttachment", vpc_id=vpc.vpc_id, internet_gateway_id=gateway.ref)


def _public_subnet(stack):
    stack.network.vpc.isolated_subnets[0].node.default_child.map_public_ip_on_launch = True


def _drop_catch_all(stack):
    job = stack.batch.cpu_job
    strategy = prop(job, "retry_strategy")
    strategy["evaluateOnExit"] = strategy["evaluateOnExit"][:-1]
    job.retry_strategy = strategy  # plain strings only, so the resolved form can be set back


AWS_MANAGED_KEY_VOLUME = [
    ec2.CfnLaunchTemplate.BlockDeviceMappingProperty(
        device_name="/dev/xvda", ebs=ec2.CfnLaunchTemplate.EbsProperty(encrypted=True, volume_size=100, volume_type="gp3")
    )
]


def _edit_pipeline(step_type: str, edit):
    def apply(stack):
        definition = copy.deepcopy(stack.ml.definition)
        for step in definition["Steps"]:
            if step["Type"] == step_type:
                edit(step["Arguments"])
        stack.ml.pipeline.pipeline_definition = stack.ml.definition_body(definition)

    return apply


MUTATIONS: dict[str, Mutation] = {
    "GXP-NET-01": Mutation(compute, "flow log limited to rejected traffic", lambda s: setattr(s.network.flow_log, "traffic_type", "REJECT")),
    "GXP-NET-02": Mutation(compute, "internet gateway attached to the regulated VPC", _open_to_internet),
    "GXP-NET-03": Mutation(compute, "a workload subnet hands out public addresses", _public_subnet),
    "GXP-EC2-01": Mutation(
        compute,
        "IMDSv1 allowed again",
        _edit_launch_template(metadata_options=ec2.CfnLaunchTemplate.MetadataOptionsProperty(http_tokens="optional")),
    ),
    "GXP-EC2-02": Mutation(
        compute, "root volume falls back to the AWS-managed key", _edit_launch_template(block_device_mappings=AWS_MANAGED_KEY_VOLUME)
    ),
    "GXP-BATCH-01": Mutation(compute, "catch-all EXIT removed: every failure is retried", _drop_catch_all),
    "GXP-ML-01": Mutation(
        compute, "training container may reach the network", _edit_pipeline("Training", lambda a: a.__setitem__("EnableNetworkIsolation", False))
    ),
    "GXP-ML-02": Mutation(
        compute, "models registered as already approved", _edit_pipeline("RegisterModel", lambda a: a.__setitem__("ModelApprovalStatus", "Approved"))
    ),
    "GXP-ML-03": Mutation(compute, "Spot training without checkpoints", _edit_pipeline("Training", lambda a: a.pop("CheckpointConfig"))),
    "GXP-OMICS-01": Mutation(
        compute,
        "sequence store falls back to the AWS-owned key",
        lambda s: setattr(s.genomics.sequence_store, "sse_config", {"type": "KMS"}),
        role="regulated-us",
    ),
    "GXP-OMICS-02": Mutation(
        compute, "run group without a duration limit", lambda s: setattr(s.genomics.run_group, "max_duration", None), role="regulated-us"
    ),
}


@pytest.mark.parametrize("control_id", sorted(MUTATIONS))
def test_weakening_the_control_fails_its_rule(control_id, reference_config):
    assert_caught(control_id, MUTATIONS[control_id], reference_config)


# -- the validation boundary --------------------------------------------------------------------

REGULATED_ONLY = sorted(c.id for c in CONTROLS if c.boundary == "regulated")


def test_research_stacks_carry_no_regulated_only_controls(synthesized, reference_config):
    research = {f"Compute-{a.role}-" for a in reference_config.research_accounts}
    research_evaluations = [e for e in synthesized.evaluations if any(e.stack.startswith(p) for p in research)]
    assert research_evaluations, "the research compute stack must still be checked against the common controls"
    assert not [e for e in research_evaluations if e.control_id in REGULATED_ONLY]
    regulated_vpcs = {e.stack for e in synthesized.evaluations if e.control_id == "GXP-NET-02" and e.outcome == "COMPLIANT"}
    assert regulated_vpcs == {f"Compute-{a.role}-{r}" for a in reference_config.regulated_accounts for r in reference_config.workload_regions(a)}


def test_research_nat_passes_where_regulated_nat_fails(reference_config):
    """The same internet path: allowed by config in research, caught by GXP-NET-02 in a regulated account."""
    from mutation_support import build

    research = build(compute, reference_config, None, "research")
    assert research.network.vpc.public_subnets, "the reference research account has a NAT gateway"
    assert "GXP-NET-02" not in violations(research, reference_config)

    regulated = build(compute, reference_config, None, "regulated-us")
    _open_to_internet(regulated)
    assert "GXP-NET-02" in violations(regulated, reference_config)


def test_nat_route_in_regulated_vpc_is_caught(reference_config):
    from mutation_support import build

    stack = build(compute, reference_config, None, "regulated-jp")
    subnet = stack.network.vpc.isolated_subnets[0]
    ec2.CfnRoute(stack, "StrayDefaultRoute", route_table_id=subnet.route_table.route_table_id, destination_cidr_block="0.0.0.0/0", nat_gateway_id="nat-0123456789abcdef0")
    assert "GXP-NET-02" in violations(stack, reference_config)
