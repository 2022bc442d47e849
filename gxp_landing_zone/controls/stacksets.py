"""A StackSet's template is judged where it is deployed: once per target account and region.

An ``AWS::CloudFormation::StackSet`` carries the template every instance gets (TemplateBody), and where
those instances go (organizational units or accounts, and regions). The engine judges that template as
the stack each instance will be, with the instance's account and region, so a control depending on
either (the home-region condition, residency, the boundary) reads what that instance will hold. An
organizational-unit target is every member account the config knows (service-managed StackSets never
deploy to the management account); without a config, one instance per region stands for them all.

When the StackSet was written by this app, the resource's metadata names the assembly its template was
synthesized in; its construct paths and acknowledgements come from there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .cfn import Resource, StackTemplate, Unresolved
from .context import ControlContext

TEMPLATE_ASSEMBLY_METADATA = "gxp:template-assembly"


@dataclass
class StackSetNotes:
    """StackSets whose template could not be judged, with why (shown, never silently passed)."""

    unreadable: list[str] = field(default_factory=list)


def _template(stack_set: Resource) -> dict | str:
    body = stack_set.get("TemplateBody")
    if body is None:
        return "its template is at TemplateURL, which a synthesis cannot read"
    if isinstance(body, Unresolved):
        return f"its TemplateBody cannot be read ({body.why})"
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return "its TemplateBody is not JSON"
    if not isinstance(body, dict) or not isinstance(body.get("Resources"), dict):
        return "its TemplateBody has no Resources"
    return body


def _assembly_parts(owner: StackTemplate, stack_set: Resource) -> tuple[dict, dict, str | None]:
    """(paths, acknowledgements, template file) from the assembly the template was synthesized in."""
    pointer = (stack_set.raw.get("Metadata") or {}).get(TEMPLATE_ASSEMBLY_METADATA)
    if not isinstance(pointer, str) or owner.directory is None:
        return {}, {}, None
    from .assembly import InputError, read_assembly

    directory, _, name = pointer.rpartition("/")
    try:
        found = [s for s in read_assembly(Path(owner.directory) / directory) if s.name == name]
    except InputError:
        return {}, {}, None
    return (found[0].paths, found[0].acknowledgements, found[0].file) if found else ({}, {}, None)


def _targets(group: dict, ctx: ControlContext) -> list[str | None]:
    targets = group.get("DeploymentTargets") if isinstance(group, dict) else None
    if not isinstance(targets, dict) or not ctx.has_config:
        return [None]
    accounts = [a for a in targets.get("Accounts") or [] if isinstance(a, str)]
    if targets.get("OrganizationalUnitIds"):
        accounts += [a for a, kind in ctx.account_kinds.items() if kind != "management"]
    return sorted(set(accounts)) or [None]


def expand(owner: StackTemplate, ctx: ControlContext, notes: StackSetNotes) -> list[StackTemplate]:
    """One stack per (account, region) instance of every StackSet in ``owner``."""
    instances = []
    roles = {account.id: account.role for account in (ctx.config.accounts if ctx.config else [])}
    for stack_set in owner.of_type("AWS::CloudFormation::StackSet"):
        name = stack_set.get("StackSetName")
        name = name if isinstance(name, str) else stack_set.logical_id
        template = _template(stack_set)
        if isinstance(template, str):
            notes.unreadable.append(f"{owner.name}/{stack_set.logical_id} ({name}): {template}")
            continue
        paths, acknowledgements, file = _assembly_parts(owner, stack_set)
        groups = stack_set.get("StackInstancesGroup")
        for group in groups if isinstance(groups, list) else [{}]:
            regions = group.get("Regions") if isinstance(group, dict) else None
            for region in regions if isinstance(regions, list) and regions else [None]:
                for account in _targets(group, ctx):
                    where = f"{roles.get(account, account or 'each member account')}/{region or 'each region'}"
                    instances.append(
                        StackTemplate(
                            name=f"{name} ({where})",
                            template=template,
                            account=account,
                            region=region if isinstance(region, str) else None,
                            file=file or owner.file,
                            paths=paths,
                            acknowledgements=acknowledgements,
                        )
                    )
    return instances
