"""GXP-NET-01: every workload VPC logs all accepted and rejected flows."""

from __future__ import annotations

from ..deployed.ec2 import flow_logs
from ..deployed.reader import physical_id
from ..model import Control, DeployedCheck, Verdict, all_of, cannot_prove, compliant, expect, expect_present, show
from ._helpers import WORKLOADS, best, conditional, points_at, vpcs_with

# Rejected flows show attempts to reach the network; accepted ones show what did reach it.
REQUIRED_TRAFFIC = "ALL"


def _judge(flow_log) -> Verdict:
    if (condition := conditional(flow_log)) is not None:
        return cannot_prove(f"flow log {flow_log.logical_id} exists only if condition {condition} holds")
    destination = flow_log.get("LogDestination")
    if destination is None:
        destination = flow_log.get("LogGroupName")  # CloudWatch Logs may be named instead of by ARN
    verdict = all_of(
        expect(flow_log.get("ResourceType"), "VPC", f"flow log {flow_log.logical_id} ResourceType"),
        expect(flow_log.get("TrafficType"), REQUIRED_TRAFFIC, f"flow log {flow_log.logical_id} TrafficType"),
        expect_present(destination, f"flow log {flow_log.logical_id} destination"),
    )
    if verdict.passed:
        return compliant(f"flow log {physical_id(flow_log)} captures ALL traffic of the VPC and delivers it to {show(destination)}")
    return verdict


def check(vpc, ctx):
    verdicts = []
    for flow_log in vpc.stack.of_type("AWS::EC2::FlowLog"):
        names = points_at(flow_log.get("ResourceId"), vpc)
        if not isinstance(names, bool):
            verdicts.append(cannot_prove(f"flow log {flow_log.logical_id} ResourceId: {names.why}"))
        elif names:
            verdicts.append(_judge(flow_log))
    return best(verdicts, "no flow log names this VPC")


CONTROL = Control(
    id="GXP-NET-01",
    title="Network flows logged",
    statement=(
        "Every workload VPC has a flow log that captures ALL traffic, accepted and rejected, and delivers it to a "
        "destination (the log group's encryption and retention are GXP-LOG-01's)."
    ),
    part11={
        "11.10(d)": "Every connection made or refused at the workload network is on record, so access limits can be verified and breaches traced.",
    },
    annex11={
        "12.1": "Logical access to the workload network is monitored, not only restricted: refused attempts are visible.",
    },
    resource_types=("AWS::EC2::VPC",),
    check=check,
    deployed=DeployedCheck(read=vpcs_with(flow_logs), accounts=WORKLOADS, regions="workload"),
    config_rule="VPC_FLOW_LOGS_ENABLED",
)
