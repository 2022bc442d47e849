"""The control registry as an OSCAL component definition, built from compliance-trestle's
models so the library's own validation is what accepts or rejects it.

OSCAL ties an implemented requirement to a control of a source catalog. The regulations are not
published as OSCAL catalogs, so each framework is a back-matter resource (title and edition
from regulations.yaml) and its clauses are the control-ids: 11.10(e) becomes part11_11.10_e, a
valid OSCAL token, with the citation kept verbatim in a property. The GXP controls that serve a
clause are properties of its implemented requirement, each with its statement and rule.

UUIDs are derived from the estate and the ids, so regenerating an unchanged registry gives an
identical file and a diff shows only real changes.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path

from trestle.oscal import OSCAL_VERSION
from trestle.oscal.common import BackMatter, Citation, Metadata, Property, Resource
from trestle.oscal.component import ComponentDefinition, ControlImplementation, DefinedComponent, ImplementedRequirement

from .builder import clause_key

NS = "urn:gxp-landing-zone:oscal"
_ROOT = uuid.UUID("6f1f3c1e-3b1a-5d7e-9c55-0a4d2f1e8b10")


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_ROOT, "/".join(parts)))


def _prop(name: str, value: str, remarks: str | None = None) -> Property:
    return Property(name=name, value=value.strip() or "-", ns=NS, remarks=remarks)


def component_definition(trace: dict, version: str = "1.0") -> ComponentDefinition:
    estate = trace["estate"]
    controls = {c["id"]: c for c in trace["controls"]}
    resources, implementations = [], []
    for fw in trace["frameworks"]:
        source_uuid = _uuid(estate, "source", fw["id"])
        resources.append(Resource(
            uuid=source_uuid,
            title=fw["title"],
            description=f"Edition: {fw['edition']}",
            citation=Citation(text=f"{fw['title']} ({fw['edition']})"),
        ))
        requirements = []
        for clause in fw["clauses"]:
            if not clause["controls"]:
                continue
            props = [_prop("clause-citation", clause["id"]), _prop("clause-kind", clause["kind"]),
                     _prop("status", clause["status"])]
            for cid in clause["controls"]:
                c = controls[cid]
                props.append(_prop("gxp-control", cid, remarks=f"{c['statement']} Checked by {c['rule']}."))
                if c["config_rule"]:
                    props.append(_prop("aws-config-rule", c["config_rule"]))
            requirements.append(ImplementedRequirement(
                uuid=_uuid(estate, fw["id"], clause["id"]),
                control_id=clause_key(fw["id"], clause["id"]),
                description=" ".join(controls[cid]["statement"] for cid in clause["controls"]),
                props=props,
                remarks=("Shared: the customer's procedures are also needed." if clause["kind"] == "shared" else None),
            ))
        if requirements:
            implementations.append(ControlImplementation(
                uuid=_uuid(estate, "implementation", fw["id"]),
                source=f"#{source_uuid}",
                description=f"{fw['title']}: clauses served by the landing zone's controls.",
                implemented_requirements=requirements,
            ))
    component = DefinedComponent(
        uuid=_uuid(estate, "component"),
        type="software",
        title=f"GxP landing zone ({estate})",
        description=("Multi-account AWS landing zone for GxP workloads; every control is checked at synthesis "
                     "and, where a deployed-state check exists, by installation qualification."),
        props=[_prop("control-count", str(len(controls)))],
        control_implementations=implementations,
    )
    stamp = datetime.strptime(trace["generated_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return ComponentDefinition(
        uuid=_uuid(estate, "component-definition"),
        metadata=Metadata(
            title=f"GxP landing zone control registry: {estate}",
            last_modified=stamp,
            version=version,
            oscal_version=OSCAL_VERSION,
        ),
        components=[component],
        back_matter=BackMatter(resources=resources),
    )


def write_component_definition(trace: dict, path: Path) -> Path:
    definition = component_definition(trace)
    path.parent.mkdir(parents=True, exist_ok=True)
    definition.oscal_write(path)
    # Reading it back through trestle is the validation: a file trestle cannot parse is not OSCAL.
    if ComponentDefinition.oscal_read(path) != definition:
        raise ValueError(f"{path}: OSCAL round trip changed the component definition")
    return path
