"""Keeping a Testing match exact. cdktf's matchers (`Testing.to_have_resource_with_properties` and the like) match a
SUBSET of ANY resource of the type: extra keys of the received body (and of its nested objects) are allowed, lists
must have the same length and order, and a `None` value is dropped on the way to cdktf, so it matches anything (it
cannot say "absent"). Where a test asserts an exact equality, it writes the matcher with the expected values and,
beside it, compares the key structure: `names` (the top-level arguments) or `same_shape` (nested keys). Where two
resources of a type differ only by what a matcher cannot see (an absent provider), `alone` gives the matcher a
document holding the one resource."""

from __future__ import annotations

import json
from typing import Any


def names(body: dict[str, Any], ignore: tuple[str, ...] = ("//", "tags")) -> list[str]:
    """The sorted argument names of a synthesized resource body, without the `//` metadata and (by default) tags."""
    return sorted(k for k in body if k not in ignore)


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


def alone(rtype: str, logical_id: str, body: dict[str, Any]) -> str:
    """A stack document (JSON, as the matchers take it) holding only the `rtype` resource `logical_id`."""
    return json.dumps({"resource": {rtype: {logical_id: body}}})
