"""What the configuration controls share: where the IQ finds each recorder and what sits beside it."""

from __future__ import annotations

import json

from ...naming import CONFIG_RECORDER_NAME
from ..cfn import Unresolved
from ..deployed.config import config_rules, recorder
from ..deployed.events import default_bus_rules
from ..model import ALL_KINDS, DeployedCheck


def _recorder_with_siblings(reader):
    # The rules and forwarding rules are read into the same account template, where the recorder's
    # controls find them as its siblings.
    config_rules(reader)
    default_bus_rules(reader)
    return [recorder(reader, CONFIG_RECORDER_NAME)]


# Every account records in every allowed region (stacks/baseline.py deploys a recorder everywhere).
RECORDERS = DeployedCheck(read=_recorder_with_siblings, accounts=ALL_KINDS, regions="all")


def region_is_home(resource, ctx) -> bool | Unresolved:
    if ctx.home_region is None:
        return Unresolved("no config: the home region is not known")
    if resource.region is None:
        return Unresolved(f"the region of {resource.stack.name} is not known")
    return resource.region == ctx.home_region


def parameters(value) -> dict | Unresolved | None:
    """A Config rule's InputParameters (an object in a template, JSON text from the API), each value
    as the string Config stores."""
    if value is None or isinstance(value, Unresolved):
        return value
    if isinstance(value, str):
        try:
            value = json.loads(value or "{}")
        except ValueError:
            return Unresolved("InputParameters is not JSON")
    if not isinstance(value, dict):
        return Unresolved(f"InputParameters is a {type(value).__name__}, not an object")
    return {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in value.items()}
