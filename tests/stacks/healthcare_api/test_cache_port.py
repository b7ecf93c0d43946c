"""The client group's egress to Redis follows the cache's port (a RedisCache prop), not a literal 6379."""

from __future__ import annotations

import functools
import json

import pytest

from config import load_catalog, load_environments


def test_clients_reach_the_cache_on_the_caches_port(loaded_bindings: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from cdktf import App, Testing  # pylint: disable=import-outside-toplevel

    from stacks.healthcare_api import stack  # pylint: disable=import-outside-toplevel

    del loaded_bindings
    monkeypatch.setattr(stack, "RedisCacheProps", functools.partial(stack.RedisCacheProps, port=6380))
    catalog = load_catalog()
    built = stack.HealthcareApiStack(App(), env=load_environments(catalog=catalog)["dev"], catalog=catalog)
    resources = json.loads(Testing.synth(built))["resource"]
    group = resources["aws_elasticache_replication_group"]
    assert [g["port"] for g in group.values()] == [6380]
    egress = resources["aws_vpc_security_group_egress_rule"]
    to_cache = [rule for rule in egress.values() if rule["description"] == "to the cache"]
    assert [(rule["from_port"], rule["to_port"]) for rule in to_cache] == [(6380, 6380)]
