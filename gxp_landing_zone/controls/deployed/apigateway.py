"""The estate's REST APIs as their ``AWS::ApiGateway::RestApi``, ``::Resource``, ``::Method`` and ``::Stage``
resources.

An API is the estate's when it carries the account-role tag every stack puts on its resources. Every
API control reads through this one walk: get_rest_apis, then per API get_resources, get_method for
each method of each resource, and get_stages. API Gateway's own IDs stand where a template has Refs:
a resource's ParentId and a method's ResourceId are resource IDs, and the root resource (path "/") is
the API's RootResourceId; a resource's physical ID is "<api id>/<resource id>".
"""

from __future__ import annotations

from ..cfn import Resource, Unresolved
from .cognito import ROLE_TAG
from .reader import AccountReader

METHOD, STAGE = "AWS::ApiGateway::Method", "AWS::ApiGateway::Stage"
REST_API, API_RESOURCE = "AWS::ApiGateway::RestApi", "AWS::ApiGateway::Resource"


def _paged(reader: AccountReader, operation: str, **kwargs) -> tuple[list, str | None]:
    items, position = [], None
    while True:
        answer = reader.call("apigateway", operation, limit=500, **kwargs, **({"position": position} if position else {}))
        if not answer.ok:
            return items, answer.error
        items += answer.get("items") or []
        position = answer.get("position")
        if not position:
            return items, None


def _method(reader: AccountReader, api_id: str, resource: dict, http_method: str) -> Resource:
    physical = f"{api_id} {http_method} {resource.get('path')}"
    answer = reader.call("apigateway", "get_method", restApiId=api_id, resourceId=resource["id"], httpMethod=http_method)
    if not answer.ok:
        return reader.add(METHOD, physical, {"HttpMethod": http_method, "AuthorizationType": Unresolved(answer.error)})
    integration = answer.get("methodIntegration") or {}
    properties = {
        "RestApiId": api_id,
        "ResourceId": resource["id"],
        "HttpMethod": answer.get("httpMethod") or http_method,
        "AuthorizationType": answer.get("authorizationType"),
        "AuthorizerId": answer.get("authorizerId"),
        "ApiKeyRequired": answer.get("apiKeyRequired"),
        "Integration": {"Type": integration.get("type")} if integration else None,
    }
    return reader.add(METHOD, physical, {k: v for k, v in properties.items() if v is not None})


def _stage(reader: AccountReader, api_id: str, stage: dict) -> Resource:
    setting = stage.get("accessLogSettings") or {}
    properties = {"RestApiId": api_id, "StageName": stage.get("stageName")}
    if setting:
        properties["AccessLogSetting"] = {"DestinationArn": setting.get("destinationArn"), "Format": setting.get("format")}
    return reader.add(STAGE, f"{api_id} stage {stage.get('stageName')}", properties)


def _tree(reader: AccountReader, api: dict, resources: list[dict]) -> list[Resource]:
    """The API and its resources (paths), parents found by ID or, failing that, by path."""
    by_path = {r.get("path"): r.get("id") for r in resources}
    root = by_path.get("/")
    found = [reader.add(REST_API, api["id"], {"Name": api.get("name"), "RootResourceId": root})]
    for resource in resources:
        path = resource.get("path") or ""
        if resource.get("id") == root:
            continue
        parent = resource.get("parentId") or by_path.get(path.rsplit("/", 1)[0] or "/")
        found.append(reader.add(API_RESOURCE, f"{api['id']}/{resource.get('id')}", {
            "RestApiId": api["id"], "ParentId": parent, "PathPart": resource.get("pathPart") or path.rsplit("/", 1)[-1]}))
    return found


def estate_apis(reader: AccountReader) -> list[Resource]:
    """Every method and stage of the REST APIs tagged for this account."""
    return reader.once(("apigateway", "apis"), lambda: _read(reader))


def _read(reader: AccountReader) -> list[Resource]:
    apis, error = _paged(reader, "get_rest_apis")
    if error:
        return [reader.add(t, "REST APIs", Unresolved(error)) for t in (METHOD, STAGE)]
    found: list[Resource] = []
    for api in apis:
        if (api.get("tags") or {}).get(ROLE_TAG) != reader.account.role:
            continue
        resources, error = _paged(reader, "get_resources", restApiId=api["id"])
        if error:
            found.append(reader.add(METHOD, f"{api['id']} methods", Unresolved(error)))
            found.append(reader.add(REST_API, api["id"], Unresolved(error)))
        else:
            found += _tree(reader, api, resources)
        for resource in resources:
            for http_method in sorted(resource.get("resourceMethods") or {}):
                found.append(_method(reader, api["id"], resource, http_method))
        stages = reader.call("apigateway", "get_stages", restApiId=api["id"])
        if not stages.ok:
            found.append(reader.add(STAGE, f"{api['id']} stages", Unresolved(stages.error)))
            continue
        found += [_stage(reader, api["id"], stage) for stage in stages.get("item") or []]
    for resource_type in (REST_API, METHOD, STAGE):
        if not any(r.type == resource_type for r in found):
            found.append(reader.add(
                resource_type, f"REST API {resource_type.rsplit('::', 1)[-1].lower()}s", {},
                missing=f"no {resource_type} on a REST API tagged {ROLE_TAG}={reader.account.role}",
            ))
    return found
