"""One site (region) of the disaster-recovery workload: key, VPC, data bucket, health function with its API and
its schedule (the alarm the site's Route 53 health check watches), and the alarm topic. The stack builds two,
primary and DR; the DR site's resources all use the DR region's provider."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cdktf import TerraformProvider, TerraformResource
from constructs import Construct

from config import EnvironmentRecord
from config.settings import NetworkSettings
from core.naming import Namer
from core.suppress import suppress
from modules.function import Function, FunctionProps
from modules.health_schedule import HealthSchedule, HealthScheduleProps
from modules.rest_api import LambdaBackend, LoggingLevel, RestApi, RestApiProps
from modules.kms_key import EncryptionKey, KmsKeyProps
from modules.network import Network, network_props
from modules.queue import dead_letter_queue
from modules.secure_bucket import SecureBucket, SecureBucketProps
from modules.topic import Topic, TopicProps, endpoint_subscriptions, topic_arn

SOURCE_DIR = Path(__file__).resolve().parents[2] / "lambda_src" / "dr_health"
STAGE = "live"
DLQ_RETENTION_SECONDS = 14 * 24 * 3600


@dataclass(frozen=True, kw_only=True)
class SiteSpec:
    """Where and what one site is: `label` (primary, dr) goes into every name; `role` is PRIMARY or SECONDARY."""

    label: str
    role: str
    region: str
    network: NetworkSettings
    table_name: str
    provider: TerraformProvider | None = None


class Site(Construct):  # pylint: disable=too-many-instance-attributes
    """`key`, `network`, `bucket`, `function`, `api`, `health` (schedule and alarm), `topic` of one region; `spec`
    says which."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        spec: SiteSpec,
        env: EnvironmentRecord,
        names: Namer,
        runtimes: tuple[str, ...],
    ) -> None:
        super().__init__(scope, id_)
        self.spec = spec
        label, region, account = spec.label, spec.region, env.account_id
        cfg = env.disaster_recovery
        self.key = EncryptionKey(
            self,
            "Key",
            props=KmsKeyProps(
                alias=names.name(label),
                description=f"{label} site ({region}) of {names.stack_name}",
                account_id=account,
                service_principals=(f"logs.{region}.amazonaws.com", "cloudwatch.amazonaws.com"),
            ),
        )
        key_arn = self.key.key.arn
        self.network = Network(
            self,
            "Network",
            props=network_props(
                spec.network,
                name=names.name(f"{label}-vpc"),
                region=region,
                account_id=account,
                log_kms_key_arn=key_arn,
                flow_log_retention_days=env.log_retention_days,
            ),
        )
        self.bucket = SecureBucket(
            self,
            "Data",
            props=SecureBucketProps(
                bucket_name=names.bucket(f"data-{label}"),
                kms_key_arn=key_arn,
                noncurrent_version_expiration_days=env.state.noncurrent_version_expiration_days,
                force_destroy=names.suffix is not None,
            ),
        )
        self.dead_letters = dead_letter_queue(
            self,
            "HealthDeadLetters",
            name=names.name(f"{label}-health-dlq", max_length=80),
            kms_key_arn=key_arn,
            retention_seconds=DLQ_RETENTION_SECONDS,
        )
        table_arn = f"arn:aws:dynamodb:{region}:{account}:table/{spec.table_name}"
        self.function = Function(
            self,
            "Health",
            props=FunctionProps(
                function_name=names.name(f"{label}-health"),
                role_name=names.name(f"{label}-health-role"),
                description=f"Health of the {label} site: 200 while its table replica is ACTIVE",
                source_dir=SOURCE_DIR,
                handler="handler.handler",
                runtime=cfg.runtime,
                supported_runtimes=runtimes,
                memory_mb=cfg.memory_mb,
                timeout_seconds=10,
                reserved_concurrency=5,
                kms_key_arn=key_arn,
                log_retention_days=env.log_retention_days,
                dead_letter_arn=self.dead_letters.arn,
                environment=(("SITE_REGION", region), ("SITE_ROLE", spec.role), ("TABLE_NAME", spec.table_name)),
                policy_statements=(
                    {
                        "Sid": "DescribeTable",
                        "Effect": "Allow",
                        "Action": "dynamodb:DescribeTable",
                        "Resource": table_arn,
                    },
                    {
                        "Sid": "UseSiteKey",
                        "Effect": "Allow",
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                        "Resource": key_arn,
                    },
                ),
            ),
        )
        self.api = RestApi(
            self,
            "Api",
            props=RestApiProps(
                name=names.name(f"{label}-api"),
                stage_name=STAGE,
                log_kms_key_arn=key_arn,
                log_retention_days=env.log_retention_days,
                throttling_rate_limit=10,
                throttling_burst_limit=20,
                logging_level=LoggingLevel.ERROR,
                manage_account_logging_role=names.suffix is None,
                cache_size_gb=env.api_stage.cache_size_gb,
                cache_ttl_seconds=env.api_stage.cache_ttl_seconds,
                client_certificate=env.api_stage.client_certificate,
                backend=LambdaBackend(
                    function_name=self.function.function.function_name,
                    function_invoke_arn=self.function.function.invoke_arn,
                ),
            ),
        )
        self.topic = Topic(
            self,
            "Alarms",
            props=TopicProps(
                topic_name=names.name(f"{label}-alarms", max_length=256),
                kms_key_arn=key_arn,
                account_id=account,
                subscriptions=endpoint_subscriptions(tuple(env.alarm_endpoints)),  # the alarms reach someone (issue 18)
                extra_policy_statements=(
                    {
                        "Sid": "CloudWatchPublishes",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": "sns:Publish",
                        "Resource": topic_arn(region, account, names.name(f"{label}-alarms", max_length=256)),
                        "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                    },
                ),
            ),
        )
        self.health = HealthSchedule(
            self,
            "HealthSchedule",
            props=HealthScheduleProps(
                name=names.name(f"{label}-health-schedule"),
                alarm_name=names.name(f"{label}-health-errors", max_length=255),
                function_name=self.function.function.function_name,
                function_arn=self.function.function.arn,
                topic_arn=self.topic.topic.arn,
                subject=f"the {label} site ({region})",
            ),
        )  # built through the site's provider below, like every resource of the site
        self._suppressions()
        if spec.provider is not None:
            use_provider(self, spec.provider)

    def _suppressions(self) -> None:
        function, bucket = self.function, self.bucket.bucket
        suppress(
            function.function,
            "CKV_AWS_117",
            "the health function calls only the regional DynamoDB API and "
            "reaches no private network resource; a VPC would add NAT dependence to the health signal",
        )
        suppress(
            bucket,
            "CKV_AWS_18",
            "S3 server access logs go only to an SSE-S3 bucket of the same region, which would need these "
            "exemptions itself (CKV_AWS_18/144/145); writes here come from the workload and S3 replication, watched "
            "by the replication latency and failed-operation alarms, and every object is SSE-KMS with the site's "
            "key, so reading one also needs a grant on that key",
        )


def use_provider(scope: Construct, provider: TerraformProvider) -> None:
    """Create every resource under `scope` through `provider` (the modules take the stack's default otherwise)."""
    for child in scope.node.find_all():
        if isinstance(child, TerraformResource):
            child.provider = provider
