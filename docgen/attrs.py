"""The public attributes of a construct class, read with `ast`: every `self.<name> = <value>` in `__init__` and in
the private methods it calls, with a type inferred from the value and the construct id it was created with."""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Attribute:
    """One public attribute of a construct (`self.<name> = ...`)."""

    name: str
    type: str
    construct_id: str


def union(*types: str) -> str:
    """`a | b` of the distinct non-empty types, None last."""
    parts = {p for t in types if t for p in t.split(" | ")}
    return " | ".join(sorted(parts, key=lambda o: (o == "None", o)))


def self_attribute(node: ast.AST | None) -> str | None:
    """`x` when `node` is `self.x`."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None


def _collection(value: ast.expr, known: dict[str, str]) -> str:
    if isinstance(value, ast.ListComp):
        return f"list[{type_of(value.elt, known)}]"
    if isinstance(value, ast.List):
        return f"list[{type_of(value.elts[0], known)}]" if value.elts else "list"
    if isinstance(value, ast.DictComp):
        return f"dict[str, {type_of(value.value, known)}]"
    return "dict"


def _call_type(call: ast.Call, known: dict[str, str]) -> str:
    method = self_attribute(call.func)
    if method:
        return known.get(f"{method}()", "")
    called = ast.unparse(call.func).rsplit(".", 1)[-1]
    return known.get(f"{called} ->", called)  # a helper function's return annotation, else a class name


def type_of(value: ast.expr, known: dict[str, str]) -> str:
    """The type of an assigned value, as far as the source says ("" when unknown)."""
    if isinstance(value, ast.Call):
        return _call_type(value, known)
    if isinstance(value, ast.IfExp):
        return union(type_of(value.body, known), type_of(value.orelse, known))
    if isinstance(value, (ast.List, ast.ListComp, ast.Dict, ast.DictComp)):
        return _collection(value, known)
    if isinstance(value, ast.Constant):
        return "None" if value.value is None else type(value.value).__name__
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id != "self":
        return known.get(f"{value.value.id}.{value.attr}", "")
    return known.get(self_attribute(value) or "", "")


@dataclass(frozen=True)
class Helper:
    """A module-level function that builds a construct in the scope it is given (modules/client_security_group.py)."""

    returns: str
    construct_id: str


def helper(function: ast.FunctionDef) -> Helper | None:
    """What `function` returns and the id of the first construct it creates in its first parameter's scope."""
    if function.returns is None:
        return None
    scope = function.args.args[0].arg if function.args.args else ""
    return Helper(ast.unparse(function.returns), construct_id(function, scope=scope) if scope else "")


def construct_id(value: ast.AST, scope: str = "self") -> str:
    """The id of the first `Construct(<scope>, "<id>", ...)` call inside `value`."""
    for call in (n for n in ast.walk(value) if isinstance(n, ast.Call) and len(n.args) >= 2):
        if isinstance(call.args[0], ast.Name) and call.args[0].id == scope:
            ident = call.args[1]
            if isinstance(ident, ast.JoinedStr):
                return ast.unparse(ident)[2:-1]
            return str(ident.value) if isinstance(ident, ast.Constant) else "(computed)"
    return ""


def methods_from_init(node: ast.ClassDef) -> list[ast.FunctionDef]:
    """`__init__` and the private methods it calls (transitively), in call order."""
    methods = {m.name: m for m in node.body if isinstance(m, ast.FunctionDef)}
    order: list[ast.FunctionDef] = []
    queue = ["__init__"]
    while queue:
        name = queue.pop(0)
        if name in methods and methods[name] not in order:
            order.append(methods[name])
            called = (self_attribute(c.func) for c in ast.walk(methods[name]) if isinstance(c, ast.Call))
            queue += [c for c in called if c and c.startswith("_")]
    return order


def _assignments(method: ast.FunctionDef) -> list[tuple[str, ast.expr]]:
    found = []
    for stmt in ast.walk(method):
        if isinstance(stmt, ast.Assign):
            pairs = [(self_attribute(t), stmt.value) for t in stmt.targets]
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            pairs = [(self_attribute(stmt.target), stmt.value)]
        else:
            continue
        found += [(name, value) for name, value in pairs if name and not name.startswith("_")]
    return found


def _appended(method: ast.FunctionDef, found: dict[str, Attribute]) -> None:
    """Refine `self.x = []` by the first `self.x.append(<value>)`."""
    for call in (c for c in ast.walk(method) if isinstance(c, ast.Call) and c.args):
        if not (isinstance(call.func, ast.Attribute) and call.func.attr == "append"):
            continue
        old = found.get(self_attribute(call.func.value) or "")
        if old is not None and old.type == "list":
            kind = type_of(call.args[0], {})
            found[old.name] = Attribute(
                old.name, f"list[{kind}]" if kind else "list", old.construct_id or construct_id(call.args[0])
            )


def _parameter_fields(methods: list[ast.FunctionDef], dataclasses: dict[str, dict[str, str]]) -> dict[str, str]:
    """{"props.<field>": type} for every parameter annotated with one of the module's dataclasses."""
    known = {}
    for method in methods:
        for arg in method.args.args + method.args.kwonlyargs:
            fields = dataclasses.get(ast.unparse(arg.annotation) if arg.annotation else "", {})
            known.update({f"{arg.arg}.{name}": kind for name, kind in fields.items()})
    return known


def _helper_id(value: ast.expr, helpers: dict[str, Helper]) -> str:
    """The construct id a helper function call creates (`subnet_group(self, ...)` -> `SubnetGroup`)."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in helpers:
        return helpers[value.func.id].construct_id
    return ""


def _properties(node: ast.ClassDef) -> list[Attribute]:
    return [
        Attribute(m.name, ast.unparse(m.returns) if m.returns else "", "(property)")
        for m in node.body
        if isinstance(m, ast.FunctionDef)
        and not m.name.startswith("_")
        and any(isinstance(d, ast.Name) and d.id == "property" for d in m.decorator_list)
    ]


def attributes(
    node: ast.ClassDef, dataclasses: dict[str, dict[str, str]] | None = None, helpers: dict[str, Helper] | None = None
) -> tuple[Attribute, ...]:
    """The public attributes of construct class `node`, in assignment order, then its public properties.
    `dataclasses` ({class: {field: type}}) types the attributes copied from typed parameters (`props.port`);
    `helpers` ({function: Helper}) types and names those built by imported helper functions."""
    found: dict[str, Attribute] = {}
    methods = methods_from_init(node)
    helpers = helpers or {}
    returns = {
        f"{m.name}()": ast.unparse(m.returns)
        for m in node.body
        if isinstance(m, ast.FunctionDef) and m.returns is not None
    }
    returns.update(_parameter_fields(methods, dataclasses or {}))
    returns.update({f"{name} ->": found_helper.returns for name, found_helper in helpers.items()})
    for method in methods:
        for name, value in _assignments(method):
            old = found.get(name, Attribute(name, "", ""))
            kind = type_of(value, {**returns, **{k: a.type for k, a in found.items()}})
            source = found.get(self_attribute(value) or "")
            ident = source.construct_id if source else construct_id(value) or _helper_id(value, helpers)
            kind = kind if kind in ("list", "dict") else union(old.type, kind)
            idents = [i for i in dict.fromkeys((old.construct_id, ident)) if i]
            found[name] = Attribute(name, kind or old.type, " / ".join(idents))
    for method in methods:
        _appended(method, found)
    return tuple(found.values()) + tuple(_properties(node))
