"""Reading a trail's event selectors the way CloudTrail reads them.

A trail uses either advanced selectors or basic ones (never both); with neither it logs every
management event, reads and writes, and no data event. Selectors are alternatives: an event is
logged when any one selector matches it, and every field selector of that one must match. So a
selector counts towards "reads and writes of X" only when it matches all of X: any field that could
narrow it (eventSource, eventName, userIdentity.arn, an excluding ARN operator) makes it partial,
and partial selectors prove nothing. ``readOnly`` is the one narrowing field read exactly, because
reads and writes may legitimately come from two selectors.
"""

from __future__ import annotations

from ..cfn import Unresolved, contains_unresolved, partition_of
from ..model import Verdict, cannot_prove, cfn_bool, compliant, non_compliant

READS, WRITES = "reads", "writes"
BOTH = frozenset({READS, WRITES})
_OPERATORS = ("Equals", "NotEquals", "StartsWith", "NotStartsWith", "EndsWith", "NotEndsWith")


def _listed(value) -> list:
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def in_use(trail) -> tuple[str, list] | Unresolved:
    """("advanced" | "basic" | "default", selectors) as CloudTrail applies them."""
    advanced, basic = trail.get("AdvancedEventSelectors"), trail.get("EventSelectors")
    for value in (advanced, basic):
        if isinstance(value, Unresolved):
            return value
    if _listed(advanced):
        return "advanced", _listed(advanced)
    if _listed(basic):
        return "basic", _listed(basic)
    return "default", []


def _fields(selector: dict) -> dict[str, dict]:
    return {f.get("Field"): f for f in _listed(selector.get("FieldSelectors")) if isinstance(f, dict)}


def _operators(field: dict) -> dict[str, list]:
    return {op: _listed(field.get(op)) for op in _OPERATORS if _listed(field.get(op))}


def _read_only(field: dict | None) -> frozenset[str]:
    """Which of reads and writes a ``readOnly`` field selector lets through (values "true"/"false")."""
    if field is None:
        return BOTH
    allowed = set(BOTH)
    operators = _operators(field)
    kind = {"true": READS, "false": WRITES}
    if set(operators) - {"Equals", "NotEquals"}:
        return frozenset()
    if "Equals" in operators:
        allowed &= {kind.get(str(v).lower()) for v in operators["Equals"]}
    allowed -= {kind.get(str(v).lower()) for v in operators.get("NotEquals", [])}
    return frozenset(allowed)


def _equals(field: dict | None, value: str) -> bool:
    """The field selector matches ``value`` and nothing narrows it further."""
    if field is None:
        return False
    operators = _operators(field)
    return set(operators) == {"Equals"} and value in operators["Equals"]


def _describe(selector: dict) -> str:
    return repr(selector.get("Name") or "(unnamed)")


# -- management events ------------------------------------------------------------------------


def management_events(trail) -> Verdict:
    """Every management event, reads and writes, is logged."""
    found = in_use(trail)
    if isinstance(found, Unresolved):
        return cannot_prove(f"event selectors: {found.why}")
    kind, selectors = found
    if kind == "default":
        return compliant("no event selectors: CloudTrail logs every management event, reads and writes")
    covered: set[str] = set()
    partial, unknown = [], None
    for selector in selectors:
        if (why := contains_unresolved(selector)) is not None or not isinstance(selector, dict):
            unknown = why if why is not None else Unresolved(f"selector {selector!r} is not an object")
            continue
        if kind == "advanced":
            fields = _fields(selector)
            if not _equals(fields.get("eventCategory"), "Management"):
                continue
            narrowing = sorted(set(fields) - {"eventCategory", "readOnly"})
            if narrowing:
                partial.append(f"selector {_describe(selector)} narrows management events by {', '.join(narrowing)}")
                continue
            covered |= _read_only(fields.get("readOnly"))
        else:
            if cfn_bool(selector.get("IncludeManagementEvents")) is False:
                continue
            if _listed(selector.get("ExcludeManagementEventSources")):
                partial.append(f"a selector excludes {selector['ExcludeManagementEventSources']}")
                continue
            covered |= _read_write_type(selector.get("ReadWriteType"))
    if covered >= BOTH:
        return compliant("every management event is logged, reads and writes")
    if unknown is not None:
        return cannot_prove(f"management events: {unknown.why}")
    missing = " and ".join(sorted(BOTH - covered))
    return non_compliant("; ".join([f"management {missing} are not logged", *partial]))


