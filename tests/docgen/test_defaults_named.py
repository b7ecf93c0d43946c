"""Every hard-coded value a module sets appears in its docstring's "Defaults:" list (rendered into docs/modules/).

What counts as a hard-coded value (read with `ast`, nothing is imported):
- where: a keyword argument of a constructor call of what is synthesized (a CapWords name imported from cdktf, a
  cdktf provider, constructs or modules/, or a class of the module itself: a provider resource or struct such as
  `RdsCluster(...)`, `LbTargetGroupHealthCheck(...)`, a project props or spec class such as `SecureBucketProps(...)`,
  `MetricAlarm(...)`), and the value of `add_override(path, value)` (it writes straight into the synthesized JSON).
  Prose keywords (`description`, `*_description`) are not settings and are skipped.
- which values: a literal number (int or float, not bool) or a literal string containing a digit (windows such as
  "sun:05:00-sun:06:00", "rate(1 minute)", ports as strings, TLS policy names, versions). The value may be written
  in place, inside a list, tuple, set or dict display (dict values; keys are names), in either branch of
  `a if c else b`, or through a name bound once to one of those (a module-level constant such as
  `PERIOD_SECONDS = 60`, a variable of the enclosing function, the variable of a `for` loop over such a display)
  and a constant subscript of such a dict (`HEALTH["status_code"]`).
- what is not: anything from props (an attribute, a call, an f-string, arithmetic, a comprehension variable); an
  IAM policy statement (a dict display with an "Effect" key) and any document built by a call (`json.dumps(...)`,
  `policy_json(...)`); calls of other classes (`zipfile.ZipInfo(...)`); positional arguments; dataclass field
  defaults (docgen renders those in the page's Inputs table). Bools and digit-free strings are out of scope: a
  switch ("IAM database authentication on", "private") and an enum-like choice ("tcp", "HTTPS", "forward", "Sum")
  name what is built and are described in words no text match can pair with the keyword; the check is about the
  numbers and numbered strings that tune it (timings, windows, ports, thresholds, sizes, versions).

A value is named when its text appears in the Defaults section as a whole token (not inside a longer number or
word): a number as Python prints it, as written in the source (`31_536_000`) or with thousands commas; a string
verbatim. One mention names the value for every use in that module. `ALLOWED` lists the exceptions, each with its
reason.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from docgen.modules import module_files
from docgen.source import defaults_list

MODULES_DIR = Path(__file__).resolve().parents[2] / "modules"

#: (module file, value as written in the source) -> why it needs no mention in that module's Defaults list
ALLOWED: dict[tuple[str, str], str] = {}

PROSE = re.compile(r"(^|_)description$")


@dataclass(frozen=True)
class Literal:
    """One hard-coded value set on a resource: where, on what, and its text in the source."""

    line: int
    target: str
    value: int | float | str
    text: str


def _is_value(node: ast.AST) -> bool:
    """A literal number (not bool) or a literal string with a digit."""
    if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
        return False
    return isinstance(node.value, (int, float)) or (
        isinstance(node.value, str) and any(c.isdigit() for c in node.value)
    )


def _bindings(body: list[ast.stmt]) -> dict[str, ast.expr | None]:
    """Every name these statements bind (not inside nested functions or classes): what a name bound once binds
    (the value of a plain assignment, the iterable of a `for` loop), None for any other name (bound more than
    once, or by tuple unpacking, a comprehension, `with`, `:=`, `+=`)."""
    values: dict[str, list[ast.expr | None]] = {}
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            values.setdefault(node.targets[0].id, []).append(node.value)
            stack.append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            values.setdefault(node.target.id, []).append(node.value)
            stack.extend([node.value] if node.value is not None else [])
        elif isinstance(node, ast.For) and isinstance(node.target, ast.Name):
            values.setdefault(node.target.id, []).append(node.iter)  # each element of a literal display
            stack.extend([node.iter, *node.body, *node.orelse])
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            values.setdefault(node.id, []).extend((None, None))  # any other binding: never resolved
        else:
            stack.extend(ast.iter_child_nodes(node))
    return {name: found[0] if len(found) == 1 else None for name, found in values.items()}


def _builders(tree: ast.Module) -> set[str]:
    """Names whose CapWords calls build what is synthesized: imported from cdktf, a cdktf provider, constructs or
    this project's modules package, or a class of the module itself."""
    packages = ("cdktf", "constructs", "modules")
    names = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and (stmt.module or "").split(".")[0].startswith(packages):
            names |= {alias.asname or alias.name for alias in stmt.names}
        elif isinstance(stmt, ast.Import):
            names |= {a.asname or a.name for a in stmt.names if a.name.split(".")[0].startswith(packages)}
    return names


