"""Intrinsic functions and conditions, resolved as far as the template (and the stack's account and
region) decide them; what only a deployment decides stays Unresolved."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .values import Joined, Ref, Unresolved, partition_of

if TYPE_CHECKING:
    from .cfn import StackTemplate

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class Resolver:
    def __init__(self, stack: "StackTemplate"):
        self.stack = stack
        self.resources = stack.template.get("Resources") or {}
        self.parameters = stack.template.get("Parameters") or {}
        self.mappings = stack.template.get("Mappings") or {}
        self.conditions = stack.template.get("Conditions") or {}
        self._decided: dict[str, Any] = {}

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

    def condition(self, name: Any) -> bool | Unresolved:
        """A named condition, decided when the stack's account and region (or literals) decide it."""
        if not isinstance(name, str) or name not in self.conditions:
            return Unresolved(f"condition {name!r} is not defined in the template")
        if name not in self._decided:
            self._decided[name] = Unresolved(f"condition {name} refers to itself")
            self._decided[name] = self.decide(self.conditions[name])
        return self._decided[name]

    def decide(self, expression: Any) -> bool | Unresolved:
        if isinstance(expression, bool):
            return expression
        if not isinstance(expression, dict) or len(expression) != 1:
            return Unresolved(f"malformed condition {expression!r}")
        (key, args), = expression.items()
        if key == "Condition":
            return self.condition(args)
        if key == "Fn::Equals" and isinstance(args, list) and len(args) == 2:
            left, right = self.resolve(args[0]), self.resolve(args[1])
            if isinstance(left, (str, int, float, bool)) and isinstance(right, (str, int, float, bool)):
                return str(left) == str(right)
            return Unresolved(f"Fn::Equals of values known only at deploy time ({left}, {right})")
        parts = [self.decide(a) for a in args] if isinstance(args, list) else []
        if key == "Fn::Not" and len(parts) == 1:
            return parts[0] if isinstance(parts[0], Unresolved) else not parts[0]
        if key in ("Fn::And", "Fn::Or") and parts:
            known = [p for p in parts if not isinstance(p, Unresolved)]
            if key == "Fn::And" and False in known or key == "Fn::Or" and True in known:
                return key == "Fn::Or"
            return next((p for p in parts if isinstance(p, Unresolved)), key == "Fn::And")
        return Unresolved(f"{key} is evaluated only at deploy time")

    def if_(self, args: Any) -> Any:
        if not isinstance(args, list) or len(args) != 3:
            return Unresolved(f"malformed Fn::If {args!r}")
        decided = self.condition(args[0])
        if isinstance(decided, Unresolved):
            return Unresolved(f"Fn::If on {decided.why}")
        return self.resolve(args[1] if decided else args[2])

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
                "Fn::If": self.if_,
            }.get(key)
            if handler is not None:
                return handler(args)
            if key.startswith("Fn::") or key == "Condition":
                return Unresolved(f"{key} is evaluated only at deploy time")
        return {k: self.resolve(v) for k, v in value.items()}


