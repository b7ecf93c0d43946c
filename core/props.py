"""Props validation shared by every module: collect every problem, then fail once with all of them."""

from __future__ import annotations

import json
from typing import Any, Iterable


class PropsError(ValueError):
    """A construct was given props it cannot build; the message lists every problem and its fix."""


def raise_problems(construct: str, problems: Iterable[str | None]) -> None:
    """Raise PropsError naming `construct` when any problem is not None."""
    found = [p for p in problems if p]
    if found:
        lines = "\n".join(f"  - {p}" for p in found)
        raise PropsError(f"{construct}: {len(found)} invalid prop(s):\n{lines}")


def prop_problem(prop: str, problem: str | None) -> str | None:
    """A rule's message (config/limits.py: the loader reports the same one with its key path) about prop `prop`."""
    return f"{prop}: {problem}" if problem else None


def policy_json(*statements: dict[str, Any]) -> str:
    """An IAM policy document; token strings inside it are resolved by cdktf at synth."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, sort_keys=True)
