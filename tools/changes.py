"""Which workloads a change touches (the pull-request workflow plans only those).

    git diff --name-only <base>...<head> | python -m tools changes

Every workload when anything shared changes (config/, core/, modules/, lambda_src/, the entry point, the stack
registry, the lock files and pins); only `<workload>` when stacks/<module>.py of that workload changes; nothing
for documentation, tests, policies or tooling. Prints the comma-separated workloads (empty: nothing to plan) and,
under GitHub Actions, writes `workloads=` and `any=` to $GITHUB_OUTPUT. Standard library only: runs before setup.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Iterable

from stacks import WORKLOADS
from tools.progress import say

SHARED_DIRS = ("config/", "core/", "modules/", "lambda_src/")
SHARED_FILES = {"main.py", "cdktf.json", "stacks/__init__.py", "Pipfile", "Pipfile.lock", "package.json",
                "package-lock.json", ".terraform-version"}


def workload_of(path: str) -> str | None:
    """The workload whose stack module is `path` (stacks/<module>.py), if any."""
    for workload, target in WORKLOADS.items():
        if path == target.partition(":")[0].replace(".", "/") + ".py":
            return workload
    return None


def changed_workloads(paths: Iterable[str]) -> list[str]:
    """The workloads to plan for these changed files, in registry order."""
    wanted: set[str] = set()
    for path in (p.strip() for p in paths if p.strip()):
        if path.startswith(SHARED_DIRS) or path in SHARED_FILES:
            say(f"{path}: shared by every stack")
            return list(WORKLOADS)
        found = workload_of(path)
        if found:
            say(f"{path}: {found}")
            wanted.add(found)
    return [w for w in WORKLOADS if w in wanted]


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
