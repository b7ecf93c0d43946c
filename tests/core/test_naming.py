"""Physical names: one helper, the suffix everywhere, one shortening rule for names over a service limit."""

from __future__ import annotations

import pytest

from core.naming import Namer, fit, initials, state_bucket_name

DEV = Namer("event-processing", "dev", "111111111111")
COPY = Namer("event-processing", "dev", "111111111111", "pr42")
FRAUD = Namer("fraud-detection", "staging", "222222222222", "pr123456")


def test_names_carry_workload_component_environment_and_suffix() -> None:
    assert DEV.name("queue") == "event-processing-queue-dev"
    assert COPY.name("queue") == "event-processing-queue-dev-pr42"
    assert COPY.bucket("data") == "event-processing-data-dev-pr42-111111111111"
    assert COPY.stack_name == "event-processing-dev-pr42"
    assert COPY.state_key == "event-processing/dev-pr42/terraform.tfstate"
    assert DEV.state_key == "event-processing/dev/terraform.tfstate"


def test_a_name_that_fits_exactly_is_kept() -> None:
    assert (
        Namer("fraud-detection", "dev", "1", "pr123456").name("alb", max_length=32)
        == "fraud-detection-alb-dev-pr123456"
    )  # 32 characters


def test_too_long_names_are_shortened_keeping_environment_and_suffix() -> None:
    # fraud-detection-scoring-staging-pr123456 is 40 characters; a target group takes 32.
    assert FRAUD.name("scoring", max_length=32) == "fd-scoring-b965-staging-pr123456"
    assert FRAUD.name("alb", max_length=32) == "fd-alb-83dd-staging-pr123456"
    # event-processing-load-balancer-dev-pr42 is 39: the initials leave room for the whole component.
    assert COPY.name("load-balancer", max_length=32) == "ep-load-balancer-054e-dev-pr42"


def test_the_short_form_cuts_the_component_to_the_room_left() -> None:
    name = FRAUD.name("a-very-long-component-name", max_length=32)
    assert name == "fd-a-very-88b8-staging-pr123456"
    assert len(name) == 31  # the cut ended on '-', which is dropped


def test_shortened_names_are_deterministic_and_distinct() -> None:
    names = {FRAUD.name(c, max_length=32) for c in ("scoring-api", "scoring-apj", "scoring-apk")}
    assert len(names) == 3
    assert FRAUD.name("scoring-api", max_length=32) == FRAUD.name("scoring-api", max_length=32)


def test_buckets_keep_the_account_id_whole() -> None:
    long = Namer("disaster-recovery", "staging", "222222222222", "pr123456")
    assert long.bucket("data-primary") == "disaster-recovery-data-primary-staging-pr123456-222222222222"  # 60
    assert long.bucket("replicated-data-primary") == "dr-replicated-data-primary-eb11-staging-pr123456-222222222222"


def test_no_room_even_for_the_short_form_fails_with_the_limit() -> None:
    with pytest.raises(ValueError) as caught:
        fit("fraud-detection", "scoring", "staging-pr123456", 22)
    assert str(caught.value) == (
        "name 'fraud-detection-scoring-staging-pr123456' is 40 characters; the limit here is 22 and even its short "
        "form '<initials>-<hash>-staging-pr123456' does not fit: use a shorter environment name or suffix"
    )


def test_initials() -> None:
    assert [initials(w) for w in ("fraud-detection", "flask-api", "bootstrap")] == ["fd", "fa", "b"]


@pytest.mark.parametrize("component", ["Queue", "queue_1", "q--x", "-q"])
def test_invalid_characters_fail(component: str) -> None:
    with pytest.raises(ValueError, match="may hold only lowercase letters, digits and single '-' between them"):
        DEV.name(component)


def test_state_bucket_name() -> None:
    assert state_bucket_name("prod", "333333333333", "eu-west-1") == "tfstate-prod-333333333333-eu-west-1"
    with pytest.raises(ValueError, match="is 64 characters; S3 allows 63"):
        state_bucket_name("a" * 33, "333333333333", "eu-west-1")
