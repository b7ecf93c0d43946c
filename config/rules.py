"""The rules across fields of one environment record, run by the loader on every record it could build.

They run also when a field had the wrong type (already reported by the loader): a rule leaves such a value alone.
Where a module enforces the same rule, both call the one function in config/limits.py; this file adds the key path.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterator

from config import limits
from config.catalog import Catalog
from config.records import EnvironmentRecord
from config.settings import FargateServiceSettings, NetworkSettings, PublicEdgeSettings


def record_problems(record: EnvironmentRecord, path: str, catalog: Catalog) -> list[str]:
    """Every problem across fields of `record` (its key path in environments.toml is `path`)."""
    problems = []
    fraud = record.fraud_detection
    if fraud is not None and _strings(fraud.replica_regions) and record.region in fraud.replica_regions:
        home = limits.another_region(record.region, record.region, "this environment's home region (region)")
        problems.append(f"{path}.fraud_detection.replica_regions: {home}")
    for key, settings in _sections(record):
        if isinstance(getattr(settings, "service", None), FargateServiceSettings):
            problems += service_problems(settings.service, f"{path}.{key}.service", catalog)
    problems += _zone_problems(record, path, catalog) + _value_pair_problems(record, path)
    problems += _https_problems(record, path) + edge_problems(record, path) + retention_problems(record, path)
    return problems + _disaster_recovery_problems(record.disaster_recovery, f"{path}.disaster_recovery", catalog)


def _sections(record: EnvironmentRecord) -> Iterator[tuple[str, Any]]:
    """(key, value) of every section of `record` (None where the loader could not build one)."""
    return ((f.name, getattr(record, f.name)) for f in dataclasses.fields(record))


def public_edges(record: EnvironmentRecord) -> Iterator[tuple[str, PublicEdgeSettings]]:
    """(key, settings) of every workload section with an internet-facing load balancer (PublicEdgeSettings)."""
    return ((key, value) for key, value in _sections(record) if isinstance(value, PublicEdgeSettings))


def _strings(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)


def _zones_problem(network: NetworkSettings | None, region: Any, region_key: str, catalog: Catalog) -> str | None:
    """The VPC's zones belong to `region` (a module would fail on it later); an unknown region is reported alone."""
    zones = getattr(network, "availability_zones", None) or ()
    if not _strings(zones) or region not in catalog.regions:
        return None
    return limits.zones_of_region(zones, region, region_key)


def _zone_problems(record: EnvironmentRecord, path: str, catalog: Catalog) -> list[str]:
    """Each workload's VPC zones belong to the region its resources are in."""
    healthcare = record.healthcare_api
    found = (
        (key, _zones_problem(getattr(settings, "network", None), where, region_key, catalog))
        for key, settings, region_key, where in (
            ("flask_api", record.flask_api, "region", record.region),
            ("fraud_detection", record.fraud_detection, "region", record.region),
            ("healthcare_api", healthcare, "healthcare_api.region", getattr(healthcare, "region", None)),
        )
    )
    return [f"{path}.{key}.network.availability_zones: {problem}" for key, problem in found if problem]


