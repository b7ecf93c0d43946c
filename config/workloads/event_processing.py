"""event-processing settings: the processor function, its queues and the data bucket's lifecycle."""

from __future__ import annotations

from dataclasses import dataclass

from config import validators as v
from config.validators import checked, described, optional


@dataclass(frozen=True)
class EventProcessingAlarmSettings:
    """Alarm thresholds of event-processing: the processor function and its queues."""

    function_errors: int = checked(v.positive, "processor invocations that failed per 5 minutes that raise it")
    function_throttles: int = checked(v.positive, "throttled processor invocations per 5 minutes that raise it")
    dlq_messages: int = checked(v.positive, "messages waiting in the dead-letter queue that raise it")
    oldest_message_seconds: int = checked(v.positive, "age (s) of the task queue's oldest message that raises it")


@dataclass(frozen=True)
class EventProcessingSettings:  # pylint: disable=too-many-instance-attributes
    """The event-processing workload: the processor function, its queues and the data bucket's lifecycle."""

    runtime: str = checked(v.lambda_runtime, "Python runtime of the processor (config/catalog.toml [lambda])")
    memory_mb: int = checked(v.lambda_memory, "processor memory in MB (128-10240)")
    timeout_seconds: int = checked(v.lambda_timeout, "processor timeout in seconds (1-900)")
    reserved_concurrency: int = checked(v.reserved_concurrency, "concurrent executions reserved for the processor")
    max_receive_count: int = checked(
        v.sqs_max_receive_count, "deliveries of a task before it moves to the dead-letter queue (1-1000)"
    )
    queue_retention_days: int = checked(v.sqs_retention_days, "days the task queue keeps a message (1-14)")
    dlq_retention_days: int = checked(v.sqs_retention_days, "days the dead-letter queue keeps a message (1-14)")
    noncurrent_version_expiration_days: int = checked(v.positive, "days old object versions are kept")
    alarms: EventProcessingAlarmSettings = described("alarm thresholds")
    noncurrent_version_transition_days: int | None = optional(
        v.positive, "days before old object versions move to STANDARD_IA (>= 30, before expiration)"
    )
    notification_email: str | None = optional(
        v.email, "e-mail address subscribed to the processed-object notifications"
    )
