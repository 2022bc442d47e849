"""The promotion pipeline (aws-cdk-lib ``pipelines``, CodePipeline V2): source, tests and synthesis gate,
validation accounts, IQ and OQ there, the e-signed release, production in waves, IQ everywhere.

Deployments run the CDK CLI in CodeBuild against the one cloud assembly the synth step wrote (``cdk
deploy --app . --exclusively <a wave's stacks> --concurrency``), rather than as a CloudFormation action
pair per stack in CDK Pipelines Stages: the estate is synthesized once and keeps one template per stack,
and a wave of any size is one action, where a Stage of the reference estate's production stacks alone
would need more than CodePipeline's 50 actions per stage.

Every step's CodeBuild project says what it is (``GXP_PIPELINE_STEP``) and whom it acts on, so the
change-control controls read the order of the steps from the template as it is deployed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from aws_cdk import Duration
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_codecommit as codecommit
from aws_cdk import aws_codepipeline as codepipeline
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import pipelines
from constructs import Construct

# The environment variable naming what a step is; read by the GXP-CHG controls.
STEP_VARIABLE = "GXP_PIPELINE_STEP"
RUNTIME = {"python": "3.11", "nodejs": "20"}
MODULE = "gxp_landing_zone.change_control"
# What each step is, as GXP_PIPELINE_STEP states it.
SELF_MUTATION_STEP = "self-mutation"
RELEASE_GATE_STEP = "release-gate"
GATE_ARGUMENTS = "gate"


@dataclass(frozen=True)
class SourceSpec:
    kind: str  # "connection", "codecommit" or "s3"
    branch: str
    connection_arn: str | None = None
    repository: str | None = None
    codecommit_repository: str | None = None
    s3_bucket: str | None = None
    s3_key: str | None = None


@dataclass(frozen=True)
class PromotionSpec:
    pipeline_name: str
    source: SourceSpec
    config_path: str
    cdk_cli_version: str
    roles: dict  # step ("synth", "deploy", "iq", "oq", "record", "release") -> iam.IRole
    validation_stacks: tuple[str, ...]
    production_waves: tuple[tuple[str, ...], ...]
    validation_accounts: tuple[str, ...]  # roles
    oq_targets: tuple[str, ...]
    production_accounts: tuple[str, ...]
    release_wait_hours: int
    environment: dict = field(default_factory=dict)  # shared by every step (evidence bucket, ...)


def _source(scope: Construct, spec: SourceSpec) -> pipelines.IFileSetProducer:
    if spec.kind == "connection":
        return pipelines.CodePipelineSource.connection(
            spec.repository, spec.branch, connection_arn=spec.connection_arn,
            # The commit ID travels with the source, so the change record names exactly what was built.
            code_build_clone_output=True,
        )
    if spec.kind == "codecommit":
        repository = codecommit.Repository.from_repository_name(scope, "SourceRepository", spec.codecommit_repository)
        return pipelines.CodePipelineSource.code_commit(repository, spec.branch)
    bucket = s3.Bucket.from_bucket_name(scope, "SourceBucket", spec.s3_bucket)
    return pipelines.CodePipelineSource.s3(bucket, spec.s3_key)


class PromotionPipeline(Construct):
    def __init__(self, scope: Construct, id: str, *, spec: PromotionSpec, artifact_bucket: s3.IBucket) -> None:
        super().__init__(scope, id)
        self.spec = spec
        self.source = _source(self, spec.source)
        self.synth = self._step(
            "Synth", "synth", "synth", self.source,
            timeout=Duration.minutes(60),
            install=["make setup", ".venv/bin/python -m pip install --quiet -r requirements-test.txt"],
            commands=[
                # The whole suite, then the synthesis gate: an unacknowledged GXP finding exits non-zero.
                ".venv/bin/python -m pytest -q -p no:cacheprovider --junitxml=test-results/junit.xml",
                f"make synth CONFIG={spec.config_path}",
                "mkdir -p cdk.out/change-control",
                # What the change does to each deployed stack, read through the bootstrap's lookup roles.
                "node_modules/.bin/cdk diff --app cdk.out --method=template --no-color > cdk.out/change-control/diff.txt 2>&1"
                " || true",
                f".venv/bin/python -m {MODULE} prepare --config {spec.config_path} --cdk-out cdk.out"
                " --junit test-results/junit.xml --diff cdk.out/change-control/diff.txt",
            ],
            output="cdk.out",
        )
        self.pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            pipeline_name=spec.pipeline_name,
            pipeline_type=codepipeline.PipelineType.V2,
            synth=self.synth,
            artifact_bucket=artifact_bucket,
            cross_account_keys=True,
            cli_version=spec.cdk_cli_version,
            self_mutation=True,
            # Marked like every step, so the controls tell the pipeline's update of itself from a deployment.
            self_mutation_code_build_defaults=pipelines.CodeBuildOptions(
                build_environment=codebuild.BuildEnvironment(
                    environment_variables={STEP_VARIABLE: codebuild.BuildEnvironmentVariable(value=SELF_MUTATION_STEP)}
                )
            ),
            docker_enabled_for_synth=False,
        )
        validation = self._deploy("DeployValidation", "deploy:validation", spec.validation_stacks)
        iq = self._qualify("IqValidation", "iq:validation", "iq", spec.validation_accounts)
        oq = self._qualify("OqValidation", "oq:validation", "oq", spec.oq_targets)
        for step in (iq, oq):
            step.add_step_dependency(validation)
        self.pipeline.add_wave("Validation", post=[validation, iq, oq])

        candidate = self._record("ChangeRecord", "record:candidate", "candidate")
        gate = self._module_step(
            "ReleaseGate", RELEASE_GATE_STEP, "release",
            f"{GATE_ARGUMENTS} --config {spec.config_path} --cdk-out cdk.out --wait-hours {spec.release_wait_hours}",
            timeout=Duration.hours(spec.release_wait_hours).plus(Duration.minutes(15)),
        )
        gate.add_step_dependency(candidate)
        self.pipeline.add_wave("Release", post=[candidate, gate])

        production, previous = [], None
        for number, stacks in enumerate(spec.production_waves, start=1):
            wave = self._deploy(f"DeployWave{number}", f"deploy:production:{number}", stacks)
            if previous is not None:
                wave.add_step_dependency(previous)
            production.append(wave)
            previous = wave
        iq_production = self._qualify("IqProduction", "iq:production", "iq", spec.production_accounts)
        iq_production.add_step_dependency(previous)
        final = self._record("FinalChangeRecord", "record:final", "final")
        final.add_step_dependency(iq_production)
        self.pipeline.add_wave("Production", post=[*production, iq_production, final])

    # -- steps ------------------------------------------------------------------------------------

    def _step(
        self, id: str, step: str, role: str, input: pipelines.IFileSetProducer, *, commands: list[str],
        install: list[str] | None = None, output: str | None = None, additional: dict | None = None,
        variables: dict | None = None, timeout: Duration = Duration.minutes(60),
    ) -> pipelines.CodeBuildStep:
        environment = {STEP_VARIABLE: step, **self.spec.environment, **(variables or {})}
        return pipelines.CodeBuildStep(
            id,
            input=input,
            additional_inputs=additional,
            install_commands=install or [],
            commands=commands,
            primary_output_directory=output,
            project_name=f"{self.spec.pipeline_name}-{id}",
            role=self.spec.roles[role],
            # CodePipeline fills this in per execution: every record names the execution it belongs to.
            env={"GXP_EXECUTION_ID": "#{codepipeline.PipelineExecutionId}"},
            build_environment=codebuild.BuildEnvironment(
                build_image=codebuild.LinuxBuildImage.STANDARD_7_0,
                compute_type=codebuild.ComputeType.MEDIUM if step == "synth" else codebuild.ComputeType.SMALL,
                environment_variables={k: codebuild.BuildEnvironmentVariable(value=v) for k, v in environment.items()},
            ),
            partial_build_spec=codebuild.BuildSpec.from_object({"phases": {"install": {"runtime-versions": RUNTIME}}}),
            timeout=timeout,
        )

    def _deploy(self, id: str, step: str, stacks: tuple[str, ...]) -> pipelines.CodeBuildStep:
        """One wave: its stacks deployed side by side from the synthesized assembly, through each target
        account's CDK deploy role (the only role the deploy-around SCP lets change stacks there)."""
        return self._step(
            id, step, "deploy", self.synth.primary_output,
            install=[f"npm install --global --no-fund --no-audit aws-cdk@{self.spec.cdk_cli_version}"],
            commands=[
                "cdk deploy --app . --exclusively $GXP_DEPLOY_STACKS --require-approval never --concurrency 10"
                " --no-notices --no-version-reporting --progress events"
            ],
            variables={"GXP_DEPLOY_STACKS": " ".join(stacks)},
            timeout=Duration.minutes(120),
        )

    def _module_step(self, id: str, step: str, role: str, arguments: str, *, timeout: Duration,
                     variables: dict | None = None, output: str | None = None) -> pipelines.CodeBuildStep:
        return self._step(
            id, step, role, self.source,
            additional={"cdk.out": self.synth.primary_output},
            install=["python -m pip install --quiet -r requirements.txt"],
            commands=[f"python -m {MODULE} {arguments}"],
            variables=variables, output=output, timeout=timeout,
        )

    def _qualify(self, id: str, step: str, kind: str, accounts: tuple[str, ...]) -> pipelines.CodeBuildStep:
        """IQ (or OQ) of every account in ``accounts``, each through the role the account gives the
        pipeline; a failed check fails the step and stops the pipeline."""
        return self._module_step(
            id, step, kind,
            f"qualify {kind} --config {self.spec.config_path} --accounts $GXP_QUALIFY_ACCOUNTS",
            variables={"GXP_QUALIFY_ACCOUNTS": ",".join(accounts)},
            timeout=Duration.minutes(60),
        )

    def _record(self, id: str, step: str, stage: str) -> pipelines.CodeBuildStep:
        return self._module_step(
            id, step, "record", f"record {stage} --config {self.spec.config_path} --cdk-out cdk.out",
            timeout=Duration.minutes(20),
        )


def cdk_cli_version(package_json: str) -> str:
    """The CDK CLI pinned in package.json, so every step deploys with the version the tests used."""
    return json.loads(package_json)["devDependencies"]["aws-cdk"]


def step_role(scope: Construct, id: str, *, name: str, description: str, statements: list[iam.PolicyStatement]) -> iam.Role:
    role = iam.Role(scope, id, role_name=name, assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"),
                    description=description)
    if statements:
        iam.ManagedPolicy(scope, f"{id}Policy", roles=[role], statements=statements)
    return role
