"""Physical names: one helper, the suffix everywhere, limits checked at synth."""
from __future__ import annotations

import pytest

from core.naming import Namer, state_bucket_name

DEV = Namer("event-processing", "dev", "111111111111")
COPY = Namer("event-processing", "dev", "111111111111", "pr42")


def test_names_carry_workload_component_environment_and_suffix() -> None:
    assert DEV.name("queue") == "event-processing-queue-dev"
    assert COPY.name("queue") == "event-processing-queue-dev-pr42"
    assert COPY.bucket("data") == "event-processing-data-dev-pr42-111111111111"
    assert COPY.stack_name == "event-processing-dev-pr42"
    assert COPY.state_key == "event-processing/dev-pr42/terraform.tfstate"
    assert DEV.state_key == "event-processing/dev/terraform.tfstate"


def test_too_long_names_fail_with_the_limit() -> None:
    with pytest.raises(ValueError) as caught:
        COPY.name("load-balancer", max_length=32)
    assert str(caught.value) == ("name 'event-processing-load-balancer-dev-pr42' is 39 characters; the limit here is "
                                 "32: use a shorter component name or environment suffix")


def test_invalid_characters_fail() -> None:
    with pytest.raises(ValueError, match="may hold only lowercase letters, digits and '-'"):
        DEV.name("Queue")


def test_state_bucket_name() -> None:
    assert state_bucket_name("prod", "333333333333", "eu-west-1") == "tfstate-prod-333333333333-eu-west-1"