def _read_write_type(value) -> frozenset[str]:
    return {None: BOTH, "All": BOTH, "ReadOnly": frozenset({READS}), "WriteOnly": frozenset({WRITES})}.get(value, frozenset())


# -- S3 data events on the records buckets -------------------------------------------------------


def _s3(region: str | None) -> str:
    return f"arn:{partition_of(region) or 'aws'}:s3"


def _covers_records(prefixes: list, ctx, region) -> bool | Unresolved:
    """Whether ``resources.ARN`` StartsWith values reach every object of every records bucket: one
    value covering the records-bucket name prefix, or each bucket the config defines."""
    if any(isinstance(p, str) and f"{_s3(region)}:::".startswith(p) for p in prefixes):
        return True  # every bucket
    if ctx.records_bucket_prefix is None:
        return Unresolved("no config: the records bucket names are not known")
    if any(isinstance(p, str) and f"{_s3(region)}:::{ctx.records_bucket_prefix}".startswith(p) for p in prefixes):
        return True
    buckets = ctx.records_bucket_region
    return bool(buckets) and all(
        any(isinstance(p, str) and f"{_s3(region)}:::{b}/".startswith(p) for p in prefixes) for b in buckets
    )


def _advanced_data(selector: dict, ctx, region) -> frozenset[str] | str | Unresolved:
    """What the selector logs of the records' S3 object events: reads/writes, or why it is partial."""
    fields = _fields(selector)
    if not (_equals(fields.get("eventCategory"), "Data") and _equals(fields.get("resources.type"), "AWS::S3::Object")):
        return frozenset()
    narrowing = sorted(set(fields) - {"eventCategory", "resources.type", "resources.ARN", "readOnly"})
    if narrowing:
        return f"selector {_describe(selector)} narrows S3 object events by {', '.join(narrowing)}"
    arn = fields.get("resources.ARN")
    if arn is not None:
        operators = _operators(arn)
        if set(operators) != {"StartsWith"}:
            return f"selector {_describe(selector)} limits resources.ARN by {', '.join(sorted(operators))}"
        covers = _covers_records(operators["StartsWith"], ctx, region)
        if isinstance(covers, Unresolved):
            return covers
        if not covers:
            return f"selector {_describe(selector)} covers only {operators['StartsWith']}"
    return _read_only(fields.get("readOnly"))


def _basic_data(selector: dict, ctx, region) -> frozenset[str] | str | Unresolved:
    s3 = _s3(region)
    for resource in _listed(selector.get("DataResources")):
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::S3::Object":
            continue
        values = _listed(resource.get("Values"))
        # Basic selectors name whole buckets ("arn:aws:s3:::bucket/") or every bucket ("arn:aws:s3").
        if s3 in values or f"{s3}:::" in values:
            return _read_write_type(selector.get("ReadWriteType"))
        if ctx.records_bucket_prefix is None:
            return Unresolved("no config: the records bucket names are not known")
        named = {v.rstrip("/") for v in values if isinstance(v, str)}
        buckets = ctx.records_bucket_region
        if buckets and all(f"{s3}:::{b}" in named for b in buckets):
            return _read_write_type(selector.get("ReadWriteType"))
        return "a basic selector names only some buckets"
    return frozenset()


def record_data_events(trail, ctx) -> Verdict:
    """S3 object reads and writes of every records bucket are logged as data events."""
    found = in_use(trail)
    if isinstance(found, Unresolved):
        return cannot_prove(f"event selectors: {found.why}")
    kind, selectors = found
    if kind == "default":
        return non_compliant("no event selectors: CloudTrail logs management events only, no S3 data events")
    covered: set[str] = set()
    notes: list[str] = []
    unknown = None
    for selector in selectors:
        if (why := contains_unresolved(selector)) is not None or not isinstance(selector, dict):
            unknown = why if why is not None else Unresolved(f"selector {selector!r} is not an object")
            continue
        seen = (_advanced_data if kind == "advanced" else _basic_data)(selector, ctx, trail.region)
        if isinstance(seen, Unresolved):
            unknown = seen
        elif isinstance(seen, str):
            notes.append(seen)
        else:
            covered |= seen
    if covered >= BOTH:
        return compliant("S3 object reads and writes of every records bucket are logged as data events")
    if unknown is not None:
        return cannot_prove(unknown)
    missing = " and ".join(sorted(BOTH - covered))
    return non_compliant("; ".join([f"records bucket object {missing} are not logged", *notes]))
