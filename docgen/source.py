"""Read a module file with `ast` (nothing is imported): its docstring, dataclass fields and construct attributes.

Field descriptions come from, in order: a `#:` comment (on the lines just above the field or at the end of its
line), the field's metadata "help" (`field(metadata={"help": ...})`, `checked(check, help)`, `described(help)`),
the sentence of the class docstring naming the field in backticks, the clause of the module docstring's
"Defaults:" list naming it in backticks.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from docgen.attrs import Attribute, Helper, attributes, helper

REQUIRED = "required"


@dataclass(frozen=True)
class Field:
    """One dataclass field as documented."""

    name: str
    type: str
    default: str
    description: str


@dataclass(frozen=True)
class ClassDoc:
    """A dataclass (fields) or a construct class (attributes)."""

    name: str
    docstring: str
    fields: tuple[Field, ...] = ()
    attributes: tuple[Attribute, ...] = ()


def sentences(text: str) -> list[str]:
    """`text` as single-line sentences (and `;` clauses of list items)."""
    flat = re.sub(r"\s+", " ", text).strip()
    return [s.strip() for s in re.split(r"(?<=[.!?;])\s+(?=[A-Z`a-z(])", flat) if s.strip()]


def defaults_list(docstring: str) -> list[str]:
    """The bullets of the docstring's "Defaults:" section, one line each."""
    _, found, rest = docstring.partition("Defaults:")
    items: list[str] = []
    for line in rest.splitlines() if found else []:
        if line.startswith("- "):
            items.append(line[2:].strip())
        elif line.startswith("  ") and items:
            items[-1] += " " + line.strip()
        elif line.strip():
            break
    return items


def _mentions(texts: list[str], name: str) -> str:
    tick = f"`{name}`"
    found = next((t for t in texts if tick in t or f"`{name}=" in t), "")
    return found.rstrip(".;").replace(tick, name)


def _metadata_help(value: ast.expr | None) -> str:
    if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Name):
        return ""
    args = {"checked": value.args[1:2], "described": value.args[:1]}.get(value.func.id, [])
    metadata = next((k.value for k in value.keywords if k.arg == "metadata"), None)
    if isinstance(metadata, ast.Dict):
        args = [v for k, v in zip(metadata.keys, metadata.values) if isinstance(k, ast.Constant) and k.value == "help"]
    return next((a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)), "")


def _default(value: ast.expr | None) -> str:
    if value is None:
        return REQUIRED
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in ("field", "checked", "described")
    ):
        keywords = {k.arg: k.value for k in value.keywords}
        if "default" in keywords:
            return ast.unparse(keywords["default"])
        if "default_factory" in keywords:
            return f"{ast.unparse(keywords['default_factory'])}()"
        return REQUIRED
    return ast.unparse(value)


def _comment(lines: list[str], node: ast.AnnAssign) -> str:
    trailing = lines[node.lineno - 1].partition("#:")[2].strip()
    above: list[str] = []
    index = node.lineno - 2
    while index >= 0 and lines[index].strip().startswith("#:"):
        above.insert(0, lines[index].strip()[2:].strip())
        index -= 1
    return " ".join(above) or trailing


def _is_dataclass(node: ast.ClassDef) -> bool:
    for deco in node.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        if (isinstance(target, ast.Name) and target.id == "dataclass") or (
            isinstance(target, ast.Attribute) and target.attr == "dataclass"
        ):
            return True
    return False


def _fields(node: ast.ClassDef, lines: list[str], module_defaults: list[str]) -> tuple[Field, ...]:
    class_sentences = sentences(ast.get_docstring(node) or "")
    clauses = [c.strip() for item in module_defaults for c in item.split(";")]
    result = []
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
            description = (
                _comment(lines, stmt)
                or _metadata_help(stmt.value)
                or _mentions(class_sentences, name)
                or _mentions(clauses, name)
            )
            result.append(Field(name, ast.unparse(stmt.annotation), _default(stmt.value), description))
    return tuple(result)


def imported_helpers(tree: ast.Module, package_dir: Path) -> dict[str, Helper]:
    """The helper functions `tree` defines or imports from its own package (`from modules.x import f`), by name."""
    found = {f.name: h for f in tree.body if isinstance(f, ast.FunctionDef) and (h := helper(f)) is not None}
    for stmt in tree.body:
        if not (isinstance(stmt, ast.ImportFrom) and (stmt.module or "").startswith(f"{package_dir.name}.")):
            continue
        source = package_dir / f"{(stmt.module or '').split('.', 1)[1]}.py"
        names = {alias.name for alias in stmt.names}
        functions = ast.parse(source.read_text(encoding="utf-8")).body if source.exists() else []
        for function in functions:
            if isinstance(function, ast.FunctionDef) and function.name in names:
                described = helper(function)
                if described is not None:
                    found[function.name] = described
    return found


def _base_fields(
    base: str, local: dict[str, tuple[Field, ...]], tree: ast.Module, package_dir: Path
) -> tuple[Field, ...]:
    """The fields of dataclass `base`: one of this module's (`local`) or imported from the package (documented
    there, `from modules.x import Base`); () for any other base."""
    if base in local:
        return local[base]
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and (stmt.module or "").startswith(f"{package_dir.name}."):
            source = package_dir / f"{(stmt.module or '').split('.', 1)[1]}.py"
            if base in {alias.name for alias in stmt.names} and source.exists():
                return next((c.fields for c in read_module(source)[1] if c.name == base), ())
    return ()


def read_module(path: Path) -> tuple[str, list[ClassDoc]]:
    """The module docstring and its public classes (dataclasses with fields, others with attributes)."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    docstring = ast.get_docstring(tree) or ""
    lines, module_defaults = source.splitlines(), defaults_list(docstring)
    nodes = [n for n in tree.body if isinstance(n, ast.ClassDef) and not n.name.startswith("_")]
    fields: dict[str, tuple[Field, ...]] = {}
    for node in (n for n in nodes if _is_dataclass(n)):
        inherited = [f for base in node.bases for f in _base_fields(ast.unparse(base), fields, tree, path.parent)]
        fields[node.name] = (*inherited, *_fields(node, lines, module_defaults))
    types = {name: {f.name: f.type for f in found} for name, found in fields.items()}
    helpers = imported_helpers(tree, path.parent)
    classes = [
        ClassDoc(n.name, ast.get_docstring(n) or "", fields=fields[n.name])
        if n.name in fields
        else ClassDoc(n.name, ast.get_docstring(n) or "", attributes=attributes(n, types, helpers))
        for n in nodes
    ]
    return docstring, classes