def _is_statement(node: ast.Dict) -> bool:
    """An IAM policy statement (a dict display with an "Effect" key): a document, like `policy_json(...)`."""
    return any(isinstance(key, ast.Constant) and key.value == "Effect" for key in node.keys)


class _Finder(ast.NodeVisitor):
    """Collects the literals set on resources, resolving names through the enclosing function and the module."""

    def __init__(self, source: str, tree: ast.Module) -> None:
        self.source = source
        self.builders = _builders(tree)
        self.scopes: list[dict[str, ast.expr | None]] = [_bindings(tree.body)]
        self.found: list[Literal] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:  # pylint: disable=invalid-name
        params = {a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)}
        params |= {a.arg for a in (node.args.vararg, node.args.kwarg) if a is not None}
        self.scopes.append({**_bindings(node.body), **dict.fromkeys(params)})  # a parameter is never a literal
        self.generic_visit(node)
        self.scopes.pop()

    def visit_Call(self, node: ast.Call) -> None:  # pylint: disable=invalid-name
        callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        root = node.func
        while isinstance(root, ast.Attribute):
            root = root.value
        if callee[:1].isupper() and isinstance(root, ast.Name) and root.id in self.builders:
            for keyword in node.keywords:
                if keyword.arg is not None and not PROSE.search(keyword.arg):
                    self._collect(f"{callee}({keyword.arg}=)", keyword.value)
        elif callee == "add_override" and len(node.args) == 2:
            self._collect("add_override(...)", node.args[1])
        self.generic_visit(node)

    def _lookup(self, name: str) -> ast.expr | None:
        """What `name` is bound to in the innermost scope binding it (None: not a single plain assignment)."""
        scope = next((s for s in reversed(self.scopes) if name in s), {})
        return scope.get(name)

    def _collect(self, target: str, node: ast.expr) -> None:
        for leaf in self._leaves(node, depth=0):
            assert isinstance(leaf, ast.Constant) and isinstance(leaf.value, (int, float, str))
            text = leaf.value if isinstance(leaf.value, str) else ast.get_source_segment(self.source, leaf)
            self.found.append(Literal(node.lineno, target, leaf.value, text or repr(leaf.value)))

    def _leaves(self, node: ast.expr, depth: int) -> Iterator[ast.expr]:
        if depth > 10:
            return
        if _is_value(node):
            yield node
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            for element in node.elts:
                yield from self._leaves(element, depth + 1)
        elif isinstance(node, ast.Dict) and not _is_statement(node):
            for value in node.values:
                yield from self._leaves(value, depth + 1)
        elif isinstance(node, ast.IfExp):
            yield from self._leaves(node.body, depth + 1)
            yield from self._leaves(node.orelse, depth + 1)
        elif isinstance(node, ast.Name) and (bound := self._lookup(node.id)) is not None:
            yield from self._leaves(bound, depth + 1)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            mapping = self._lookup(node.value.id)
            if isinstance(mapping, ast.Dict) and isinstance(node.slice, ast.Constant):
                for key, value in zip(mapping.keys, mapping.values):
                    if isinstance(key, ast.Constant) and key.value == node.slice.value:
                        yield from self._leaves(value, depth + 1)


def literals(path: Path) -> list[Literal]:
    """The hard-coded values the module at `path` sets on resources, in source order."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    finder = _Finder(source, tree)
    finder.visit(tree)
    return sorted(dict.fromkeys(finder.found), key=lambda found: found.line)


def spellings(literal: Literal) -> set[str]:
    """The texts that name `literal` in a Defaults list."""
    if isinstance(literal.value, str):
        return {literal.value}
    return {repr(literal.value), literal.text, f"{literal.value:,}"}


def named(literal: Literal, defaults: str) -> bool:
    """`literal` appears in `defaults` as a whole token (not inside a longer number or word)."""
    return any(re.search(rf"(?<![\w.]){re.escape(text)}(?!\w|\.\d)", defaults) for text in spellings(literal))


def unnamed(modules_dir: Path) -> list[str]:
    """`<file>:<line> <Callee>(<keyword>=) <value>` for every literal its module's Defaults list does not name."""
    problems = []
    for path in module_files(modules_dir):
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        defaults = " ".join(defaults_list(docstring))
        problems += [
            f"{path.name}:{found.line} {found.target} {found.text}"
            for found in literals(path)
            if not named(found, defaults) and (path.name, found.text) not in ALLOWED
        ]
    return problems


def test_every_hard_coded_value_of_every_module_is_in_its_defaults_list() -> None:
    problems = unnamed(MODULES_DIR)
    assert not problems, "name each value in the module docstring's Defaults list:\n" + "\n".join(problems)


