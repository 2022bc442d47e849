"""Reading CloudFormation the way CloudFormation reads it.

Controls judge the template CDK wrote, not the constructs that wrote it: a raw override, an L1
setter and a construct default all end up here in the same form. Intrinsic functions are resolved
where the template alone decides their value (pseudo parameters, joins of literals, Sub, Select,
FindInMap); a reference to another resource becomes a ``Ref``; anything else (a parameter whose
value arrives at deploy time, a condition, an import) becomes ``Unresolved``, which a predicate must
report as "cannot prove", never as a pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

from .resolve import Resolver
from .values import Joined, Ref, Unresolved, contains_unresolved, is_unresolved, partition_of  # noqa: F401


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
    def created(self) -> bool | Unresolved:
        """Whether the stack creates this resource: its Condition, decided where the template allows."""
        name = self.raw.get("Condition")
        return True if name is None else self.stack._resolver.condition(name)

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
    # The cloud assembly directory the stack was read from (None for a loose template).
    directory: str | None = None

    def __post_init__(self):
        self._resolver = Resolver(self)
        self._resources: dict[str, Resource] = {}
        self._by_type: dict[str, list[Resource]] | None = None

    def resolve(self, value: Any) -> Any:
        return self._resolver.resolve(value)

    def invalidate(self) -> None:
        """After resources were added (the IQ builds its template as it reads the account)."""
        self._resolver = Resolver(self)
        self._by_type = None

    def resources(self) -> Iterator[Resource]:
        """The resources this stack creates: one whose condition is known to be false is left out, one
        whose condition is unknown is kept (judged as if it existed, which is the cautious reading)."""
        for logical_id in self.template.get("Resources") or {}:
            resource = self.resource(logical_id)
            if resource is not None and resource.created is not False:
                yield resource

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
