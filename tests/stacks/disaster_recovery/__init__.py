"""disaster-recovery tests: helpers shared by the stack and health tests.

The values are asserted with cdktf's Testing matchers, which match a SUBSET of ANY resource of the type. So each
expected body names its own site's resources (a reference, a name), so that it matches that resource alone; beside
a matcher, `arguments` and `same_shape` keep a check that was an exact equality exact (no other argument, no other
nested key). A matcher cannot say "absent": a `None` value is dropped on the way to cdktf and matches anything."""

from __future__ import annotations

import json
from typing import Any

from config import load_environments
from config.workloads.disaster_recovery import DisasterRecoverySettings
from tests.conftest import Synth

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
    """The sorted argument names of the resource at `path` (without the `//` metadata and, by default, the tags):
    equal to the sorted keys of a matcher's expected body, the match is exact at the top level."""
    return sorted(k for k in body(synth, stack, rtype, path) if k not in ignore)


def shape(value: Any) -> Any:
    """The nested key structure of `value`: dicts -> {key: shape}, lists -> [shape, ...], anything else -> None."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return None


def same_shape(received: dict[str, Any], expected: dict[str, Any]) -> bool:
    """Whether `received`'s values under `expected`'s keys have exactly `expected`'s nested keys: with a matcher
    that found `expected`'s values in `received`, those values are then equal, not only a subset."""
    return {k: shape(received.get(k)) for k in expected} == shape(expected)


def alone(synth: Synth, stack: str, rtype: str, path: str) -> str:
    """A stack document holding only the resource at `path`, for a matcher that must look at that resource alone
    (its sibling of the same type differs from it only by the `provider` a matcher cannot ask to be absent)."""
    lid, found = synth.by_path(stack, rtype)[path]
    return json.dumps({"resource": {rtype: {lid: found}}})
