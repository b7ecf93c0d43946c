"""`terraform validate` (real Terraform, real AWS provider schema) on every synthesized stack, each validated once
per session with the HCL exports (the `validated` fixture: tools.terraform.validate_all)."""

from __future__ import annotations

import pytest

from tests.conftest import Synth, Validated, all_stack_names


@pytest.mark.parametrize("stack", all_stack_names())
def test_stack_is_valid_terraform(synth: Synth, validated: Validated, stack: str) -> None:
    verdict = validated.verdicts[synth.outdir / "stacks" / stack]
    assert verdict["valid"] is True, verdict["diagnostics"]
    assert verdict["error_count"] == 0
