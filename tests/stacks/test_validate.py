"""`terraform validate` (real Terraform, real AWS provider schema) on every synthesized stack, each validated once
per session: dev and prod in their HCL export, the others in their JSON (the `validated` fixture in
tests/conftest.py: tools.terraform.validate_all)."""

from __future__ import annotations

import pytest

from tests.conftest import EPHEMERAL_SUFFIX, Validated, all_stack_names, validated_in_hcl


@pytest.mark.parametrize("stack", all_stack_names())
def test_stack_is_valid_terraform(validated: Validated, stack: str) -> None:
    verdict = validated.verdict(stack)
    assert verdict["valid"] is True, verdict["diagnostics"]
    assert verdict["error_count"] == 0


def test_every_structure_is_validated_in_both_forms(validated: Validated) -> None:
    """A dev or prod stack validated in its HCL export has its JSON form validated in its ephemeral copy."""
    stacks = set(validated.forms)
    in_hcl = {s for s in stacks if validated_in_hcl(s)}
    assert in_hcl and all((validated.forms[s] / "main.tf").is_file() for s in in_hcl)
    assert all((validated.forms[s] / "cdk.tf.json").is_file() for s in stacks - in_hcl)
    twins = {s: f"{s}-{EPHEMERAL_SUFFIX}" if not s.startswith("bootstrap-") else "bootstrap-staging" for s in in_hcl}
    assert {s: t in stacks - in_hcl for s, t in twins.items()} == dict.fromkeys(in_hcl, True)
    assert len(validated.verdicts) == len(stacks)  # one configuration per stack: none validated twice
