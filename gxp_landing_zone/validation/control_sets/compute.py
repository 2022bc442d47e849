"""Discovery compute controls: workload network, Batch instances and job definitions."""

from __future__ import annotations

from ..controls import Control
from ..rules import batch, ec2, omics, sagemaker

COMPUTE_CONTROLS: tuple[Control, ...] = (
    Control(
        "GXP-NET-01",
        "Network flows logged",
        "Every workload VPC logs all accepted and rejected flows to a KMS-encrypted, retained log group.",
        ("11.10(d)", "11.300(d)"), ("12.1", "12.4"), ("3.1.1",),
        ("AWS::EC2::VPC",), ec2.flow_logs_enabled, "VPC_FLOW_LOGS_ENABLED",
    ),
    Control(
        "GXP-NET-02",
        "No internet path from regulated workloads",
        "A regulated workload VPC has no internet gateway, egress-only gateway, NAT gateway or default route: "
        "AWS services are reached only through VPC endpoints.",
        ("11.10(d)", "11.30"), ("12.1", "5"), ("3.1.1",),
        ("AWS::EC2::VPC",), ec2.no_internet_path, "NO_UNRESTRICTED_ROUTE_TO_IGW",
        # The research account may have a NAT gateway when the config allows it.
        boundary="regulated",
    ),
    Control(
        "GXP-NET-03",
        "No public IP addresses on compute",
        "Batch container instances are placed only in subnets that assign no public address, and their launch "
        "template requests none.",
        ("11.10(d)",), ("12.1",), (),
        ("AWS::Batch::ComputeEnvironment",), ec2.no_public_ips, "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED",
    ),
    Control(
        "GXP-EC2-01",
        "Instance metadata requires IMDSv2",
        "Batch container instances start from a launch template that requires IMDSv2 session tokens, so instance "
        "credentials cannot be read through a forwarded request.",
        ("11.10(d)", "11.10(g)"), ("12.1",), (),
        ("AWS::Batch::ComputeEnvironment",), ec2.imdsv2_required, "EC2_IMDSV2_CHECK",
    ),
    Control(
        "GXP-EC2-02",
        "Compute volumes encrypted with a customer-managed key",
        "Every EBS volume of a Batch container instance is encrypted with the account's customer-managed KMS key.",
        ("11.10(c)", "11.10(d)"), ("7.1", "12.1"), ("3.1.3",),
        ("AWS::Batch::ComputeEnvironment",), ec2.volumes_encrypted_with_cmk, "ENCRYPTED_VOLUMES",
    ),
    Control(
        "GXP-BATCH-01",
        "Spot reclaims retried, job failures not",
        "Every Batch job definition retries a Spot reclaim (Host EC2*) and ends its retry rules with a catch-all "
        "EXIT, so an interrupted computation resumes from its checkpoint and a failed one is never re-run into a "
        "different result.",
        ("11.10(a)",), ("5",), ("3.1.1",),
        ("AWS::Batch::JobDefinition",), batch.spot_retry_strategy,
    ),
    Control(
        "GXP-ML-01",
        "Regulated model training isolated and encrypted",
        "Every training step of a SageMaker pipeline runs in the workload VPC with network isolation, and its "
        "volumes and output are encrypted with the account's customer-managed key.",
        ("11.10(c)", "11.10(d)"), ("7.1", "12.1"), ("3.1.3",),
        ("AWS::SageMaker::Pipeline",), sagemaker.training_isolated_and_encrypted,
        boundary="regulated",
    ),
    Control(
        "GXP-ML-02",
        "Models registered pending approval, with lineage",
        "A pipeline registers each model version as PendingManualApproval and records the training data version "
        "and training image digest on it, so promotion is a separate, attributable decision.",
        ("11.10(f)", "11.10(g)", "11.10(e)"), ("4.2", "10"), ("3.1.1",),
        ("AWS::SageMaker::Pipeline",), sagemaker.models_await_approval,
        boundary="regulated",
    ),
    Control(
        "GXP-ML-03",
        "Spot training checkpointed",
        "Managed Spot training steps write checkpoints to S3 and may wait at least as long as they may run, so a "
        "reclaimed job resumes rather than restarts.",
        ("11.10(a)",), ("5",), (),
        ("AWS::SageMaker::Pipeline",), sagemaker.spot_training_checkpointed,
    ),
    Control(
        "GXP-OMICS-01",
        "Genomic stores encrypted with a customer-managed key",
        "HealthOmics sequence and reference stores are encrypted with the account's customer-managed KMS key.",
        ("11.10(c)", "11.10(d)", "11.30"), ("7.1", "12.1"), ("3.1.3",),
        ("AWS::Omics::SequenceStore", "AWS::Omics::ReferenceStore"), omics.store_encrypted_with_cmk,
    ),
    Control(
        "GXP-OMICS-02",
        "Genomics runs bounded",
        "Every HealthOmics run group caps vCPUs, concurrent runs and run duration from the config.",
        ("11.10(a)",), ("5",), (),
        ("AWS::Omics::RunGroup",), omics.run_group_limited,
    ),
)
