"""moto compatibility fixes for Application Auto Scaling; registered in emulator.patches.PATCHES."""

from __future__ import annotations

from typing import Any

from emulator.patches.registry import patch


@patch("applicationautoscaling-tags")
def applicationautoscaling_tags() -> None:
    """moto implements no Application Auto Scaling tag operation: TagResource, UntagResource and
    ListTagsForResource answer HTTP 500 and RegisterScalableTarget drops its Tags, so applying any tagged
    aws_appautoscaling_target fails. Tags are kept per ARN on the backend."""
    import json  # pylint: disable=import-outside-toplevel

    from moto.applicationautoscaling.responses import (  # pylint: disable=import-outside-toplevel
        ApplicationAutoScalingResponse as Response,
    )

    # pylint: disable=protected-access
    def tags_of(self: Any, arn: str) -> dict[str, str]:
        store: dict[str, dict[str, str]] = self.applicationautoscaling_backend.__dict__.setdefault("_tags", {})
        return store.setdefault(arn, {})

    register = Response.register_scalable_target

    def register_scalable_target(self: Any) -> str:
        body = register(self)
        tags_of(self, json.loads(body)["ScalableTargetARN"]).update(self._get_param("Tags") or {})
        return body

    def tag_resource(self: Any) -> str:
        tags_of(self, self._get_param("ResourceARN")).update(self._get_param("Tags") or {})
        return "{}"

    def untag_resource(self: Any) -> str:
        tags = tags_of(self, self._get_param("ResourceARN"))
        for key in self._get_param("TagKeys") or []:
            tags.pop(key, None)
        return "{}"

    def list_tags_for_resource(self: Any) -> str:
        return json.dumps({"Tags": tags_of(self, self._get_param("ResourceARN"))})

    Response.register_scalable_target = register_scalable_target
    for func in (tag_resource, untag_resource, list_tags_for_resource):
        setattr(Response, func.__name__, func)
