"""What the synthesized estate asks of each account and region: the bootstrap version its stacks and
assets require, and the Lambda concurrency its functions reserve.

Read from the cloud assembly (cdk.out) when it holds every stack the topology puts in that account
and region; otherwise the defaults below stand in, and the checks say so, because a first
pre-flight may run before anyone has synthesized.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..config import Account, EstateConfig
from ..topology import components, stack_names

# The modern synthesizer's deploy role and assets need bootstrap version 6 at least; the stack
# templates assert it (CheckBootstrapVersion) and the manifest records it per artifact.
# https://docs.aws.amazon.com/cdk/api/v2/docs/@aws-cdk_cloud-assembly-schema.AssetManifestOptions.html
DEFAULT_BOOTSTRAP_VERSION = 6
# Without a synthesized assembly: the signature service's functions (signatures/) reserve concurrency
# (4 functions x 5 at the time of writing). An estimate only - `make synth` gives the exact figure.
ESTIMATED_RESERVED = {"Signatures": 20}


@dataclass(frozen=True)
class Needs:
    bootstrap_version: int
    reserved_concurrency: int
    source: str  # where the figures came from, shown in the check's observed text


def _artifacts(outdir: Path) -> dict[str, dict]:
    try:
        manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest.get("artifacts", {}) or {}


def _reserved(template: dict) -> int:
    total = 0
    for resource in (template.get("Resources") or {}).values():
        if resource.get("Type") == "AWS::Lambda::Function":
            value = (resource.get("Properties") or {}).get("ReservedConcurrentExecutions")
            if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                total += int(value)
    return total


class Assembly:
    """The cloud assembly in ``outdir`` (absent or partial is fine), judged against ``config``."""

    def __init__(self, outdir: str | Path, config: EstateConfig) -> None:
        self.outdir = Path(outdir)
        self.config = config
        self.artifacts = _artifacts(self.outdir)

    def _stack(self, name: str, account: Account, region: str) -> dict | None:
        artifact = self.artifacts.get(name)
        if not artifact or artifact.get("type") != "aws:cloudformation:stack":
            return None
        return artifact if artifact.get("environment") == f"aws://{account.id}/{region}" else None

    def needs(self, account: Account, region: str) -> Needs:
        names = stack_names(self.config, account, region)
        stacks = [self._stack(n, account, region) for n in names]
        if not names or any(s is None for s in stacks):
            reserved = sum(ESTIMATED_RESERVED.get(c, 0) for c in components(self.config, account, region))
            return Needs(DEFAULT_BOOTSTRAP_VERSION, reserved, f"estimated: {self.outdir} has no synthesized stacks for "
                         f"{account.id}/{region}; run make synth for exact figures")
        version, reserved = DEFAULT_BOOTSTRAP_VERSION, 0
        for stack in stacks:
            properties = stack.get("properties", {})
            version = max(version, int(properties.get("requiresBootstrapStackVersion", 0)))
            # The stack's asset manifest (Lambda code, templates) is published with the same roles.
            for dependency in stack.get("dependencies", []) + properties.get("additionalDependencies", []):
                asset = self.artifacts.get(dependency, {})
                if asset.get("type") == "cdk:asset-manifest":
                    version = max(version, int(asset.get("properties", {}).get("requiresBootstrapStackVersion", 0)))
            try:
                template = json.loads((self.outdir / properties["templateFile"]).read_text(encoding="utf-8"))
            except (KeyError, OSError, ValueError):
                template = {}
            reserved += _reserved(template)
        return Needs(version, reserved, f"from {self.outdir}")
