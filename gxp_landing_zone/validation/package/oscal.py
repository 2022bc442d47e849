"""The regulations and the controls in OSCAL, built from compliance-trestle's models so the library's own
validation accepts or rejects them:

- oscal/catalogs/<framework>.json: one catalog per framework of regulations.yaml (every framework it holds,
  so a framework added there is published without a change here); each clause is a control whose id is an
  OSCAL token (11.10(e) -> part11_11.10_e), its citation the label, its paraphrase the statement.
- oscal/component-definition.json: the landing zone as a component whose control implementations point at
  those catalogs (relative hrefs a tool resolves) and say, per clause, how each control serves it. It
  carries no assessment status: what was verified is in the assessment results (oscal_results.py).
- oscal/profile.json: all of every catalog, which the system security plan imports.

UUIDs are derived from the estate and the ids, so regenerating an unchanged registry gives identical files.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path

from trestle.oscal import OSCAL_VERSION
from trestle.oscal.catalog import Catalog, Control
from trestle.oscal.common import IncludeAll, Metadata, Part, Property
from trestle.oscal.component import ComponentDefinition, ControlImplementation, DefinedComponent, ImplementedRequirement
from trestle.oscal.profile import Import1, Profile

from .builder import clause_key

NS = "urn:gxp-landing-zone:oscal"
_ROOT = uuid.UUID("6f1f3c1e-3b1a-5d7e-9c55-0a4d2f1e8b10")


def oscal_uuid(*parts: str) -> str:
    return str(uuid.uuid5(_ROOT, "/".join(parts)))


def prop(name: str, value: str, remarks: str | None = None, ns: str | None = NS) -> Property:
    return Property(name=name, value=value.strip() or "-", ns=ns, remarks=remarks)


def metadata(title: str, trace: dict, version: str = "1.0") -> Metadata:
    stamp = datetime.strptime(trace["generated_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return Metadata(title=title, last_modified=stamp, version=version, oscal_version=OSCAL_VERSION)


def catalog_href(framework_id: str) -> str:
    return f"catalogs/{framework_id}.json"


def catalog(fw: dict, trace: dict) -> Catalog:
    controls = [
        Control(
            id=clause_key(fw["id"], c["id"]),
            class_="clause",
            title=c["title"],
            props=[prop("label", c["id"], ns=None), prop("clause-kind", c["kind"]), prop("regime", fw.get("regime", "gxp"))],
            parts=[Part(id=f"{clause_key(fw['id'], c['id'])}_smt", name="statement", prose=c["text"])],
        )
        for c in fw["clauses"]
    ]
    return Catalog(uuid=oscal_uuid(trace["estate"], "catalog", fw["id"]),
                   metadata=metadata(f"{fw['title']} ({fw['edition']})", trace, version=fw["edition"]), controls=controls)


def component_definition(trace: dict) -> ComponentDefinition:
    estate = trace["estate"]
    controls = {c["id"]: c for c in trace["controls"]}
    implementations = []
    for fw in trace["frameworks"]:
        requirements = []
        for clause in fw["clauses"]:
            if not clause["controls"]:
                continue
            props = [prop("gxp-control", cid, remarks=f"{controls[cid]['statement']} Checked by {controls[cid]['rule']}.")
                     for cid in clause["controls"]]
            props += [prop("aws-config-rule", controls[cid]["config_rule"]) for cid in clause["controls"]
                      if controls[cid]["config_rule"]]
            requirements.append(ImplementedRequirement(
                uuid=oscal_uuid(estate, fw["id"], clause["id"]),
                control_id=clause_key(fw["id"], clause["id"]),
                description=" ".join(f"{cid}: {clause['rationales'][cid]}" for cid in clause["controls"]),
                props=props,
                remarks=("Shared: the customer's procedures are also needed." if clause["kind"] == "shared" else None),
            ))
        if requirements:
            implementations.append(ControlImplementation(
                uuid=oscal_uuid(estate, "implementation", fw["id"]),
                source=catalog_href(fw["id"]),
                description=f"{fw['title']}: clauses served by the landing zone's controls.",
                implemented_requirements=requirements,
            ))
    component = DefinedComponent(
        uuid=oscal_uuid(estate, "component"),
        type="software",
        title=f"GxP landing zone ({estate})",
        description=("Multi-account AWS landing zone for GxP workloads; every control is checked at synthesis and by "
                     "installation qualification on the deployed account."),
        props=[prop("control-count", str(len(controls)))]
              + [prop("operational-control", c["id"], remarks=c["operational"]) for c in trace["controls"] if c["operational"]],
        control_implementations=implementations,
    )
    return ComponentDefinition(uuid=oscal_uuid(estate, "component-definition"),
                               metadata=metadata(f"GxP landing zone control registry: {estate}", trace),
                               components=[component])


def profile(trace: dict) -> Profile:
    return Profile(uuid=oscal_uuid(trace["estate"], "profile"),
                   metadata=metadata(f"Every clause the landing zone traces: {trace['estate']}", trace),
                   imports=[Import1(href=catalog_href(fw["id"]), include_all=IncludeAll()) for fw in trace["frameworks"]])


def write(model, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    model.oscal_write(path)
    # Reading it back through trestle is the validation: a file trestle cannot parse is not OSCAL.
    if type(model).oscal_read(path) != model:
        raise ValueError(f"{path}: OSCAL round trip changed the {type(model).__name__}")
    return path


def write_definitions(trace: dict, out: Path) -> list[Path]:
    """The catalogs, the profile and the component definition under ``out`` (the package's oscal/)."""
    written = [write(catalog(fw, trace), out / catalog_href(fw["id"])) for fw in trace["frameworks"]]
    written.append(write(profile(trace), out / "profile.json"))
    written.append(write(component_definition(trace), out / "component-definition.json"))
    return written
