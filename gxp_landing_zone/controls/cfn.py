"""Reading CloudFormation the way CloudFormation reads it.

Controls judge the template CDK wrote, not the constructs that wrote it: a raw override, an L1
setter and a construct default all end up here in the same form. Intrinsic functions are resolved
where the template alone decides their value (pseudo parameters, joins of literals, Sub, Select,
FindInMap); a reference to another resource becomes a ``Ref``; anything else (a parameter whose
value arrives at deploy time, a condition, an import) becomes ``Unresolved``, which a predicate must
report as "cannot prove", never as a pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator


class Unresolved:
    """A value that cannot be known from the template (or, in the IQ, could not be read).

    Truth-testing it raises, so a predicate that forgets to handle it fails loudly (the engine turns
    that into "cannot prove") instead of treating an unknown value as false or true.
    """

    __slots__ = ("why",)

    def __init__(self, why: str):
        self.why = why

    def __bool__(self):
        raise TypeError(f"cannot decide on an unresolved value ({self.why})")

    def __repr__(self) -> str:
        return f"<unresolved: {self.why}>"

    __str__ = __repr__


@dataclass(frozen=True)
class Ref:
    """``{"Ref": id}`` or ``{"Fn::GetAtt": [id, attribute]}`` to a resource of the same template."""

    logical_id: str
    attribute: str | None = None

    def __str__(self) -> str:
        return f"{self.logical_id}.{self.attribute}" if self.attribute else f"Ref({self.logical_id})"


@dataclass(frozen=True)
class Joined:
    """A string CloudFormation assembles at deploy time from literals and resource attributes
    (``arn_for_objects("*")`` renders as ``{"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]}``).
    Its shape is known, its final text is not."""

    parts: tuple

    @property
    def refs(self) -> list[Ref]:
        return [p for p in self.parts if isinstance(p, Ref)]

    def __str__(self) -> str:
        return "".join(p if isinstance(p, str) else "${%s}" % p for p in self.parts)


def is_unresolved(value: Any) -> bool:
    return isinstance(value, Unresolved)


def contains_unresolved(value: Any) -> Unresolved | None:
    """The first unresolved value anywhere inside ``value``."""
    if isinstance(value, Unresolved):
        return value
    if isinstance(value, dict):
        for item in value.values():
            if (found := contains_unresolved(item)) is not None:
                return found
    elif isinstance(value, list):
        for item in value:
            if (found := contains_unresolved(item)) is not None:
                return found
    return None


def partition_of(region: str | None) -> str | None:
    if region is None:
        return None
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class _Resolver:
    def __init__(self, stack: "StackTemplate"):
        self.stack = stack
        self.resources = stack.template.get("Resources") or {}
        self.parameters = stack.template.get("Parameters") or {}
        self.mappings = stack.template.get("Mappings") or {}

    def pseudo(self, name: str) -> Any:
        stack = self.stack
        known = {
            "AWS::Region": stack.region,
            "AWS::AccountId": stack.account,
            "AWS::Partition": partition_of(stack.region),
            "AWS::URLSuffix": "amazonaws.com.cn" if (stack.region or "").startswith("cn-") else "amazonaws.com",
            "AWS::StackName": stack.name,
            "AWS::NoValue": None,
        }
        if name not in known:
            return Unresolved(f"pseudo parameter {name} is known only at deploy time")
        value = known[name]
        if value is None and name != "AWS::NoValue":
            return Unresolved(f"{name} is not known for stack {stack.name} (give the account and region)")
        return value

    def ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            return Unresolved(f"Ref to a non-name {name!r}")
        if name.startswith("AWS::"):
            return self.pseudo(name)
        if name in self.resources:
            return Ref(name)
        if name in self.parameters:
            # A parameter's default is only a suggestion: the deployed value is chosen at deploy time.
            return Unresolved(f"parameter {name} is chosen at deploy time")
        return Unresolved(f"Ref to {name}, which the template does not define")

    def get_att(self, args: Any) -> Any:
        if isinstance(args, str):
            args = args.split(".", 1)
        if not isinstance(args, list) or len(args) != 2 or not isinstance(args[0], str):
            return Unresolved(f"malformed Fn::GetAtt {args!r}")
        logical_id, attribute = args
        if logical_id not in self.resources:
            return Unresolved(f"Fn::GetAtt on {logical_id}, which the template does not define")
        attribute = self.resolve(attribute)
        if not isinstance(attribute, str):
            return Unresolved(f"Fn::GetAtt {logical_id} with an unresolved attribute name")
        return Ref(logical_id, attribute)

    def join(self, args: Any) -> Any:
        if not isinstance(args, list) or len(args) != 2:
            return Unresolved(f"malformed Fn::Join {args!r}")
        separator, parts = self.resolve(args[0]), self.resolve(args[1])
        if not isinstance(separator, str) or not isinstance(parts, list):
            return Unresolved("Fn::Join over values known only at deploy time")
        if all(isinstance(p, str) for p in parts):
            return separator.join(parts)
        if all(isinstance(p, (str, Ref, Joined)) for p in parts):
            joined: list = []
            for index, part in enumerate(parts):
                if index and separator:
                    joined.append(separator)
                joined.extend(part.parts if isinstance(part, Joined) else [part])
            return Joined(tuple(p for p in joined if p != ""))
        return Unresolved("Fn::Join of " + separator.join(str(p) for p in parts))

    def sub(self, args: Any) -> Any:
        if isinstance(args, str):
            text, variables = args, {}
        elif isinstance(args, list) and len(args) == 2 and isinstance(args[0], str) and isinstance(args[1], dict):
            text, variables = args[0], {k: self.resolve(v) for k, v in args[1].items()}
        else:
            return Unresolved(f"malformed Fn::Sub {args!r}")
        parts: list = []
        position = 0
        for match in _SUB_VARIABLE.finditer(text):
            parts.append(text[position:match.start()])
            position = match.end()
            name = match.group(1)
            if name.startswith("!"):
                parts.append("${" + name[1:] + "}")
                continue
            if name in variables:
                value = variables[name]
            elif "." in name:
                value = self.get_att(name.split(".", 1))
            else:
                value = self.ref(name)
            if not isinstance(value, (str, Ref)):
                return Unresolved(f"Fn::Sub {text!r} needs {value}")
            parts.append(value)
        parts.append(text[position:])
        parts = [p for p in parts if p != ""]
        if all(isinstance(p, str) for p in parts):
            return "".join(parts)
        return Joined(tuple(parts))

    def select(self, args: Any) -> Any:
        if not isinstance(args, list) or len(args) != 2:
            return Unresolved(f"malformed Fn::Select {args!r}")
        index, items = self.resolve(args[0]), self.resolve(args[1])
        try:
            return items[int(index)]
        except (TypeError, ValueError, IndexError, KeyError):
            return Unresolved("Fn::Select over values known only at deploy time")

    def find_in_map(self, args: Any) -> Any:
        if not isinstance(args, list) or len(args) < 3:
            return Unresolved(f"malformed Fn::FindInMap {args!r}")
        keys = [self.resolve(a) for a in args[:3]]
        if not all(isinstance(k, str) for k in keys):
            return Unresolved("Fn::FindInMap with keys known only at deploy time")
        try:
            return self.resolve(self.mappings[keys[0]][keys[1]][keys[2]])
        except (KeyError, TypeError):
            return Unresolved(f"Fn::FindInMap {keys} is not in the template's mappings")

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, args), = value.items()
            handler = {
                "Ref": self.ref,
                "Fn::GetAtt": self.get_att,
                "Fn::Join": self.join,
                "Fn::Sub": self.sub,
                "Fn::Select": self.select,
                "Fn::FindInMap": self.find_in_map,
            }.get(key)
            if handler is not None:
                return handler(args)
            if key.startswith("Fn::") or key == "Condition":
                return Unresolved(f"{key} is evaluated only at deploy time")
        return {k: self.resolve(v) for k, v in value.items()}


def walk(value: Any, path: str) -> Any:
    """``value["A"]["B"]`` for path "A.B"; None where a key is absent; an unresolved step stays unresolved."""
    for key in path.split("."):
        if isinstance(value, Unresolved) or value is None:
            return value
        if not isinstance(value, dict):
            return Unresolved(f"{key} read from a {type(value).__name__}, not an object")
        value = value.get(key)
    return value


@dataclass
class Resource:
    """One resource of a template, its properties resolved as far as the template allows."""

    stack: "StackTemplate"
    logical_id: str
    raw: dict

    @property
    def type(self) -> str:
        return self.raw.get("Type", "")

    @cached_property
    def properties(self) -> dict:
        properties = self.raw.get("Properties")
        if properties is None:
            return {}
        resolved = self.stack.resolve(properties)
        return resolved if isinstance(resolved, dict) else {"__unresolved__": resolved}

    def get(self, path: str) -> Any:
        """A property by dotted path ("ObjectLockConfiguration.Rule.DefaultRetention.Mode")."""
        if "__unresolved__" in self.properties:
            return self.properties["__unresolved__"]
        return walk(self.properties, path)

    @property
    def deletion_policy(self) -> Any:
        return self.raw.get("DeletionPolicy")

    @property
    def update_replace_policy(self) -> Any:
        return self.raw.get("UpdateReplacePolicy")

    @property
    def region(self) -> str | None:
        """Where the resource is: its stack's region (a deployed bucket reports its own location)."""
        return self.raw.get("__region__", self.stack.region)

    @property
    def path(self) -> str:
        """The construct path CDK recorded, or the logical ID for a template CDK did not write."""
        return self.stack.paths.get(self.logical_id) or self.logical_id

    def tag(self, key: str) -> Any:
        tags = self.get("Tags")
        if isinstance(tags, dict) and not isinstance(tags, Unresolved):
            return tags.get(key)  # some types (SSM, Batch) take tags as a map
        for item in tags if isinstance(tags, list) else []:
            if isinstance(item, dict) and item.get("Key") == key:
                return item.get("Value")
        return tags if isinstance(tags, Unresolved) else None

    def refers_to(self, value: Any) -> bool:
        """Whether ``value`` (a resolved property) is a Ref or GetAtt to this resource."""
        return isinstance(value, Ref) and value.logical_id == self.logical_id

    def __str__(self) -> str:
        return f"{self.stack.name}/{self.logical_id} ({self.type})"


@dataclass
class StackTemplate:
    """A template with what CDK's assembly says about it: where it deploys, which construct paths its
    resources come from, and the acknowledgements recorded on those paths."""

    name: str
    template: dict
    account: str | None = None
    region: str | None = None
    file: str | None = None
    # logical ID -> construct path ("Stack/Bucket/Resource"), from the assembly metadata
    paths: dict[str, str] = field(default_factory=dict)
    # construct path -> {rule ID: reason}, from aws:cdk:acknowledged-rules
    acknowledgements: dict[str, dict[str, str]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        self._resolver = _Resolver(self)
        self._resources: dict[str, Resource] = {}
        self._by_type: dict[str, list[Resource]] | None = None

    def resolve(self, value: Any) -> Any:
        return self._resolver.resolve(value)

    def invalidate(self) -> None:
        """After resources were added (the IQ builds its template as it reads the account)."""
        self._resolver = _Resolver(self)
        self._by_type = None

    def resources(self) -> Iterator[Resource]:
        for logical_id in self.template.get("Resources") or {}:
            yield self.resource(logical_id)

    def resource(self, logical_id: str) -> Resource | None:
        if logical_id not in self._resources:
            raw = (self.template.get("Resources") or {}).get(logical_id)
            if not isinstance(raw, dict):
                return None
            self._resources[logical_id] = Resource(self, logical_id, raw)
        return self._resources[logical_id]

    def of_type(self, *types: str) -> list[Resource]:
        if self._by_type is None:
            self._by_type = {}
            for resource in self.resources():
                self._by_type.setdefault(resource.type, []).append(resource)
        return [r for t in types for r in self._by_type.get(t, [])]

    def target(self, value: Any, *types: str) -> Resource | None:
        """The resource a Ref/GetAtt points at (optionally only of the given types)."""
        if not isinstance(value, Ref):
            return None
        resource = self.resource(value.logical_id)
        if resource is None or (types and resource.type not in types):
            return None
        return resource
