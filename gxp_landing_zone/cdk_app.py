"""The App every synthesis of this estate uses, so the CLI, the tests and the StackSet templates are
built with identical settings."""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk import App

# Every feature flag of this aws-cdk-lib set deliberately (the CLI warns about any it finds unset),
# pinned in code so the CLI, the tests and the StackSet templates synthesize identically. All are the
# values aws-cdk-lib recommends for new projects; only commercial partitions are targeted.
FEATURE_FLAGS = json.loads((Path(__file__).with_name("cdk_feature_flags.json")).read_text())


def new_app(outdir: str | None = None, *, cloudformation_validation: bool = False, context: dict | None = None) -> App:
    return App(
        outdir=outdir,
        context={**FEATURE_FLAGS, **(context or {})},
        builtin_cloud_formation_validation=cloudformation_validation,
    )
