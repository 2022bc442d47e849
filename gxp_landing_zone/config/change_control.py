"""Validated change control: where changes come from, where they are qualified before production, who
signs their release, and who may step around the pipeline in an emergency (Annex 11 §10, §4.2;
21 CFR 11.10(a), 11.10(k)).

Every change reaches a regulated account through one pipeline in the ``deployment`` account: it is
deployed to the ``validation-<name>`` accounts first (test data only, the same records, signature and
compute stacks as production), qualified there (IQ in each, OQ in each OQ target), released by an
electronic signature of a QA approver on the change record, and only then deployed to production.

The checks that need the accounts run from ``check_change_control``, called by EstateConfig.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import Field, field_validator, model_validator

from .access import GROUP_ID
from .base import Strict
from .signatures import GROUP

if TYPE_CHECKING:  # pragma: no cover
    from .model import Account, EstateConfig

# Both service prefixes name the same connections: CodeStar Connections was renamed CodeConnections,
# and connections created before the rename keep their codestar-connections ARN.
CONNECTION_ARN = re.compile(
    r"arn:aws:(codeconnections|codestar-connections):[a-z]{2}(-[a-z]+)+-[0-9]:([0-9]{12}):connection/[0-9a-f-]{36}"
)
REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+")
# A git branch name: no spaces, no "..", no leading "-" (git check-ref-format, simplified to what a
# pipeline source needs to name).
BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]{0,199}")
REPOSITORY_PATH = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")
CODECOMMIT_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]{1,100}")
BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
# The meaning a QA approver's signature carries on a change record; fixed, so the gate, the signing
# policy and the controls can never disagree about it.
RELEASE_MEANING = "approved-for-release"
# A CodeBuild action waits at most this long in the pipeline; beyond it, the release stage is retried
# once the signature exists (the change record it verifies is the same).
MAX_RELEASE_WAIT_HOURS = 8


class Source(Strict):
    """Where the pipeline reads the estate's code: one of a connection (GitHub, GitLab, Bitbucket through
    AWS CodeConnections), a CodeCommit repository, or an S3 object, in the deployment account."""

    connection_arn: str | None = Field(
        default=None,
        description="CodeConnections connection in the deployment account, e.g. "
        "arn:aws:codeconnections:us-east-1:888888888888:connection/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    )
    repository: str | None = Field(
        default=None, description="owner/name the connection reads, e.g. example-biotech/gxp-landing-zone"
    )
    codecommit_repository: str | None = Field(
        default=None, description="a CodeCommit repository in the deployment account, e.g. gxp-landing-zone"
    )
    s3_bucket: str | None = Field(default=None, description="a versioned bucket in the deployment account")
    s3_key: str = Field(default="gxp-landing-zone.zip", description="the source archive in s3_bucket")
    branch: str = Field(default="main", description="the branch whose commits are promoted, e.g. main")
    config_path: str = Field(
        default="config/reference.yaml", description="the estate config the pipeline synthesizes, relative to the repository root"
    )

    @field_validator("config_path")
    @classmethod
    def _config_path(cls, value: str) -> str:
        parts = value.split("/")
        if value.startswith("/") or ".." in parts or not value.endswith((".yaml", ".yml")) or not REPOSITORY_PATH.fullmatch(value):
            raise ValueError(f"'{value}' is not a YAML file path inside the repository, e.g. config/estate.yaml")
        return value

    @field_validator("connection_arn")
    @classmethod
    def _connection(cls, value: str | None) -> str | None:
        if value is not None and not CONNECTION_ARN.fullmatch(value):
            raise ValueError(
                f"'{value}' is not a connection ARN; copy it from the console (Developer Tools > Settings > "
                "Connections), e.g. arn:aws:codeconnections:us-east-1:888888888888:connection/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
            )
        return value

    @field_validator("repository")
    @classmethod
    def _repository(cls, value: str | None) -> str | None:
        if value is not None and not REPOSITORY.fullmatch(value):
            raise ValueError(f"'{value}' is not owner/name, e.g. example-biotech/gxp-landing-zone")
        return value

    @field_validator("branch")
    @classmethod
    def _branch(cls, value: str) -> str:
        if not BRANCH.fullmatch(value) or ".." in value or value.endswith(("/", ".lock")):
            raise ValueError(f"'{value}' is not a branch name git accepts, e.g. main")
        return value

    @field_validator("codecommit_repository")
    @classmethod
    def _codecommit(cls, value: str | None) -> str | None:
        if value is not None and not CODECOMMIT_REPOSITORY.fullmatch(value):
            raise ValueError(f"'{value}' is not a CodeCommit repository name (letters, digits, . _ -; at most 100)")
        return value

    @field_validator("s3_bucket")
    @classmethod
    def _bucket(cls, value: str | None) -> str | None:
        if value is not None and not BUCKET.fullmatch(value):
            raise ValueError(f"'{value}' is not an S3 bucket name")
        return value

    @model_validator(mode="after")
    def _one_source(self):
        if self.repository is not None and self.connection_arn is None:
            raise ValueError(
                "connection_arn: missing; the pipeline reads owner/name repositories through an AWS CodeConnections "
                "connection: create one in the deployment account (Developer Tools > Settings > Connections), give "
                "its ARN here, or use codecommit_repository or s3_bucket where no connection exists"
            )
        if self.connection_arn is not None and self.repository is None:
            raise ValueError("repository: missing; name the owner/name the connection reads, e.g. example-biotech/gxp-landing-zone")
        given = [n for n in ("connection_arn", "codecommit_repository", "s3_bucket") if getattr(self, n) is not None]
        if not given:
            raise ValueError(
                "connection_arn: missing; give connection_arn and repository (GitHub, GitLab, Bitbucket through "
                "AWS CodeConnections), or codecommit_repository, or s3_bucket"
            )
        if len(given) > 1:
            raise ValueError(f"give one source, not {' and '.join(given)}")
        return self

    @property
    def kind(self) -> str:
        return "connection" if self.connection_arn else "codecommit" if self.codecommit_repository else "s3"


class ValidationStage(Strict):
    """What every change passes before its release can be signed."""

    oq_targets: list[str] | None = Field(
        default=None,
        description="validation accounts the OQ runs in, e.g. [validation-us]; default: every validation account",
    )
    oq_data_class: str | None = Field(
        default=None, description="records bucket the OQ writes its test record to; default the shortest-kept class"
    )


class Release(Strict):
    """The release gate: a Part 11 signature on the change record, verified before production."""

    approver_groups: list[str] = Field(
        min_length=1,
        description="user-pool groups of the deployment account's signature service whose members may sign "
        f"'{RELEASE_MEANING}', e.g. [qa-release-approvers]",
    )
    wait_hours: int = Field(
        default=4, description=f"how long the gate waits for the signature, 1..{MAX_RELEASE_WAIT_HOURS} hours"
    )

    @field_validator("approver_groups")
    @classmethod
    def _groups(cls, value: list[str]) -> list[str]:
        for group in value:
            if not GROUP.fullmatch(group):
                raise ValueError(f"'{group}' is not a user-pool group name (letters, digits, _ . @ + -; at most 128)")
        if len(set(value)) != len(value):
            raise ValueError("a group is listed twice")
        return value

    @field_validator("wait_hours")
    @classmethod
    def _wait(cls, value: int) -> int:
        if not 1 <= value <= MAX_RELEASE_WAIT_HOURS:
            raise ValueError(
                f"{value} h is outside 1..{MAX_RELEASE_WAIT_HOURS}: a pipeline action waits at most "
                f"{MAX_RELEASE_WAIT_HOURS} hours; a signature that comes later releases when the stage is retried"
            )
        return value


class BreakGlass(Strict):
    """The documented emergency path around the pipeline: an Identity Center group whose members may take
    the break-glass permission set in regulated and validation accounts; every use is alerted."""

    group_id: str = Field(description="Identity Center group ID, e.g. 90670000-aaaa-4bbb-8ccc-000000000009")
    session_hours: int = Field(default=1, description="session length of the break-glass permission set, 1..4 hours")

    @field_validator("group_id")
    @classmethod
    def _group(cls, value: str) -> str:
        if not GROUP_ID.fullmatch(value):
            raise ValueError(
                f"{value!r} is not an IAM Identity Center group ID; copy the Group ID from Identity Center, "
                "e.g. 90670000-aaaa-4bbb-8ccc-000000000009"
            )
        return value

    @field_validator("session_hours")
    @classmethod
    def _hours(cls, value: int) -> int:
        if not 1 <= value <= 4:
            raise ValueError(f"{value} h is outside 1..4: an emergency session is short and renewed on purpose")
        return value


class ChangeControl(Strict):
    source: Source
    validation: ValidationStage | None = Field(
        default=None, description="the stage every change passes before release: deploy, IQ, OQ"
    )
    release: Release
    break_glass: BreakGlass


def _populated(accounts: list["Account"]) -> dict[str, list["Account"]]:
    found: dict[str, list["Account"]] = {}
    for account in accounts:
        found.setdefault(account.jurisdiction, []).append(account)
    return found


def check_change_control(config: "EstateConfig") -> None:
    """Raise ValueError naming the field when a change could reach production unvalidated."""
    roles = [a.role for a in config.accounts]
    if "deployment" not in roles:
        raise ValueError(
            "accounts: an account with role 'deployment' is required: the promotion pipeline runs there, and only "
            "its roles may deploy to regulated and validation accounts"
        )
    control = config.change_control
    if control.validation is None:
        raise ValueError(
            "change_control.validation: the pipeline has no validation stage; every change is deployed to the "
            "validation accounts and qualified (IQ, OQ) there before its release can be signed (Annex 11 §10): add "
            "validation: {} (or name its oq_targets)"
        )
    validation = _populated(validation_accounts(config))
    for jurisdiction, production in _populated(production_accounts(config)).items():
        if jurisdiction not in validation:
            raise ValueError(
                f"accounts: {', '.join(a.role for a in production)} ({jurisdiction}) has no validation counterpart; add a "
                f"validation-<name> account with jurisdiction {jurisdiction} (test data only), where every change is "
                "deployed and qualified before it reaches production"
            )
    deployment = config.account("deployment")
    if control.source.connection_arn:
        owner = CONNECTION_ARN.fullmatch(control.source.connection_arn).group(3)
        if owner != deployment.id:
            raise ValueError(
                f"change_control.source.connection_arn: the connection belongs to account {owner}; create it in the "
                f"deployment account {deployment.id}, where the pipeline runs"
            )
    for index, role in enumerate(control.validation.oq_targets or []):
        where = f"change_control.validation.oq_targets[{index}]"
        if role not in roles:
            raise ValueError(f"{where}: '{role}' is not in accounts")
        if not config.account(role).is_validation:
            raise ValueError(
                f"{where}: {role} is not a validation account; the OQ writes test records and attempts forbidden "
                "changes, so it runs only in validation-<name> accounts"
            )
    if control.validation.oq_targets is not None and not control.validation.oq_targets:
        raise ValueError("change_control.validation.oq_targets: empty; name at least one validation account, or leave it out for all")
    classes = [c.name for c in config.data_classes]
    if control.validation.oq_data_class is not None and control.validation.oq_data_class not in classes:
        raise ValueError(
            f"change_control.validation.oq_data_class: '{control.validation.oq_data_class}' is not in data_classes "
            f"({', '.join(classes)})"
        )
    for index, data_class in enumerate(config.data_classes):
        for t_index, target in enumerate(data_class.replicate_to):
            if target.account in roles and config.account(target.account).is_validation:
                raise ValueError(
                    f"data_classes[{index}] ({data_class.name}).replicate_to[{t_index}].account: {target.account} is a "
                    "validation account; production records never flow into validation (test data only), and each "
                    "validation account mirrors the production replication by itself"
                )


# -- derived views ----------------------------------------------------------------------------------


def validation_accounts(config: "EstateConfig") -> list["Account"]:
    return [a for a in config.regulated_accounts if a.is_validation]


def production_accounts(config: "EstateConfig") -> list["Account"]:
    """Regulated accounts that hold real records."""
    return [a for a in config.regulated_accounts if not a.is_validation]


def counterpart(config: "EstateConfig", account: "Account") -> "Account":
    """The validation account of a production account's jurisdiction (the first, if there are several)."""
    return next(a for a in validation_accounts(config) if a.jurisdiction == account.jurisdiction)


def oq_targets(config: "EstateConfig") -> list["Account"]:
    stage = config.change_control.validation
    roles = stage.oq_targets if stage and stage.oq_targets else [a.role for a in validation_accounts(config)]
    return [config.account(r) for r in roles]


def promoted_accounts(config: "EstateConfig") -> list["Account"]:
    """Every account the pipeline deploys to in production (validation accounts get the validation stage)."""
    return [a for a in config.accounts if not a.is_validation]


def replication_destinations(config: "EstateConfig", data_class, source: "Account") -> list[tuple["Account", str]]:
    """Where ``source``'s copy of ``data_class`` replicates to: the configured targets for a production
    account; for a validation account, the validation counterparts of those targets, so test data never
    reaches production and validation mirrors production's replication."""
    found = []
    for target in data_class.replicate_to:
        account = config.account(target.account)
        region = target.region or config.workload_regions(account)[0]
        if source.is_validation:
            account = counterpart(config, account)
            regions = config.workload_regions(account)
            region = region if region in regions else regions[0]
        found.append((account, region))
    return found
