"""No unauthenticated API method on any public edge, in every synthesized stack (issue 18): CKV_AWS_59 is fixed,
never suppressed."""

from __future__ import annotations

import pytest

from tests.conftest import Synth, all_stack_names

STACKS = all_stack_names()


@pytest.mark.parametrize("stack", STACKS)
def test_every_api_method_is_authorized(synth: Synth, stack: str) -> None:
    methods = synth.resources(stack, "aws_api_gateway_method")
    assert {k: m["authorization"] for k, m in methods.items() if m["authorization"] == "NONE"} == {}


@pytest.mark.parametrize("stack", STACKS)
def test_no_stack_suppresses_the_unauthenticated_method_check(synth: Synth, stack: str) -> None:
    suppressed = [
        f"{rtype}.{name}"
        for rtype, items in synth.json(stack).get("resource", {}).items()
        for name, body in items.items()
        for entry in body.get("//", {}).get("suppressions", [])
        if entry["id"] == "CKV_AWS_59"
    ]
    assert not suppressed
