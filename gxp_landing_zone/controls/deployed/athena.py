"""The audit-trail review workgroup as ``AWS::Athena::WorkGroup`` and its saved queries as
``AWS::Athena::NamedQuery`` (WorkGroup by name, as a template may also state it)."""

from __future__ import annotations

from ..cfn import Resource, Unresolved
from .reader import AccountReader


def _queries(reader: AccountReader, workgroup: str) -> list[Resource]:
    found, token = [], None
    while True:
        listed = reader.call("athena", "list_named_queries", WorkGroup=workgroup, **({"NextToken": token} if token else {}))
        if not listed.ok:
            return [reader.add("AWS::Athena::NamedQuery", f"{workgroup} queries", {"QueryString": Unresolved(listed.error)})]
        for query_id in listed.get("NamedQueryIds") or []:
            answer = reader.call("athena", "get_named_query", NamedQueryId=query_id)
            query = answer.get("NamedQuery") if answer.ok else {}
            found.append(reader.add("AWS::Athena::NamedQuery", query_id, {
                "Name": query.get("Name"), "Database": query.get("Database"), "WorkGroup": query.get("WorkGroup"),
                "QueryString": query.get("QueryString") if answer.ok else Unresolved(answer.error),
            }))
        token = listed.get("NextToken")
        if not token:
            return found


def _workgroup(reader: AccountReader, name: str) -> Resource:
    answer = reader.call("athena", "get_work_group", WorkGroup=name)
    if not answer.ok:
        if answer.code == "InvalidRequestException":
            return reader.add("AWS::Athena::WorkGroup", name, {}, missing=f"no Athena workgroup {name}: {answer.error}")
        return reader.add("AWS::Athena::WorkGroup", name, {"WorkGroupConfiguration": Unresolved(answer.error)})
    configuration = answer.get("WorkGroup", "Configuration") or {}
    keep = ("EnforceWorkGroupConfiguration", "ManagedQueryResultsConfiguration", "ResultConfiguration")
    return reader.add("AWS::Athena::WorkGroup", name, {
        "Name": name, "WorkGroupConfiguration": {k: configuration[k] for k in keep if k in configuration},
    })


def review_workgroup(reader: AccountReader) -> list[Resource]:
    """The workgroup; its named queries are added beside it, where the check reads them."""
    name = reader.names.TRAIL_REVIEW_WORKGROUP

    def build() -> Resource:
        workgroup = _workgroup(reader, name)
        _queries(reader, name)
        return workgroup

    return [reader.once(("athena", name), build)]
