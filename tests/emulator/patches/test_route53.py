"""The fixes of emulator/patches/route53.py, applied in-process: every test fails without its fix."""

from __future__ import annotations

from typing import Any

from emulator import patches

ALARM = {"Name": "site-health-errors", "Region": "us-west-2"}


def test_a_health_check_on_an_alarm_keeps_the_alarm_and_no_endpoint_fields(aws: Any) -> None:
    patches.PATCHES["route53-alarm-health-check"]()
    route53 = aws("route53")
    created = route53.create_health_check(
        CallerReference="alarm-check",
        HealthCheckConfig={
            "Type": "CLOUDWATCH_METRIC",
            "AlarmIdentifier": ALARM,
            "InsufficientDataHealthStatus": "Unhealthy",
        },
    )["HealthCheck"]
    config = route53.get_health_check(HealthCheckId=created["Id"])["HealthCheck"]["HealthCheckConfig"]
    assert config["AlarmIdentifier"] == ALARM
    assert config["InsufficientDataHealthStatus"] == "Unhealthy"
    assert not {"IPAddress", "Port", "RequestInterval", "FailureThreshold", "MeasureLatency"} & set(config)
    route53.update_health_check(
        HealthCheckId=created["Id"],
        AlarmIdentifier={"Name": "other-errors", "Region": "us-east-1"},
        InsufficientDataHealthStatus="LastKnownStatus",
    )
    config = route53.get_health_check(HealthCheckId=created["Id"])["HealthCheck"]["HealthCheckConfig"]
    assert config["AlarmIdentifier"] == {"Name": "other-errors", "Region": "us-east-1"}
    assert config["InsufficientDataHealthStatus"] == "LastKnownStatus"


def test_an_endpoint_health_check_is_answered_as_before(aws: Any) -> None:
    patches.PATCHES["route53-alarm-health-check"]()
    route53 = aws("route53")
    created = route53.create_health_check(
        CallerReference="https-check",
        HealthCheckConfig={"Type": "HTTPS", "FullyQualifiedDomainName": "example.com", "Port": 443},
    )["HealthCheck"]
    config = route53.get_health_check(HealthCheckId=created["Id"])["HealthCheck"]["HealthCheckConfig"]
    assert (config["Port"], config["RequestInterval"], config["FailureThreshold"]) == (443, 30, 3)
    assert "AlarmIdentifier" not in config
