"""The disaster-recovery health handler against moto in-process: healthy, degraded and unknown paths."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest

from lambda_src.dr_health import handler as health

REGION = "us-west-2"


@pytest.fixture
def site(aws: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    """The secondary site's settings, its table's region in moto in-process (tests/conftest.py `aws`)."""
    for key, value in {"SITE_REGION": REGION, "SITE_ROLE": "SECONDARY", "TABLE_NAME": "sessions"}.items():
        monkeypatch.setenv(key, value)
    return aws("dynamodb", REGION)


def test_healthy_while_the_table_replica_is_active(site: Any) -> None:
    site.create_table(
        TableName="sessions",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    answer = health.handler({"path": "/health"}, None)
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"]) == {"status": "ok", "region": REGION, "role": "SECONDARY", "table": "ACTIVE"}


def test_degraded_when_the_table_cannot_be_read(site: Any) -> None:
    assert site.list_tables()["TableNames"] == []  # the site's table is missing: describe_table fails
    answer = health.handler({"path": "/health"}, None)
    assert answer["statusCode"] == 503
    assert json.loads(answer["body"]) == {
        "status": "degraded",
        "region": REGION,
        "role": "SECONDARY",
        "table": "UNREACHABLE",
    }


@pytest.mark.usefixtures("site")
def test_other_paths_are_not_found() -> None:
    answer = health.handler({"path": "/admin"}, None)
    assert (answer["statusCode"], json.loads(answer["body"])) == (404, {"message": "not found"})


SCHEDULED = {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}  # EventBridge, no path


def test_scheduled_check_returns_while_the_table_replica_is_active(site: Any) -> None:
    site.create_table(
        TableName="sessions",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert health.handler(SCHEDULED, None) == {
        "status": "ok",
        "region": REGION,
        "role": "SECONDARY",
        "table": "ACTIVE",
    }


def test_scheduled_check_raises_when_the_table_cannot_be_read(site: Any) -> None:
    """The failed invocation is what the Errors alarm (and so the Route 53 health check) sees."""
    assert site.list_tables()["TableNames"] == []
    with pytest.raises(health.SiteUnhealthy) as raised:
        health.handler(SCHEDULED, None)
    assert json.loads(str(raised.value)) == {
        "status": "degraded",
        "region": REGION,
        "role": "SECONDARY",
        "table": "UNREACHABLE",
    }
