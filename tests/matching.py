"""Helpers for the unit tests' cdktf `Testing` matchers, one definition each.

The matchers (`Testing.to_have_resource_with_properties` and the like) match a SUBSET of ANY resource of the type:
extra keys of the received body (and of its nested objects) are allowed, lists must have the same length and order,
and a `None` value is dropped on the way to cdktf, so it matches anything (it cannot say "absent": check absence by
hand). Where a test asserts an exact equality, it writes the matcher with the expected values and, beside it,
`exactly` (those keys equal, nested blocks included) or `names` (the top-level arguments). Where two resources of a
type differ only by what a matcher cannot see (an absent provider), `alone` gives the matcher a document holding the
one resource. `policy_document` is a policy's JSON text as the stacks write it, so a matcher compares it whole;
`ref` is the `${type.id.attribute}` reference to the one resource of a type whose logical id contains a part."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.conftest import Synth


def names(body: dict[str, Any], ignore: tuple[str, ...] = ("//", "tags")) -> list[str]:
    """The sorted argument names of a synthesized resource body, without the `//` metadata and (by default) tags."""
    return sorted(k for k in body if k not in ignore)


def exactly(found: dict[str, Any], props: dict[str, Any]) -> bool:
    """These keys of the resource `found` equal `props` exactly (the matchers match nested blocks as subsets)."""
    return {key: found.get(key) for key in props} == props


def policy_document(*statements: dict[str, Any]) -> str:
    """A policy document's JSON text as the stacks synthesize it (core.props.policy_json: keys sorted): a matcher
    compares the text whole, so the document is asserted exactly, statements in order."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, sort_keys=True)


def ref(synth: Synth, stack: str, rtype: str, attribute: str, part: str = "") -> str:
    """`${<rtype>.<logical id>.<attribute>}` of the single `rtype` resource of `stack` whose logical id contains
    `part`."""
    (logical,) = [k for k in synth.resources(stack, rtype) if part in k]
    return f"${{{rtype}.{logical}.{attribute}}}"


def alone(rtype: str, logical_id: str, body: dict[str, Any]) -> str:
    """A stack document (JSON, as the matchers take it) holding only the `rtype` resource `logical_id`."""
    return json.dumps({"resource": {rtype: {logical_id: body}}})
