"""`terraform validate` (real Terraform, real AWS provider schema) on every synthesized stack."""
from __future__ import annotations

import pytest

from tests.conftest import Synth, all_stack_names
from tools import terraform


@pytest.mark.parametrize("stack", all_stack_names())
def test_stack_is_valid_terraform(synth: Synth, stack: str) -> None:
    verdict = terraform.validate(synth.outdir / "stacks" / stack)
    assert verdict["valid"] is True, verdict["diagnostics"]
    assert verdict["error_count"] == 0
