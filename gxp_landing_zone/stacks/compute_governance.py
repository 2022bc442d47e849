"""The Compute stack's model governance, translated from the config: what training reads (and Macie
watches), the model card, the approval gate and evaluation recorder of regulated accounts, the
endpoints the config deploys with their monitoring, and the forwarding of findings and release
decisions to the audit account."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import aws_iam as iam

from ..config import AccountKind
from ..constructs.acknowledge import acknowledge
from ..constructs.compliance_events import ChangeForwarder, ForwardedChange, audit_bus_sender
from ..constructs.model_governance import ApprovalGateSpec, ModelCardSpec, ModelGovernance
from ..constructs.monitored_endpoint import CAPTURE_PREFIX, MONITORING_PREFIX, EndpointSpec, MonitoredEndpoint
from ..constructs.release_gates import ReleaseReading
from ..constructs.training_data_discovery import FINDING, TrainingDataDiscovery
from ..topology import stack_id

if TYPE_CHECKING:
    from .compute import ComputeStack

def training_records(stack: "ComputeStack") -> tuple[tuple[str, str], ...]:
    """(records bucket, key alias) of each data class the account's pipeline may train on."""
    names, account = stack.names, stack.gxp_account
    classes = stack.config.ml.settings(account.role).training_data_classes
    return tuple((names.records_bucket(c, account.id, stack.region), names.records_key_alias(c)) for c in classes)


def _card(stack: "ComputeStack") -> ModelCardSpec:
    config, account = stack.config, stack.gxp_account
    ml, by_name = config.ml, {c.name: c for c in config.data_classes}
    sources = []
    for name in ml.settings(account.role).training_data_classes:
        data_class = by_name[name]
        sources.append(f"{name} (personal data; legal basis: {data_class.legal_basis})" if data_class.personal_data else name)
    criteria = "; ".join(f"{m} {'>=' if b.min is not None else '<='} {b.min if b.min is not None else b.max}"
                         for m, b in sorted(ml.thresholds.items())) or "none configured"
    return ModelCardSpec(
        name=stack.names.model_card(), intended_use=ml.model_card.intended_use, risk_rating=ml.model_card.risk_rating,
        risk_explanation=ml.model_card.risk_explanation, owner=ml.model_card.owner,
        training_data="Training reads the ML artifact bucket's training-data/ prefix"
        + (f" and the records of {', '.join(sources)}" if sources else ""),
        release_criteria=f"{criteria}, on the evaluation report the pipeline attaches to a version; a version stays "
        f"Approved only with a valid '{ml.meaning}' signature on its current evaluation record",
    )


def _gate(stack: "ComputeStack") -> ApprovalGateSpec | None:
    config, names, account, region = stack.config, stack.names, stack.gxp_account, stack.region
    if account.kind is not AccountKind.REGULATED or config.ml.record_class is None:
        return None
    record_class = config.signatures.record_classes[config.ml.record_class]
    bucket = names.records_bucket(record_class.data_class, account.id, region)
    return ApprovalGateSpec(
        release=ReleaseReading(
            account=account.id, region=region, ledger_parameter=names.signature_ledger_parameter(),
            ledger_stack=stack_id("Signatures", account, region), signature_key_alias=names.signature_key_alias(),
                seal_key_alias=names.signature_seal_key_alias(),
            manifest_bucket=names.signature_manifest_bucket(account.id, region), evaluation_bucket=bucket,
            evaluation_prefix=record_class.key_prefix, evaluation_key_alias=names.records_key_alias(record_class.data_class),
            meaning=config.ml.meaning, event_source=names.model_release_event_source(),
        ),
        approval_role_name=names.signature_role_name("approval", region),
        evaluate_role_name=names.ml_role_name("evaluate", region),
        thresholds={k: v.model_dump(exclude_none=True) for k, v in config.ml.thresholds.items()},
        artifact_bucket=names.ml_artifact_bucket(account.id, region),
    )


