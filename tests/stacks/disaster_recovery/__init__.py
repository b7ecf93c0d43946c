"""disaster-recovery tests: helpers shared by the stack and health tests (resources found by construct path).

The values are asserted with cdktf's Testing matchers, which match a subset of ANY resource of the type: each
expected body names its own site's resources (a reference, a name), so that it matches that resource alone; how an
exact equality stays exact beside a matcher: tests/matching.py."""

from __future__ import annotations

from typing import Any

from config import load_environments
from config.workloads.disaster_recovery import DisasterRecoverySettings
from tests.conftest import Synth
from tests.matching import alone as exact_alone
from tests.matching import names

RECORDS = load_environments()
DR_PROVIDER = "aws.dr"


def env_of(stack: str) -> str:
    """`disaster-recovery-dev-pr123456` -> `dev`."""
    return stack.removeprefix("disaster-recovery-").split("-")[0]


def settings(stack: str) -> DisasterRecoverySettings:
    """The disaster-recovery settings of the stack's environment record."""
    return RECORDS[env_of(stack)].disaster_recovery


def region(stack: str, label: str) -> str:
    """The region of site `label` (`primary` or `dr`) from the record."""
    return settings(stack).dr_region if label == "dr" else settings(stack).primary_region


def on(provider: str | None) -> dict[str, Any]:
    """The `provider` argument of a resource of the DR site (none for the primary site's)."""
    return {"provider": provider} if provider else {}


def logical(synth: Synth, stack: str, rtype: str, path: str) -> str:
    """The logical id of the `rtype` resource at construct path `path` (below the stack)."""
    return synth.by_path(stack, rtype)[path][0]


def ref(synth: Synth, stack: str, rtype: str, path: str, attribute: str) -> str:
    """`${<rtype>.<logical id>.<attribute>}` of the resource at construct path `path`."""
    return f"${{{rtype}.{logical(synth, stack, rtype, path)}.{attribute}}}"


def body(synth: Synth, stack: str, rtype: str, path: str) -> dict[str, Any]:
    """The synthesized body of the `rtype` resource at construct path `path`."""
    return synth.by_path(stack, rtype)[path][1]


def arguments(synth: Synth, stack: str, rtype: str, path: str, ignore: tuple[str, ...] = ("//", "tags")) -> list[str]:
    """The sorted argument names of the resource at `path` (tests/matching.py `names`)."""
    return names(body(synth, stack, rtype, path), ignore)


def alone(synth: Synth, stack: str, rtype: str, path: str) -> str:
    """A stack document holding only the resource at `path` (tests/matching.py `alone`)."""
    return exact_alone(rtype, *synth.by_path(stack, rtype)[path])
