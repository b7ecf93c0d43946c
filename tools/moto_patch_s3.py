"""moto compatibility fix for S3 bucket notifications to EventBridge (registered in tools.moto_patches.PATCHES).

Kept in a file of its own, like every fix added after tools/moto_patches.py; tools/emulator.py imports each
`tools/moto_patch_*.py` before applying the fixes. Its test: tests/tools/test_moto_patch_s3.py.
"""

from __future__ import annotations

from typing import Any

from tools.moto_patches import patch


@patch("s3-eventbridge-notification")
def s3_eventbridge_notification() -> None:
    """moto stores `EventBridgeConfiguration` from PutBucketNotificationConfiguration but its
    GetBucketNotificationConfiguration never returns it, so `eventbridge = true` on an aws_s3_bucket_notification
    reads back false and every plan shows a change. The answer now carries the (empty) EventBridgeConfiguration
    whenever it was put, as S3 does."""
    from moto.core.responses import ActionResult  # pylint: disable=import-outside-toplevel
    from moto.s3.responses import S3Response  # pylint: disable=import-outside-toplevel

    original = S3Response.get_bucket_notification
    if getattr(original, "eventbridge_patched", False):
        return

    def get_bucket_notification(self: S3Response) -> Any:
        answer = original(self)
        stored = self.backend.get_bucket_notification_configuration(self.bucket_name)
        if stored is None or getattr(stored, "event_bridge", None) is None:
            return answer

        def config(item: Any, arn_key: str) -> dict[str, Any]:
            found: dict[str, Any] = {"Id": item.id, arn_key: item.arn, "Events": item.events}
            if item.filters:
                found["Filter"] = {"Key": {"FilterRules": item.filters["S3Key"]["FilterRule"]}}
            return found

        self.data["Action"] = "GetBucketNotificationConfiguration"
        return self.serialized(
            ActionResult(
                {
                    "TopicConfigurations": [config(t, "TopicArn") for t in stored.topic],
                    "QueueConfigurations": [config(q, "QueueArn") for q in stored.queue],
                    "LambdaFunctionConfigurations": [config(f, "LambdaFunctionArn") for f in stored.cloud_function],
                    "EventBridgeConfiguration": {},
                }
            )
        )

    setattr(get_bucket_notification, "eventbridge_patched", True)
    S3Response.get_bucket_notification = get_bucket_notification