def add_model_governance(stack: "ComputeStack") -> None:
    config, names, account, region = stack.config, stack.names, stack.gxp_account, stack.region
    retention = config.audit_log.cloudwatch_retention_days
    stack.governance = ModelGovernance(
        stack, "ModelGovernance", group_name=names.model_package_group, card=_card(stack), key=stack.key,
        log_retention_days=retention, gate=_gate(stack),
    )
    buckets = (names.ml_artifact_bucket(account.id, region), *(b for b, _ in training_records(stack)))
    stack.discovery = TrainingDataDiscovery(stack, "TrainingDataDiscovery", buckets=buckets, key=stack.key.key,
                                            log_retention_days=retention)
    # Macie reads objects under the compute key through its service-linked role, which Macie creates with
    # the session: named by condition, since a key policy may not name a principal that does not exist yet.
    stack.key.allow("MacieReadsTrainingData", iam.AccountRootPrincipal(), ["kms:Decrypt", "kms:DescribeKey"],
                    {"ArnEquals": {"aws:PrincipalArn": names.macie_role_arn(account.id)}})
    changes = [ForwardedChange("MacieFindings", "Sensitive-data findings on the training-data buckets", FINDING)]
    if stack.governance.gate is not None:
        changes.append(ForwardedChange("ReleaseDecisions", "Model approval decisions of the release gate",
                                       {"source": [names.model_release_event_source()]}))
    stack.governance_forwarding = ChangeForwarder(
        stack, "GovernanceToAudit", audit_bus_arn=names.audit_bus_arn(),
        role=audit_bus_sender(stack, "GovernanceEventSender", audit_bus_arn=names.audit_bus_arn()), changes=changes,
    )
    stack.endpoints = [_endpoint(stack, e) for e in config.ml.settings(account.role).endpoints]


def _endpoint(stack: "ComputeStack", endpoint) -> MonitoredEndpoint:
    names, account, region = stack.names, stack.gxp_account, stack.region
    bucket = names.ml_artifact_bucket(account.id, region)
    role = getattr(stack, "serving_role", None) or _serving_role(stack, bucket)
    subnets = stack.network.vpc.select_subnets(subnet_group_name=stack.network.subnets.subnet_group_name).subnet_ids
    return MonitoredEndpoint(
        stack, f"Endpoint{''.join(p.capitalize() for p in endpoint.name.split('-'))}", role=role, key=stack.key.key,
        bucket_name=bucket, subnet_ids=subnets, security_group=stack.ml.security_group,
        spec=EndpointSpec(
            name=endpoint.name, instance_type=endpoint.instance_type, instance_count=endpoint.instance_count,
            model_package_arn=f"arn:aws:sagemaker:{region}:{account.id}:model-package/{names.model_package_group}/"
            f"{endpoint.model_package_version}",
            baseline_prefix=endpoint.baseline_prefix, schedule=stack.config.ml.monitoring_schedule,
        ),
    )


def _serving_role(stack: "ComputeStack", bucket: str) -> iam.Role:
    role = iam.Role(stack, "ServingRole", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
                    description="Serves approved model versions and runs their data-quality monitoring")
    objects = [f"arn:aws:s3:::{bucket}/{p}*" for p in (CAPTURE_PREFIX, MONITORING_PREFIX, "baselines/", "models/")]
    policy = iam.ManagedPolicy(stack, "ServingPolicy", roles=[role], statements=[
        iam.PolicyStatement(actions=["s3:GetObject", "s3:PutObject"], resources=objects),
        iam.PolicyStatement(actions=["s3:ListBucket"], resources=[f"arn:aws:s3:::{bucket}"]),
        iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant", "kms:DescribeKey"],
                            resources=[stack.key.key.key_arn]),
        iam.PolicyStatement(actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                            resources=[stack.repository.repository_arn]),
        iam.PolicyStatement(actions=["ecr:GetAuthorizationToken", "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission",
                                     "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission",
                                     "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions",
                                     "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "cloudwatch:PutMetricData"],
                            resources=["*"]),
    ])
    stack.key.allow("ServingUsesKey", iam.ArnPrincipal(role.role_arn),
                    ["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant", "kms:DescribeKey"])
    acknowledge(policy, ["AwsSolutions-IAM5[Resource::*]", *[f"AwsSolutions-IAM5[Resource::{o}]" for o in objects]],
                "Captured requests, monitoring reports and baselines get names at run time under their own prefixes; the "
                "network-interface, ECR token and metric calls SageMaker makes have no resource ARNs")
    stack.serving_role = role
    return role
