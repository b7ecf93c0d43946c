"""moto compatibility fixes for Route 53; registered in emulator.patches.PATCHES."""

from __future__ import annotations

from typing import Any

from emulator.patches.registry import patch

ALARM_TYPE = "CLOUDWATCH_METRIC"
#: what a health check of an endpoint has and one on an alarm does not (AWS returns none of them for it)
ENDPOINT_FIELDS = ("IPAddress", "Port", "RequestInterval", "FailureThreshold", "MeasureLatency")


@patch("route53-alarm-health-check")
def route53_alarm_health_check() -> None:
    """moto drops a CLOUDWATCH_METRIC health check's AlarmIdentifier and InsufficientDataHealthStatus (Create and
    UpdateHealthCheck) and answers it with an endpoint check's Port 80, RequestInterval 30 and FailureThreshold 3,
    so the provider reads no alarm and a port and interval nobody set: every plan would re-set the alarm, and
    replace the check (request_interval forces a new resource). The alarm fields are now kept and returned, and
    the endpoint fields left out for a check of this type."""
    from moto.route53.models import HealthCheck  # pylint: disable=import-outside-toplevel
    from moto.route53.responses import Route53  # pylint: disable=import-outside-toplevel

    original_config = HealthCheck.health_check_config
    if getattr(original_config.fget, "alarm_patched", False):
        return
    create, update = Route53.create_health_check, Route53.update_health_check

    def keep(check: Any, source: dict[str, Any]) -> None:
        if source.get("AlarmIdentifier"):
            setattr(check, "alarm_identifier", dict(source["AlarmIdentifier"]))
        if source.get("InsufficientDataHealthStatus"):
            setattr(check, "insufficient_data_health_status", source["InsufficientDataHealthStatus"])

    def create_health_check(self: Route53) -> Any:
        result = create(self)
        keep(result.result["HealthCheck"], self._get_param("HealthCheckConfig") or {})  # pylint: disable=protected-access
        return result

    def update_health_check(self: Route53) -> Any:
        result = update(self)
        params = {
            key: self._get_param(key)  # pylint: disable=protected-access
            for key in ("AlarmIdentifier", "InsufficientDataHealthStatus")
        }
        keep(result.result["HealthCheck"], params)
        return result

    def health_check_config(self: HealthCheck) -> dict[str, Any]:
        config: dict[str, Any] = original_config.fget(self)
        if self.type_ != ALARM_TYPE:
            return config
        for key in ENDPOINT_FIELDS:
            config.pop(key, None)
        if getattr(self, "alarm_identifier", None):
            config["AlarmIdentifier"] = getattr(self, "alarm_identifier")
        if getattr(self, "insufficient_data_health_status", None):
            config["InsufficientDataHealthStatus"] = getattr(self, "insufficient_data_health_status")
        return config

    patched = property(health_check_config)
    setattr(patched.fget, "alarm_patched", True)
    HealthCheck.health_check_config = patched
    Route53.create_health_check = create_health_check
    Route53.update_health_check = update_health_check
