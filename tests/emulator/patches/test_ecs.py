"""The fixes of emulator/patches/ecs.py, applied in-process: every test fails without its fix."""

from __future__ import annotations

from typing import Any

from emulator import patches


def test_ecs_service_keeps_grace_period_and_rebalancing(aws: Any) -> None:
    patches.PATCHES["ecs-service-grace-period-and-rebalancing"]()
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(family="t", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 512}])
    service = ecs.create_service(
        cluster="c",
        serviceName="s",
        taskDefinition="t",
        desiredCount=1,
        healthCheckGracePeriodSeconds=60,
        availabilityZoneRebalancing="DISABLED",
    )["service"]
    (described,) = ecs.describe_services(cluster="c", services=["s"])["services"]
    for found in (service, described):
        assert (found["healthCheckGracePeriodSeconds"], found["availabilityZoneRebalancing"]) == (60, "DISABLED")
