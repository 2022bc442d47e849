"""What the per-control tests share.

Two kinds of case:
- template cases: a copy of a reference template, edited as a raw override would edit it, checked with
  the engine; cheap, so each control has several independent ones.
- channel cases: the stack is rebuilt and weakened through each channel a change can come by - an edit
  to the construct's code, an L1 property setter, a raw override - then synthesized and checked.

Either way the assertion is the same: exactly the control under test fires, and only after the change.
"""

from __future__ import annotations

import copy
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from gxp_landing_zone.controls.assembly import read_assembly
from gxp_landing_zone.controls.cfn import StackTemplate
from gxp_landing_zone.controls.context import ControlContext
from gxp_landing_zone.controls.engine import evaluate
from gxp_landing_zone.controls.registry import all_controls
from gxp_landing_zone.estate import new_app


def fired(stacks: list[StackTemplate] | StackTemplate, ctx: ControlContext) -> set[str]:
    """IDs of the controls with an unacknowledged finding."""
    stacks = [stacks] if isinstance(stacks, StackTemplate) else stacks
    return {f.control_id for f in evaluate(stacks, all_controls(), ctx).findings}


def findings(stack: StackTemplate, ctx: ControlContext, control_id: str) -> list:
    return [f for f in evaluate([stack], all_controls(), ctx).findings if f.control_id == control_id]


def variant(stack: StackTemplate, edit: Callable[[dict], object]) -> StackTemplate:
    """A copy of ``stack`` whose template ``edit`` changed in place."""
    template = copy.deepcopy(stack.template)
    edit(template)
    return StackTemplate(
        name=stack.name,
        template=template,
        account=stack.account,
        region=stack.region,
        file=stack.file,
        paths=dict(stack.paths),
        acknowledgements=copy.deepcopy(stack.acknowledgements),
        tags=dict(stack.tags),
    )


def resources_of(template: dict, resource_type: str, named: str = "") -> list[dict]:
    """Resources of a type whose logical ID contains ``named``."""
    return [r for lid, r in template["Resources"].items() if r["Type"] == resource_type and named in lid]


def the(template: dict, resource_type: str, named: str = "") -> dict:
    """The single resource of a type (logical ID containing ``named``) in a template, to edit."""
    found = resources_of(template, resource_type, named)
    assert len(found) == 1, f"expected one {resource_type} named like {named!r}, found {len(found)}"
    return found[0]


def properties(template: dict, resource_type: str, named: str = "") -> dict:
    return the(template, resource_type, named).setdefault("Properties", {})


# -- channel cases ---------------------------------------------------------------------------------


def synthesize(build: Callable, config, after: Callable | None = None) -> StackTemplate:
    """Build one stack with ``build(app, config)``, apply ``after(stack)``, synthesize, read it back."""
    outdir = tempfile.mkdtemp(prefix="gxp-channel-")
    app = new_app(outdir)
    stack = build(app, config)
    if after is not None:
        after(stack)
    app.synth()
    return next(s for s in read_assembly(Path(outdir)) if s.name == stack.stack_name)


def forcing(cls, **forced):
    """``cls`` as if the construct's code had been edited to pass ``forced`` (a construct-channel change)."""

    class Weakened(cls):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **{**kwargs, **forced})

    Weakened.__name__ = cls.__name__
    return Weakened


@dataclass(frozen=True)
class Channels:
    """How a control is weakened through each channel. ``construct`` patches construct code (with
    pytest's monkeypatch) before the stack is built; ``l1`` and ``override`` change the built stack.
    ``overrides`` may hold several raw-override variants (add_property_override, add_override,
    add_deletion_override). A channel that cannot reach what the control judges (where a resource is
    placed is no property of it) is left out only with the reason, in ``impossible``."""

    build: Callable
    construct: Callable[[pytest.MonkeyPatch], None]
    l1: Callable | None
    overrides: tuple[Callable, ...] = field(default_factory=tuple)
    impossible: dict[str, str] = field(default_factory=dict)


def channel_cases(channels: Channels) -> list:
    cases = [pytest.param("construct", channels.construct, id="construct")]
    if channels.l1 is not None:
        cases.append(pytest.param("l1", channels.l1, id="l1"))
    cases += [pytest.param("override", o, id=f"override-{i}") for i, o in enumerate(channels.overrides)]
    return cases


_AS_BUILT: dict = {}


def assert_channel_caught(control_id: str, channels: Channels, kind: str, change, config, ctx, monkeypatch) -> None:
    # The unchanged stack is the same for every case of a builder: synthesize it once.
    key = (channels.build, id(config))
    if key not in _AS_BUILT:
        _AS_BUILT[key] = synthesize(channels.build, config)
    before = _AS_BUILT[key]
    assert control_id not in fired(before, ctx), f"{control_id} must pass on the stack as built"
    if kind == "construct":
        change(monkeypatch)
        after = synthesize(channels.build, config)
    else:
        after = synthesize(channels.build, config, change)
    assert fired(after, ctx) - fired(before, ctx) == {control_id}, f"{kind}: {fired(after, ctx)}"