def without_defaults(modules_dir: Path) -> list[str]:
    """The module files whose docstring has no "Defaults:" list (docgen would render none)."""
    return [
        path.name
        for path in module_files(modules_dir)
        if not defaults_list(ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "")
    ]


def test_every_module_has_a_defaults_list() -> None:
    assert not without_defaults(MODULES_DIR), "start a line with `Defaults:` followed by `- ` bullets in: " + ", ".join(
        without_defaults(MODULES_DIR)
    )


def test_every_allowance_is_still_needed() -> None:
    texts = {(path.name, found.text) for path in module_files(MODULES_DIR) for found in literals(path)}
    assert not set(ALLOWED) - texts, f"drop the allowances no module needs: {sorted(set(ALLOWED) - texts)}"


THING = '''\
"""A thing.

Defaults:
- health check every {interval} s; maintenance window {window} UTC; ports {ports}
"""

from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroupHealthCheck
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster
from cdktf_cdktf_provider_aws.security_group import SecurityGroupIngress

PERIOD = 30


def build(scope, props, port=8080):
    window = "sun:05:00-sun:06:00"
    RdsCluster(
        scope,
        "Cluster",
        preferred_maintenance_window=window,
        port=port,
        backup_retention_period=props.backup_days,
        description="built in 2 steps",
        storage_encrypted=True,
        engine="aurora-postgresql",
    )
    for listener in (80, 443) if props.redirect else (443,):
        SecurityGroupIngress(from_port=listener, to_port=listener)
    return LbTargetGroupHealthCheck(interval=PERIOD, matcher=props.matcher if props.strict else "200-399")
'''


def test_an_unnamed_default_is_reported(tmp_path: Path) -> None:
    (tmp_path / "thing.py").write_text(
        THING.format(interval=300, window="sun:05:00-sun:06:00", ports="8080 and 4430"), encoding="utf-8"
    )
    assert unnamed(tmp_path) == [
        "thing.py:27 SecurityGroupIngress(from_port=) 80",
        "thing.py:27 SecurityGroupIngress(from_port=) 443",
        "thing.py:27 SecurityGroupIngress(to_port=) 80",
        "thing.py:27 SecurityGroupIngress(to_port=) 443",
        "thing.py:28 LbTargetGroupHealthCheck(interval=) 30",
        "thing.py:28 LbTargetGroupHealthCheck(matcher=) 200-399",
    ]


def test_named_defaults_are_not_reported(tmp_path: Path) -> None:
    (tmp_path / "thing.py").write_text(
        THING.format(interval="30 (matcher 200-399)", window="`sun:05:00-sun:06:00`", ports="80 and 443"),
        encoding="utf-8",
    )
    assert not unnamed(tmp_path)


def test_a_value_is_named_only_as_a_whole_token() -> None:
    sixty = Literal(1, "X(period=)", 60, "60")
    assert named(sixty, "every 60 s") and named(sixty, "(60).")
    assert (
        not named(sixty, "600 s") and not named(sixty, "1.60") and not named(sixty, "60.5") and not named(sixty, "x60")
    )
    year = Literal(1, "X(max_age=)", 31_536_000, "31_536_000")
    assert named(year, "31536000") and named(year, "31_536_000") and named(year, "31,536,000")


NOT_SETTINGS = '''\
"""A thing that sets nothing the check counts.

Defaults:
- none
"""

import zipfile

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.security_group import SecurityGroupIngress

port = 443  # shadowed by build's parameter
cidr = "10.0.0.0/8"  # shadowed by build's loop variable (over props)


def build(scope, props, port=8080):
    zipfile.ZipInfo("a", date_time=(1980, 1, 1, 0, 0, 0))
    IamRole(scope, "Role", inline_policy=[{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}])
    for cidr in props.cidrs:
        SecurityGroupIngress(from_port=port, to_port=props.port + 1, cidr_blocks=[cidr], description="port 443")
    return [SecurityGroupIngress(from_port=p) for p in (80, 443)]
'''


def test_props_loops_documents_and_other_calls_are_not_counted(tmp_path: Path) -> None:
    (tmp_path / "thing.py").write_text(NOT_SETTINGS, encoding="utf-8")
    assert not unnamed(tmp_path)


def test_a_module_without_a_defaults_list_is_reported(tmp_path: Path) -> None:
    (tmp_path / "thing.py").write_text(THING.replace("Defaults:", "Defaults (all):"), encoding="utf-8")
    (tmp_path / "other.py").write_text(NOT_SETTINGS, encoding="utf-8")
    assert without_defaults(tmp_path) == ["thing.py"]
