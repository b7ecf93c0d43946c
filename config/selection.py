"""Which workloads and environments to synthesize, and the optional suffix of an ephemeral copy.

Read from the command line or from the environment variables WORKLOADS, ENVIRONMENTS (comma-separated, default:
all) and ENVIRONMENT_SUFFIX (e.g. `pr42`), so `cdktf synth` (which passes no arguments) can be steered too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from config.errors import ConfigError

SUFFIX_PATTERN = re.compile(r"[a-z][a-z0-9]{0,7}")


@dataclass(frozen=True)
class Selection:
    """Workloads x environments to build; `suffix` marks an ephemeral copy (e.g. a pull request's)."""

    workloads: tuple[str, ...]
    environments: tuple[str, ...]
    suffix: str | None = None


def _split(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def suffix_problem(suffix: str) -> str | None:
    """Why `suffix` cannot be used in physical names, or None."""
    if SUFFIX_PATTERN.fullmatch(suffix):
        return None
    return (
        f"ENVIRONMENT_SUFFIX {suffix!r} is invalid: use 1-8 lowercase letters and digits starting with a "
        "letter (e.g. 'pr42'); it becomes part of every resource name and state key"
    )


def parse_selection(
    *,
    workloads: str | None,
    environments: str | None,
    suffix: str | None,
    known_workloads: Iterable[str],
    known_environments: Iterable[str],
) -> Selection:
    """Validate a selection against what exists; raises ConfigError listing every problem."""
    known_w, known_e = list(known_workloads), list(known_environments)
    chosen_w, chosen_e = _split(workloads) or known_w, _split(environments) or known_e
    problems = [f"unknown workload {w!r}; choose from: {', '.join(known_w)}" for w in chosen_w if w not in known_w]
    problems += [
        f"unknown environment {e!r}; choose from: {', '.join(known_e)} (or add it to config/environments.toml)"
        for e in chosen_e
        if e not in known_e
    ]
    suffix = (suffix or "").strip() or None
    if suffix is not None and (found := suffix_problem(suffix)):
        problems.append(found)
    if problems:
        raise ConfigError(problems)
    return Selection(tuple(dict.fromkeys(chosen_w)), tuple(dict.fromkeys(chosen_e)), suffix)


def selection_from_env(
    env: Mapping[str, str], *, known_workloads: Iterable[str], known_environments: Iterable[str]
) -> Selection:
    """The selection named by WORKLOADS / ENVIRONMENTS / ENVIRONMENT_SUFFIX in `env`."""
    return parse_selection(
        workloads=env.get("WORKLOADS"),
        environments=env.get("ENVIRONMENTS"),
        suffix=env.get("ENVIRONMENT_SUFFIX"),
        known_workloads=known_workloads,
        known_environments=known_environments,
    )
