"""The routes a REST API serves, read from its AWS::ApiGateway::Resource and ::Method resources: in a
template (ParentId and ResourceId are Refs, the root is the API's RootResourceId) or as the IQ reads an
account (deployed/apigateway.py: the same types, with API Gateway's own IDs as strings)."""

from __future__ import annotations

from ..cfn import Ref, Resource, Unresolved
from ..deployed.apigateway import API_RESOURCE, METHOD
from ._service import deployed_id

ROOT = "/"


def _deployed_resource(api: Resource, resource_id: str) -> Resource | None:
    wanted = f"{deployed_id(api)}/{resource_id}"
    return next((r for r in api.stack.of_type(API_RESOURCE) if deployed_id(r) == wanted), None)


def belongs_to(value, api: Resource) -> bool | Unresolved:
    if isinstance(value, Unresolved):
        return value
    return api.refers_to(value) or (isinstance(value, str) and value == deployed_id(api))


def path_of(value, api: Resource, seen: frozenset = frozenset()) -> str | Unresolved | None:
    """The path of the API resource ``value`` names (a ParentId or a method's ResourceId); None if it
    names no resource of this API."""
    if isinstance(value, Unresolved):
        return value
    if isinstance(value, Ref) and value.attribute == "RootResourceId":
        return ROOT if api.refers_to(value) else None
    if isinstance(value, str) and value == api.get("RootResourceId"):
        return ROOT
    if isinstance(value, Ref):
        resource = api.stack.target(value, API_RESOURCE)
    else:
        resource = _deployed_resource(api, value) if isinstance(value, str) else None
    if resource is None or resource.logical_id in seen:
        return None
    part, parent = resource.get("PathPart"), resource.get("ParentId")
    if isinstance(part, Unresolved):
        return part
    above = path_of(parent, api, seen | {resource.logical_id})
    if not isinstance(above, str) or not isinstance(part, str):
        return above
    return above.rstrip("/") + "/" + part


def routes(api: Resource) -> dict[tuple[str, str], Resource] | Unresolved:
    """(HTTP method, path) -> the method resource, for every method of this API."""
    found: dict[tuple[str, str], Resource] = {}
    for method in api.stack.of_type(METHOD):
        mine = belongs_to(method.get("RestApiId"), api)
        if isinstance(mine, Unresolved):
            return Unresolved(f"{method.logical_id}.RestApiId: {mine.why}")
        if not mine:
            continue
        path, verb = path_of(method.get("ResourceId"), api), method.get("HttpMethod")
        for name, value in (("ResourceId", path), ("HttpMethod", verb)):
            if isinstance(value, Unresolved):
                return Unresolved(f"{method.logical_id}.{name}: {value.why}")
        if isinstance(path, str) and isinstance(verb, str):
            found[(verb.upper(), path)] = method
    return found
