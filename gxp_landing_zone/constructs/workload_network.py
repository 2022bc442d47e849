from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from .acknowledge import acknowledge, acknowledge_cdk_provider
from .keep import KEEP

# Every AWS API the discovery workloads call, reached privately. Batch container instances
# need the three ECS endpoints to register and report; image pulls need ECR api + dkr and
# the S3 gateway (layers are served from S3).
INTERFACE_SERVICES: dict[str, ec2.InterfaceVpcEndpointAwsService] = {
    "EcrApi": ec2.InterfaceVpcEndpointAwsService.ECR,
    "EcrDocker": ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
    "Ecs": ec2.InterfaceVpcEndpointAwsService.ECS,
    "EcsAgent": ec2.InterfaceVpcEndpointAwsService.ECS_AGENT,
    "EcsTelemetry": ec2.InterfaceVpcEndpointAwsService.ECS_TELEMETRY,
    "CloudWatchLogs": ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    "Sts": ec2.InterfaceVpcEndpointAwsService.STS,
    "Kms": ec2.InterfaceVpcEndpointAwsService.KMS,
    "Batch": ec2.InterfaceVpcEndpointAwsService.BATCH,
    "SageMakerApi": ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_API,
    "SageMakerRuntime": ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_RUNTIME,
}
# HealthOmics endpoints exist only where the service runs; the stack passes them for those regions.
OMICS_SERVICES: dict[str, ec2.InterfaceVpcEndpointAwsService] = {
    "OmicsWorkflows": ec2.InterfaceVpcEndpointAwsService.OMICS_WORKFLOWS,
    "OmicsStorage": ec2.InterfaceVpcEndpointAwsService.OMICS_STORAGE,
    "OmicsControlStorage": ec2.InterfaceVpcEndpointAwsService.OMICS_CONTROL_STORAGE,
}


# Bedrock inference (bedrock-runtime) and its control plane (bedrock), where the config allows Bedrock.
BEDROCK_SERVICES: dict[str, ec2.InterfaceVpcEndpointAwsService] = {
    "BedrockRuntime": ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME,
    "Bedrock": ec2.InterfaceVpcEndpointAwsService.BEDROCK,
}
INFERENCE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:ApplyGuardrail"]


