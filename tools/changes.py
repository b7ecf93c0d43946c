"""Which workloads a change touches (the pull-request workflow plans only those).

    git diff --name-only <base>...<head> | python -m tools changes

Rules, per changed path (first match wins):
- shared (every workload): config/, core/, modules/, policies/, emulator/, docgen/, tools/, main.py, cdktf.json,
  stacks/__init__.py (the registry), lambda_src/ files outside a handler folder, the lock files and pins (Pipfile,
  Pipfile.lock, package.json, package-lock.json, .terraform-version), the Makefile and the pull-request workflow
  itself;
- stacks/...: the workloads whose stack code includes the file. A workload's stack code is its package
  stacks/<workload>/ (every file in it, imported or not; the registry names a module inside it), plus whatever
  other stacks code it imports, transitively (read with `ast`, nothing is imported; an imported module of another
  package brings that whole package, a flat stacks/<module>.py only itself). A stacks file no workload includes (a
  new helper not imported yet, a deleted file) maps to EVERY workload, never to nothing;
- lambda_src/<handler>/...: the workloads whose stack code names that folder (e.g. `... / "lambda_src" /
  "dr_health"`); a handler folder no stack names maps to every workload;
- anything else (docs, tests, README, scripts): nothing.
Prints the comma-separated workloads (empty: nothing to plan) and, under GitHub Actions, writes `workloads=` and
`any=` to $GITHUB_OUTPUT. Standard library only: the workflow runs it before `make setup`. Exit 0.
"""

from __future__ import annotations

import ast
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from stacks import WORKLOADS
from tools.progress import say

ROOT = Path(__file__).resolve().parent.parent
SHARED_DIRS = ("config/", "core/", "modules/", "policies/", "emulator/", "docgen/", "tools/")
SHARED_FILES = {
    "main.py",
    "cdktf.json",
    "stacks/__init__.py",
    "Pipfile",
    "Pipfile.lock",
    "package.json",
    "package-lock.json",
    ".terraform-version",
    "Makefile",
    ".github/workflows/pr.yml",
}


def _module_file(root: Path, module: str) -> Path | None:
    """The file of a first-party module `stacks.x.y` (a module file or a package's __init__.py), if it exists."""
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _package_files(root: Path, path: Path) -> set[Path]:
    """Every file of the stacks package `path` belongs to (stacks/<package>/...), or just `path` for a flat module
    stacks/<module>.py."""
    top = root / "stacks" / path.relative_to(root / "stacks").parts[0]
    if not top.is_dir():
        return {path}
    return {p for p in top.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def _parse(path: Path) -> ast.AST:
    """The file's syntax tree; an empty module when it does not parse (its imports are then unknown, so the files
    it would include count as included by nobody: they plan every workload)."""
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as exc:
        say(f"{path}: does not parse ({exc.msg}, line {exc.lineno}); its imports are unknown")
        return ast.Module(body=[], type_ignores=[])


def _imports(root: Path, path: Path) -> set[str]:
    """The stacks.* modules `path` imports (absolute or relative imports; `from pkg import sub` included)."""
    package = list(path.relative_to(root).parts[:-1])  # stacks/a/b.py and stacks/a/__init__.py: stacks.a
    found: set[str] = set()
    for node in ast.walk(_parse(path)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {m for m in found if m.split(".")[0] == "stacks" and m != "stacks"}


def _strings(path: Path) -> set[str]:
    """Every string constant in a Python file."""
    return {n.value for n in ast.walk(_parse(path)) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


@dataclass(frozen=True)
class Ownership:
    """Which repository files belong to which workload's stack code."""

    files: Mapping[str, frozenset[str]]  # workload -> repository-relative paths of its stack code (stacks/...)
    handlers: Mapping[str, frozenset[str]]  # workload -> lambda_src/<handler> folders its stack code names


def ownership(root: Path = ROOT, workloads: Mapping[str, str] | None = None) -> Ownership:
    """Walk each workload's stack code from its registry module through its stacks imports (default: the registry
    in stacks/__init__.py)."""
    workloads = WORKLOADS if workloads is None else workloads
    handler_dirs = (
        sorted(p.name for p in (root / "lambda_src").iterdir() if p.is_dir() and p.name[0] not in "._")
        if (root / "lambda_src").is_dir()
        else []
    )
    files: dict[str, frozenset[str]] = {}
    handlers: dict[str, frozenset[str]] = {}
    owned: set[Path]
    for workload, target in workloads.items():
        pending, owned = [target.partition(":")[0]], set()
        while pending:
            path = _module_file(root, pending.pop())
            if path is None or path in owned:
                continue
            members = _package_files(root, path)
            owned.update(members)
            for member in (m for m in members if m.suffix == ".py"):
                pending.extend(_imports(root, member))
        texts: set[str] = set()
        for path in (p for p in owned if p.suffix == ".py"):
            texts |= _strings(path)
        files[workload] = frozenset(p.relative_to(root).as_posix() for p in owned)
        handlers[workload] = frozenset(
            f"lambda_src/{h}" for h in handler_dirs if h in texts or any(f"lambda_src/{h}" in t for t in texts)
        )
    return Ownership(files, handlers)


def workloads_of(path: str, owners: Ownership, order: Iterable[str]) -> list[str]:
    """The workloads one changed path touches, in registry order (see the module docstring for the rules)."""
    everything = list(order)
    parts = path.split("/")
    if path.startswith(SHARED_DIRS) or path in SHARED_FILES or (parts[0] == "lambda_src" and len(parts) < 3):
        say(f"{path}: shared by every stack")
        return everything
    if parts[0] == "stacks":
        found, nobody = [w for w in everything if path in owners.files.get(w, ())], "stack code no workload includes"
    elif parts[0] == "lambda_src":
        found, nobody = (
            [w for w in everything if "/".join(parts[:2]) in owners.handlers.get(w, ())],
            "Lambda source no stack names",
        )
    else:
        return []
    if not found:
        say(f"{path}: {nobody} (new, unused or deleted): planning every workload")
        return everything
    say(f"{path}: {', '.join(found)}")
    return found


def changed_workloads(paths: Iterable[str], root: Path = ROOT, workloads: Mapping[str, str] | None = None) -> list[str]:
    """The workloads to plan for these changed files, in registry order."""
    workloads = WORKLOADS if workloads is None else workloads
    owners, wanted = ownership(root, workloads), set()
    for path in (p.strip() for p in paths if p.strip()):
        wanted.update(workloads_of(path, owners, workloads))
    return [w for w in workloads if w in wanted]


def command(args: Any) -> int:
    """`python -m tools changes`: changed file names on stdin, the workloads on stdout (and $GITHUB_OUTPUT)."""
    del args
    workloads = ",".join(changed_workloads(sys.stdin))
    print(workloads)
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with Path(output).open("a", encoding="utf-8") as out:
            out.write(f"workloads={workloads}\nany={'true' if workloads else 'false'}\n")
    return 0
