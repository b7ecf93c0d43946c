"""The fixes of emulator/patches/applicationautoscaling.py, applied in-process: every test fails without its fix."""

from __future__ import annotations

from typing import Any

from emulator import patches


def test_applicationautoscaling_tags_are_kept(aws: Any) -> None:
    patches.PATCHES["applicationautoscaling-tags"]()
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(family="t", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 512}])
    ecs.create_service(cluster="c", serviceName="s", taskDefinition="t", desiredCount=1)
    scaling = aws("application-autoscaling")
    arn = scaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId="service/c/s",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=3,
        Tags={"Environment": "dev"},
    )["ScalableTargetARN"]
    scaling.tag_resource(ResourceARN=arn, Tags={"Owner": "team"})
    scaling.untag_resource(ResourceARN=arn, TagKeys=["Environment"])
    assert scaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Owner": "team"}