def _ints(*values: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _value_pair_problems(record: EnvironmentRecord, path: str) -> list[str]:
    """Values AWS accepts only together (each module checks them again, with the same rule, when it builds)."""
    problems = []
    cache = getattr(record.healthcare_api, "cache", None)
    if cache is not None and _ints(cache.num_cache_clusters):
        where = f"{path}.healthcare_api.cache"
        failover = limits.redis_failover(cache.automatic_failover is True, cache.num_cache_clusters)
        multi_az = limits.redis_multi_az(cache.multi_az is True, cache.automatic_failover is True)
        problems += [
            f"{where}.{key}: {p}" for key, p in (("automatic_failover", failover), ("multi_az", multi_az)) if p
        ]
    api = record.healthcare_api
    if api is not None and _ints(api.throttling_rate_limit, api.throttling_burst_limit):
        burst = limits.throttling_burst(api.throttling_burst_limit, api.throttling_rate_limit)
        problems += [f"{path}.healthcare_api.throttling_burst_limit: {burst}"] if burst else []
    events = record.event_processing
    transition = getattr(events, "noncurrent_version_transition_days", None)
    expiration = getattr(events, "noncurrent_version_expiration_days", None)
    if _ints(transition, expiration) and isinstance(expiration, int):
        found = limits.noncurrent_transition(transition, expiration)
        problems += [f"{path}.event_processing.noncurrent_version_transition_days: {found}"] if found else []
    return problems


def _https_problems(record: EnvironmentRecord, path: str) -> list[str]:
    """Each public load balancer's certificate is in the environment's account and region; zone and domain come
    together."""
    problems: list[str] = []
    for key, settings in public_edges(record):
        pair = limits.zone_and_domain(settings.hosted_zone_id, settings.domain_name)
        problems += [f"{path}.{key}: {pair}"] if pair else []
        arn = settings.certificate_arn
        if isinstance(arn, str) and limits.certificate_arn(arn) is None:
            arn_region, arn_account = arn.split(":")[3:5]
            if (arn_region, arn_account) != (record.region, record.account_id):
                problems.append(
                    f"{path}.{key}.certificate_arn: the certificate is in {arn_region} / {arn_account}; "
                    f"the load balancer needs one in {record.region} / {record.account_id} (region, "
                    "account_id)"
                )
    return problems


def edge_problems(record: EnvironmentRecord, path: str) -> list[str]:
    """Protected environments serve HTTPS only: no allow_plain_http, a certificate source per public ALB."""
    problems = (
        []
        if not (record.deletion_protection is True and record.allow_plain_http is True)
        else [
            f"{path}.allow_plain_http: true in an environment with deletion_protection = true; protected environments "
            "serve HTTPS only, remove it"
        ]
    )
    for key, settings in public_edges(record):
        problems += certificate_problems(settings, f"{path}.{key}", record.deletion_protection)
    return problems


def retention_problems(record: EnvironmentRecord, path: str) -> list[str]:
    """Protected environments keep logs at least a year (limits.protected_log_retention)."""
    problems = []
    for key, days in (
        ("log_retention_days", record.log_retention_days),
        ("healthcare_api.audit_log_retention_days", getattr(record.healthcare_api, "audit_log_retention_days", None)),
    ):
        found = (
            limits.protected_log_retention(days, record.deletion_protection)
            if isinstance(days, int) and _ints(days)
            else None
        )
        problems += [f"{path}.{key}: {found}"] if found else []
    return problems


def certificate_problems(settings: PublicEdgeSettings, path: str, deletion_protection: bool) -> list[str]:
    """A workload with a public load balancer: an environment with deletion protection needs a certificate source
    (certificate_arn, or hosted_zone_id + domain_name for ACM DNS validation); elsewhere plain HTTP needs the
    record's allow_plain_http switch (checked at synth by modules/load_balancer.py and in the scan by CKV_APP_013)."""
    values = (settings.certificate_arn, settings.hosted_zone_id, settings.domain_name)
    if not all(isinstance(value, (str, type(None))) for value in values):
        return []  # a value of the wrong type is already reported by the loader
    source = settings.certificate_arn is not None or (settings.hosted_zone_id and settings.domain_name)
    if deletion_protection is True and not source:
        return [
            f"{path}: this environment has deletion_protection = true but no certificate source; set "
            "certificate_arn, or hosted_zone_id and domain_name (ACM issues the certificate with DNS "
            "validation), so the load balancer serves HTTPS"
        ]
    return []


def service_problems(service: FargateServiceSettings, path: str, catalog: Catalog) -> list[str]:
    """The task size is one Fargate offers and the counts are ordered."""
    numbers = (service.task_cpu, service.task_memory, service.desired_count, service.min_count, service.max_count)
    if not _ints(*numbers):
        return []  # a value of the wrong type is already reported by the loader
    size = catalog.fargate_size_problem(service.task_cpu, service.task_memory)
    counts = limits.fargate_counts(service.min_count, service.desired_count, service.max_count)
    return ([f"{path}.task_memory: {size}"] if size else []) + ([f"{path}: {counts}"] if counts else [])


def _disaster_recovery_problems(dr: Any, path: str, catalog: Catalog) -> list[str]:
    """The DR region differs from the primary, and each VPC's zones belong to its own region."""
    if dr is None:
        return []
    same = limits.another_region(dr.dr_region, dr.primary_region, "primary_region")
    problems = [f"{path}.dr_region: {same}"] if same else []
    for key, network, where, region_key in (
        ("primary_network", dr.primary_network, dr.primary_region, "primary_region"),
        ("dr_network", dr.dr_network, dr.dr_region, "dr_region"),
    ):
        found = _zones_problem(network, where, region_key, catalog)
        problems += [f"{path}.{key}.availability_zones: {found}"] if found else []
    return problems