class WorkloadNetwork(Construct):
    """A workload VPC whose subnets have no public addresses.

    Without ``internet_egress`` every subnet is isolated: no internet gateway, no NAT, AWS
    reached only through VPC endpoints (11.10(d), Annex 11 12.1). With it (research only)
    one NAT gateway gives the private subnets outbound access. Every flow is logged to a
    KMS-encrypted log group.
    """

    SUBNET_GROUP = "Workloads"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cidr: str,
        internet_egress: bool,
        key: kms.IKey,
        flow_log_retention_days: int,
        omics_endpoints: bool,
        bedrock_inference_arns: list[str] | None = None,
    ) -> None:
        super().__init__(scope, id)
        workloads = ec2.SubnetConfiguration(
            name=self.SUBNET_GROUP,
            subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS if internet_egress else ec2.SubnetType.PRIVATE_ISOLATED,
            cidr_mask=20,
        )
        subnets = [workloads]
        if internet_egress:
            # The NAT gateway needs a public subnet; nothing else is placed there.
            subnets.insert(0, ec2.SubnetConfiguration(name="Egress", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24, map_public_ip_on_launch=False))
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(cidr),
            max_azs=3,
            nat_gateways=1 if internet_egress else 0,
            subnet_configuration=subnets,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            # The default security group allows all traffic between its members; CloudFormation cannot
            # change it, so CDK strips its rules with a deployment-time custom resource
            # (Config rule vpc-default-security-group-closed).
            restrict_default_security_group=True,
        )
        acknowledge_cdk_provider(
            self.vpc.stack,
            "Custom::VpcRestrictDefaultSGCustomResourceProvider",
            "removes the rules of the VPC's default security group",
        )
        self.subnets = ec2.SubnetSelection(subnet_group_name=self.SUBNET_GROUP)

        self.flow_log_group = logs.LogGroup(
            self,
            "FlowLogGroup",
            encryption_key=key,
            removal_policy=KEEP,
        )
        # Set on the L1: the config gives days, and CloudWatch accepts only its fixed list (checked there).
        self.flow_log_group.node.default_child.retention_in_days = flow_log_retention_days
        flow_log_role = iam.Role(self, "FlowLogRole", assumed_by=iam.ServicePrincipal("vpc-flow-logs.amazonaws.com"))
        # A customer-managed policy rather than CDK's inline default policy (HIPAA/NIST IAMNoInlinePolicy).
        iam.ManagedPolicy(
            self,
            "FlowLogDeliveryPolicy",
            roles=[flow_log_role],
            statements=[
                iam.PolicyStatement(
                    actions=["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    resources=[self.flow_log_group.log_group_arn],
                )
            ],
        )
        self.flow_log = ec2.CfnFlowLog(
            self,
            "FlowLog",
            resource_id=self.vpc.vpc_id,
            resource_type="VPC",
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=self.flow_log_group.log_group_arn,
            deliver_logs_permission_arn=flow_log_role.role_arn,
        )

        self.vpc.add_gateway_endpoint("S3", service=ec2.GatewayVpcEndpointAwsService.S3, subnets=[self.subnets])
        self.endpoint_security_group = ec2.SecurityGroup(
            self,
            "EndpointSecurityGroup",
            vpc=self.vpc,
            description="HTTPS from inside the workload VPC to the AWS service endpoints",
            allow_all_outbound=False,
        )
        self.endpoint_security_group.add_ingress_rule(
            # The literal range, not the VPC's token, so the packs can see the source is internal.
            ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), "AWS API calls from workloads"
        )
        acknowledge(
            self.vpc,
            ["HIPAA.Security-VPCDefaultSecurityGroupClosed", "NIST.800.53.R5-VPCDefaultSecurityGroupClosed"],
            "No network interface uses the default security group: endpoints and Batch instances each get their own "
            "group. Closing it needs a Lambda-backed custom resource; the deployed AWS Config rule "
            "VPC_DEFAULT_SECURITY_GROUP_CLOSED reports it instead",
        )
        if internet_egress:
            acknowledge(
                self.vpc,
                ["HIPAA.Security-VPCNoUnrestrictedRouteToIGW", "NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW"],
                "Research account only, where the config sets nat_allowed: the public subnets hold just the NAT "
                "gateway, instances get no public address; regulated VPCs have no internet gateway at all",
            )
        services = dict(INTERFACE_SERVICES)
        if omics_endpoints:
            services.update(OMICS_SERVICES)
        if bedrock_inference_arns is not None:
            services.update(BEDROCK_SERVICES)
        self.endpoints = {
            name: self.vpc.add_interface_endpoint(
                name,
                service=service,
                subnets=self.subnets,
                private_dns_enabled=True,
                open=False,  # the group above already admits the VPC range by its literal CIDR
                security_groups=[self.endpoint_security_group],
            )
            for name, service in services.items()
        }
        if bedrock_inference_arns is not None:
            self._bedrock_policies(bedrock_inference_arns)

    def _bedrock_policies(self, inference_arns: list[str]) -> None:
        """From inside the VPC, Bedrock answers only this account's principals: inference on the models the
        config allows (the guardrail itself is required by the IAM policy of the GenAI stack), and the control
        plane read-only, so guardrails and logging change only through a deployment.
        https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html"""
        stack = self.vpc.stack
        own_account = {"StringEquals": {"aws:PrincipalAccount": stack.account}}
        self.endpoints["BedrockRuntime"].add_to_policy(iam.PolicyStatement(
            sid="AllowedInferenceFromThisAccount", principals=[iam.AnyPrincipal()], actions=INFERENCE_ACTIONS,
            resources=[*inference_arns, f"arn:aws:bedrock:{stack.region}:{stack.account}:guardrail/*"], conditions=own_account,
        ))
        self.endpoints["Bedrock"].add_to_policy(iam.PolicyStatement(
            sid="ReadOnlyControlPlaneFromThisAccount", principals=[iam.AnyPrincipal()],
            actions=["bedrock:Get*", "bedrock:List*"], resources=["*"], conditions=own_account,
        ))
