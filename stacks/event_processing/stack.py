"""event-processing: objects written to the data bucket are recorded in DynamoDB and announced on SNS.

Path: S3 ObjectCreated -> SQS task queue -> Lambda processor (partial batch failures; after max_receive_count
receives a message moves to the DLQ) -> DynamoDB metadata table + SNS topic. The topic also feeds the task queue,
but only messages with `event_type=reprocess` (an operator re-queues an S3 event); the processor's own
`object-processed` notifications go to the e-mail subscription when configured, never back into the queue.
One customer-managed key encrypts the bucket, table, queues, topic, logs and the function's environment.
Every per-environment value comes from `env.event_processing` (config/environments.toml).
"""

from __future__ import annotations

from pathlib import Path

from constructs import Construct

from config import Catalog, EnvironmentRecord
from core.stack import WorkloadStack
from core.suppress import suppress
from modules.alarms import Alarms, MetricAlarm
from modules.function import Function, FunctionProps
from modules.kms_key import EncryptionKey, KmsKeyProps
from modules.queue import QueueProps, QueueSource, QueueWithDlq
from modules.secure_bucket import QueueNotification, SecureBucket, SecureBucketProps
from modules.table import GlobalIndex, Table, TableProps
from modules.topic import Subscription, SubscriptionProtocol, Topic, TopicProps, topic_arn

SOURCE_DIR = Path(__file__).resolve().parents[2] / "lambda_src" / "event_processor"
ETAG_INDEX = "by-etag"
RECORD_TTL_DAYS = 365
DAY = 86400


