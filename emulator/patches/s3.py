"""moto compatibility fixes for S3 (bucket logging, replication, EventBridge notifications); registered in
emulator.patches.PATCHES."""

from __future__ import annotations

from typing import Any

from emulator.patches.registry import patch


@patch("s3-logging-target-policy-principal-star")
def s3_logging_target_policy_principal_star() -> None:
    """PutBucketLogging checks the target bucket's policy for a logging.s3.amazonaws.com grant by calling
    `.get("Service")` on every statement's Principal; a statement with `"Principal": "*"` (a TLS-only Deny) is a
    string there, so the call fails with HTTP 500. Statements whose Principal is not a map are now skipped."""
    import json  # pylint: disable=import-outside-toplevel
    from types import SimpleNamespace  # pylint: disable=import-outside-toplevel

    from moto.s3.models import FakeBucket  # pylint: disable=import-outside-toplevel

    original = FakeBucket._log_permissions_enabled_policy  # pylint: disable=protected-access
    if getattr(original, "principal_star_patched", False):
        return

    def check(target_bucket: FakeBucket, target_prefix: str | None) -> bool:
        if not target_bucket.policy:
            return False
        statements = json.loads(target_bucket.policy.decode())["Statement"]
        mapped = [
            s
            for s in (statements if isinstance(statements, list) else [statements])
            if isinstance(s.get("Principal"), dict)
        ]
        shim = SimpleNamespace(
            policy=json.dumps({"Statement": mapped}).encode(),
            partition=target_bucket.partition,
            name=target_bucket.name,
        )
        return bool(original(shim, target_prefix))

    setattr(check, "principal_star_patched", True)
    FakeBucket._log_permissions_enabled_policy = staticmethod(check)  # pylint: disable=protected-access


@patch("s3-replication-rule-fields")
def s3_replication_rule_fields() -> None:
    """moto's GetBucketReplication answers every rule with DeleteMarkerReplication Disabled and drops its
    SourceSelectionCriteria (and Filter), so a configuration replicating delete markers and SSE-KMS objects shows
    a change on every plan. Each rule is now returned as it was put."""
    from moto.s3.exceptions import ReplicationConfigurationNotFoundError  # pylint: disable=import-outside-toplevel
    from moto.s3.responses import S3Response  # pylint: disable=import-outside-toplevel
    from moto.core.responses import ActionResult  # pylint: disable=import-outside-toplevel

    if getattr(S3Response.get_bucket_replication, "rule_fields_patched", False):
        return

    def rule_of(stored: dict[str, Any]) -> dict[str, Any]:
        kept = ("ID", "Priority", "Status", "Destination", "SourceSelectionCriteria", "ExistingObjectReplication")
        rule: dict[str, Any] = {k: stored[k] for k in kept if k in stored}
        rule["DeleteMarkerReplication"] = stored.get("DeleteMarkerReplication") or {"Status": "Disabled"}
        stored_filter = stored.get("Filter") or {"Prefix": ""}
        rule["Filter"] = {k: ("" if v is None else v) for k, v in stored_filter.items()} or {"Prefix": ""}
        return rule

    def get_bucket_replication(self: S3Response) -> Any:
        self.data["Action"] = "GetBucketReplication"
        replication = self.backend.get_bucket_replication(self.bucket_name)
        if not replication:
            raise ReplicationConfigurationNotFoundError(bucket_name=self.bucket_name)
        stored = replication["Rule"] if isinstance(replication["Rule"], list) else [replication["Rule"]]
        return self.serialized(
            ActionResult(
                {"ReplicationConfiguration": {"Role": replication["Role"], "Rules": [rule_of(r) for r in stored]}}
            )
        )

    setattr(get_bucket_replication, "rule_fields_patched", True)
    S3Response.get_bucket_replication = get_bucket_replication


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
