"""moto compatibility fixes for ECS; registered in emulator.patches.PATCHES."""

from __future__ import annotations

from typing import Any

from emulator.patches.registry import patch


@patch("ecs-service-grace-period-and-rebalancing")
def ecs_service_grace_period_and_rebalancing() -> None:
    """moto's CreateService drops healthCheckGracePeriodSeconds and availabilityZoneRebalancing: both come back
    unset, so the provider plans to set them again on every plan."""
    from moto.ecs.responses import EC2ContainerServiceResponse as Response  # pylint: disable=import-outside-toplevel

    create = Response.create_service

    def create_service(self: Any) -> Any:
        result = create(self)
        service = result.result["service"]
        get = self._get_param  # pylint: disable=protected-access
        service.health_check_grace_period_seconds = get("healthCheckGracePeriodSeconds")
        service.availability_zone_rebalancing = get("availabilityZoneRebalancing")
        return result

    Response.create_service = create_service
