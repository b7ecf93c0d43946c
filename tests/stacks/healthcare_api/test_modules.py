"""The modules the healthcare-api stack composes: every props validation message, and the records' region check."""

from __future__ import annotations

import pytest

from config import ConfigError, load_catalog, load_environments
from config.loader import ENVIRONMENTS_FILE
from core.props import PropsError
from tests.conftest import props_error


@pytest.mark.usefixtures("loaded_bindings")
def test_postgres_instance_rejects_catalog_violations() -> None:
    from modules.postgres_instance import (  # pylint: disable=import-outside-toplevel
        PostgresInstance,
        PostgresInstanceProps,
    )

    props = PostgresInstanceProps(
        name="db",
        catalog=load_catalog(),
        engine_version="15.3",
        master_username="postgres",
        database_name="d",
        vpc_id="v",
        subnet_ids=["a"],
        kms_key_arn="k",
        instance_class="db.t4g.micro",
        allocated_storage_gb=10,
        multi_az=False,
        backup_retention_days=0,
        deletion_protection=False,
        skip_final_snapshot=True,
        log_retention_days=7,
    )
    message = props_error(PostgresInstance, "Db", props)
    assert message.startswith("PostgresInstance Db: 5 invalid prop(s):\n")
    assert "engine version '15.3' does not exist for postgres; choose one of: 14.15," in message
    assert "master username 'postgres' is reserved by postgres" in message
    lines = message.splitlines()
    assert "  - allocated_storage_gb: 10: gp3 storage (GiB) takes 20 to 65536" in lines
    assert "  - backup_retention_days: 0 days: RDS keeps automated backups for 1 to 35 days" in lines
    assert "  - a DB subnet group needs subnets in at least two zones" in lines


@pytest.mark.usefixtures("loaded_bindings")
def test_redis_cache_rejects_failover_without_replicas_and_old_engines() -> None:
    from modules.redis_cache import RedisCache, RedisCacheProps  # pylint: disable=import-outside-toplevel

    props = RedisCacheProps(
        name="r" * 41,
        catalog=load_catalog(),
        engine_version="6.2",
        vpc_id="v",
        subnet_ids=["a", "b"],
        kms_key_arn="k",
        node_type="cache.t4g.micro",
        num_cache_clusters=1,
        automatic_failover=True,
        multi_az=True,
    )
    assert props_error(RedisCache, "Cache", props) == (
        "RedisCache Cache: 3 invalid prop(s):\n"
        "  - engine_version: '6.2': IAM authentication needs Redis 7 or later; choose a 7.x version\n"
        f"  - name {'r' * 41!r} is longer than 40 characters (ElastiCache ids)\n"
        "  - automatic_failover: needs num_cache_clusters >= 2 (a replica to promote); num_cache_clusters is 1"
    )


@pytest.mark.usefixtures("loaded_bindings")
def test_redis_cache_rejects_multi_az_without_failover() -> None:
    from cdktf import App, TerraformStack  # pylint: disable=import-outside-toplevel

    from modules.redis_cache import RedisCache, RedisCacheProps  # pylint: disable=import-outside-toplevel

    props = RedisCacheProps(
        name="r",
        catalog=load_catalog(),
        engine_version="7.1",
        vpc_id="v",
        subnet_ids=["a", "b"],
        kms_key_arn="k",
        node_type="cache.t4g.micro",
        num_cache_clusters=2,
        automatic_failover=False,
        multi_az=True,
    )
    with pytest.raises(PropsError, match="multi_az: needs automatic_failover = true"):
        RedisCache(TerraformStack(App(), "s"), "Cache", props=props)


@pytest.mark.usefixtures("loaded_bindings")
def test_redis_cache_reports_a_non_numeric_version_among_the_other_problems() -> None:
    """Issue 17: the version check read the major version with int() and crashed (ValueError) before any problem
    was reported; now a version like 'seven' is one problem in the list, next to the others."""
    from modules.redis_cache import RedisCache, RedisCacheProps  # pylint: disable=import-outside-toplevel

    props = RedisCacheProps(
        name="r",
        catalog=load_catalog(),
        engine_version="seven",
        vpc_id="v",
        subnet_ids=["a"],
        kms_key_arn="k",
        node_type="cache.t4g.micro",
        num_cache_clusters=7,
        automatic_failover=False,
        multi_az=False,
    )
    assert props_error(RedisCache, "Cache", props) == (
        "RedisCache Cache: 3 invalid prop(s):\n"
        "  - engine_version: engine version 'seven' does not exist for redis; choose one of: 6.2, 7.0, 7.1\n"
        "  - num_cache_clusters: 7: a Redis replication group takes 1 to 6\n"
        "  - a cache subnet group needs subnets in at least two zones"
    )


@pytest.mark.usefixtures("loaded_bindings")
def test_rest_api_rejects_bad_throttling_and_logging() -> None:
    from modules.rest_api import RestApi, RestApiProps  # pylint: disable=import-outside-toplevel

    props = RestApiProps(
        name="a",
        stage_name="dev",
        log_kms_key_arn="k",
        log_retention_days=0,
        throttling_rate_limit=10,
        throttling_burst_limit=5,
        logging_level="DEBUG",
    )
    assert props_error(RestApi, "Api", props) == (
        "RestApi Api: 3 invalid prop(s):\n"
        "  - throttling_burst_limit: 5 is below throttling_rate_limit 10; the burst must be at least the rate\n"
        "  - logging_level must be INFO or ERROR\n"
        "  - log_retention_days must be >= 1"
    )


def test_rest_api_rejects_a_cache_size_and_ttl_api_gateway_does_not_offer() -> None:
    from modules.rest_api import RestApi, RestApiProps  # pylint: disable=import-outside-toplevel

    props = RestApiProps(
        name="a",
        stage_name="dev",
        log_kms_key_arn="k",
        log_retention_days=365,
        throttling_rate_limit=10,
        throttling_burst_limit=10,
        cache_size_gb="1",
        cache_ttl_seconds=0,
    )
    assert props_error(RestApi, "Api", props) == (
        "RestApi Api: 2 invalid prop(s):\n"
        "  - cache_ttl_seconds: 0: an API Gateway response cache TTL (seconds) takes 1 to 3600\n"
        "  - cache_size_gb: '1' is not an API Gateway cache size; choose one of: 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, "
        "118, 237"
    )


def test_records_reject_an_opt_in_region_and_overlapping_cidr() -> None:
    text = ENVIRONMENTS_FILE.read_text(encoding="utf-8").replace(
        "[defaults.healthcare_api]\n", '[defaults.healthcare_api]\nregion = "eu-south-1"\n', 1
    )
    text = text.replace('region = "eu-west-1"\n', "", 1)
    text = text.replace('vpc_cidr = "10.42.0.0/16"', 'vpc_cidr = "10.41.0.0/16"')
    with pytest.raises(ConfigError) as caught:
        load_environments(text)
    message = str(caught.value)
    assert "environments.dev.healthcare_api.region: region 'eu-south-1' is not allowed" in message
    assert (
        "environments.dev.flask_api.network.vpc_cidr: 10.41.0.0/16 overlaps "
        "environments.dev.healthcare_api.network.vpc_cidr (10.41.0.0/16)" in message
    )