class EventProcessingStack(WorkloadStack):
    """Data bucket, task queue + DLQ, processor function, metadata table and notification topic."""

    workload = "event-processing"
    description = "S3 -> SQS -> Lambda -> DynamoDB and SNS event processing"

    def __init__(
        self, scope: Construct, *, env: EnvironmentRecord, catalog: Catalog, suffix: str | None = None
    ) -> None:
        super().__init__(scope, env=env, catalog=catalog, suffix=suffix)
        settings, names = env.event_processing, self.names
        self.key = EncryptionKey(
            self,
            "Key",
            props=KmsKeyProps(
                alias=names.name("key"),
                description=f"event-processing data in {names.env_id}",
                account_id=env.account_id,
                service_principals=(
                    "s3.amazonaws.com",
                    "sns.amazonaws.com",
                    "sqs.amazonaws.com",
                    f"logs.{self.region}.amazonaws.com",
                    "cloudwatch.amazonaws.com",
                ),
            ),
        )
        key_arn = self.key.key.arn
        bucket_name, topic_name = names.bucket("data"), names.name("processed", max_length=256)
        bucket_arn = f"arn:aws:s3:::{bucket_name}"
        processed_arn = topic_arn(self.region, env.account_id, topic_name)
        self.queue = QueueWithDlq(
            self,
            "Tasks",
            props=QueueProps(
                queue_name=names.name("tasks", max_length=80),
                dlq_name=names.name("tasks-dlq", max_length=80),
                kms_key_arn=key_arn,
                max_receive_count=settings.max_receive_count,
                message_retention_seconds=settings.queue_retention_days * DAY,
                dlq_message_retention_seconds=settings.dlq_retention_days * DAY,
                visibility_timeout_seconds=min(6 * settings.timeout_seconds, 43200),  # AWS: >= 6x the consumer's
                sources=(
                    QueueSource(service="s3.amazonaws.com", source_arn=bucket_arn),
                    QueueSource(service="sns.amazonaws.com", source_arn=processed_arn),
                ),
            ),
        )
        queue, dlq = self.queue.queue, self.queue.dlq
        self.logs = self._access_log_bucket(settings.noncurrent_version_expiration_days, bucket_arn)
        self.data = SecureBucket(
            self,
            "DataBucket",
            props=SecureBucketProps(
                bucket_name=bucket_name,
                kms_key_arn=key_arn,
                force_destroy=suffix is not None,
                noncurrent_version_expiration_days=settings.noncurrent_version_expiration_days,
                noncurrent_version_transition_days=settings.noncurrent_version_transition_days,
                # the policy's `bucket` attribute: logging is set up only after the log bucket lets S3 write to it
                access_log_bucket=self.logs.policy.bucket,
                queue_notifications=(QueueNotification(queue_arn=queue.arn),),
                notification_depends_on=(self.queue.policy,),
            ),
        )
        suppress(
            self.data.bucket,
            "CKV_AWS_144",
            "objects are inputs whose results live in the PITR-protected "
            "table; versioning covers recovery and no second region is required for this workload",
        )
        self.table = Table(
            self,
            "Metadata",
            props=TableProps(
                table_name=names.name("metadata", max_length=255),
                hash_key="object_id",
                attributes=(("object_id", "S"), ("etag", "S"), ("processed_at", "S")),
                global_indexes=(GlobalIndex(name=ETAG_INDEX, hash_key="etag", range_key="processed_at"),),
                ttl_attribute="expires_at",
                kms_key_arn=key_arn,
                deletion_protection=env.deletion_protection,
            ),
        )
        table_arn = self.table.table.arn
        subscriptions = [
            Subscription(
                id_="TaskQueue",
                protocol=SubscriptionProtocol.SQS,
                endpoint=queue.arn,
                raw_message_delivery=True,
                filter_policy={"event_type": ["reprocess"]},
            )
        ]
        if settings.notification_email:
            subscriptions.append(
                Subscription(
                    id_="Email",
                    protocol=SubscriptionProtocol.EMAIL,
                    endpoint=settings.notification_email,
                    filter_policy={"event_type": ["object-processed"]},
                )
            )
        self.topic = Topic(
            self,
            "Notifications",
            props=TopicProps(
                topic_name=topic_name,
                kms_key_arn=key_arn,
                account_id=env.account_id,
                subscriptions=tuple(subscriptions),
            ),
        )
        self.processor = Function(
            self,
            "Processor",
            props=FunctionProps(
                function_name=names.name("processor"),
                role_name=names.name("processor-role"),
                description="Records objects of the data bucket in the metadata table and announces them",
                source_dir=SOURCE_DIR,
                handler="handler.handler",
                runtime=settings.runtime,
                supported_runtimes=catalog.lambda_runtimes,
                memory_mb=settings.memory_mb,
                timeout_seconds=settings.timeout_seconds,
                reserved_concurrency=settings.reserved_concurrency,
                kms_key_arn=key_arn,
                log_retention_days=env.log_retention_days,
                dead_letter_arn=dlq.arn,
                queue_trigger_arn=queue.arn,
                environment=(
                    ("TABLE_NAME", self.table.table.name),
                    ("ETAG_INDEX_NAME", ETAG_INDEX),
                    ("TOPIC_ARN", self.topic.topic.arn),
                    ("QUEUE_URL", queue.url),
                    ("DLQ_URL", dlq.url),
                    ("RECORD_TTL_DAYS", str(RECORD_TTL_DAYS)),
                ),
                policy_statements=(
                    {
                        "Sid": "ReadDataObjects",
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": f"{self.data.bucket.arn}/*",
                    },
                    {"Sid": "RecordMetadata", "Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": table_arn},
                    {
                        "Sid": "FindDuplicates",
                        "Effect": "Allow",
                        "Action": "dynamodb:Query",
                        "Resource": f"{table_arn}/index/{ETAG_INDEX}",
                    },
                    {
                        "Sid": "PublishNotifications",
                        "Effect": "Allow",
                        "Action": "sns:Publish",
                        "Resource": self.topic.topic.arn,
                    },
                    {
                        "Sid": "UseWorkloadKey",
                        "Effect": "Allow",
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                        "Resource": key_arn,
                    },
                ),
            ),
        )
        self._suppress_function_findings()
        self.backups(self.table.table)  # AWS Backup of the metadata table where the record protects data (issue 18)
        self.alarms = self._alarms()
        self._outputs()

    def _alarms(self) -> Alarms:
        """Processor errors and throttles, DLQ depth, age of the task queue's oldest message (record thresholds)."""
        limits = self.env.event_processing.alarms
        function = {"FunctionName": self.processor.function.function_name}
        return Alarms(
            self,
            "Alarms",
            props=self.alarms_props(
                "processor",
                kms_key_arn=self.key.key.arn,
                alarms=(
                    MetricAlarm(
                        suffix="function-errors",
                        namespace="AWS/Lambda",
                        metric="Errors",
                        dimensions=function,
                        statistic="Sum",
                        threshold=limits.function_errors,
                        description="failed invocations of the processor",
                        comparison="GreaterThanOrEqualToThreshold",
                    ),
                    MetricAlarm(
                        suffix="function-throttles",
                        namespace="AWS/Lambda",
                        metric="Throttles",
                        dimensions=function,
                        statistic="Sum",
                        threshold=limits.function_throttles,
                        description="throttled invocations of the processor",
                        comparison="GreaterThanOrEqualToThreshold",
                    ),
                    MetricAlarm(
                        suffix="dlq-messages",
                        namespace="AWS/SQS",
                        metric="ApproximateNumberOfMessagesVisible",
                        dimensions={"QueueName": self.queue.dlq.name},
                        statistic="Maximum",
                        threshold=limits.dlq_messages,
                        description="messages waiting in the dead-letter queue",
                        comparison="GreaterThanOrEqualToThreshold",
                    ),
                    MetricAlarm(
                        suffix="oldest-message",
                        namespace="AWS/SQS",
                        metric="ApproximateAgeOfOldestMessage",
                        dimensions={"QueueName": self.queue.queue.name},
                        statistic="Maximum",
                        threshold=limits.oldest_message_seconds,
                        description="age of the task queue's oldest message (seconds)",
                    ),
                ),
            ),
        )

    def _access_log_bucket(self, expiration_days: int, data_bucket_arn: str) -> SecureBucket:
        """The data bucket's server access logs (SSE-S3: S3 cannot deliver access logs to an SSE-KMS bucket)."""
        name = self.names.bucket("access-logs")
        logs = SecureBucket(
            self,
            "AccessLogBucket",
            props=SecureBucketProps(
                bucket_name=name,
                s3_managed_encryption=True,
                noncurrent_version_expiration_days=expiration_days,
                force_destroy=self.names.suffix is not None,
                extra_policy_statements=(
                    {
                        "Sid": "S3ServerAccessLogs",
                        "Effect": "Allow",
                        "Principal": {"Service": "logging.s3.amazonaws.com"},
                        "Action": "s3:PutObject",
                        "Resource": f"arn:aws:s3:::{name}/*",
                        "Condition": {
                            "ArnLike": {"aws:SourceArn": data_bucket_arn},
                            "StringEquals": {"aws:SourceAccount": self.env.account_id},
                        },
                    },
                ),
            ),
        )
        for check, reason in (
            ("CKV_AWS_18", "this is the access-log bucket; logging it into itself would loop"),
            ("CKV_AWS_145", "S3 server access logging cannot deliver to a bucket with SSE-KMS default encryption"),
            ("CKV_AWS_144", "access logs are audit copies for this region; a replica adds cost and no recovery"),
        ):
            suppress(logs.bucket, check, reason)
        return logs

    def _suppress_function_findings(self) -> None:
        function = self.processor.function
        suppress(
            function,
            "CKV_AWS_117",
            "the function calls only AWS APIs (S3, DynamoDB, SNS, SQS) and reaches no "
            "private network resource; a VPC would add NAT cost and cold-start latency for nothing",
        )

    def _outputs(self) -> None:
        bucket, table, fn = self.data.bucket, self.table.table, self.processor.function
        for name, value, description in (
            ("bucket_name", bucket.bucket, "Name of the data bucket (uploads start processing)"),
            ("bucket_arn", bucket.arn, "ARN of the data bucket"),
            ("table_name", table.name, "Name of the DynamoDB metadata table"),
            ("table_arn", table.arn, "ARN of the DynamoDB metadata table"),
            ("topic_arn", self.topic.topic.arn, "ARN of the SNS notification topic"),
            ("queue_url", self.queue.queue.url, "URL of the SQS task queue"),
            ("queue_arn", self.queue.queue.arn, "ARN of the SQS task queue"),
            ("dlq_url", self.queue.dlq.url, "URL of the dead-letter queue"),
            ("dlq_arn", self.queue.dlq.arn, "ARN of the dead-letter queue"),
            ("function_name", fn.function_name, "Name of the processor Lambda function"),
            ("function_arn", fn.arn, "ARN of the processor Lambda function"),
            ("role_arn", self.processor.role.arn, "ARN of the processor's execution role"),
            ("kms_key_arn", self.key.key.arn, "ARN of the KMS key encrypting the workload's data"),
            ("alarm_topic_arn", self.alarms.topic.topic.arn, "ARN of the SNS topic the alarms notify"),
        ):
            self.output(name, value, description)
