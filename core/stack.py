"""The base of every stack: one AWS provider pinned to the environment's account, the state backend, tags.

Deploy targets (local emulator or AWS) are not visible here: they differ only in endpoints and credentials, set in
the process environment by tools/targets.py, so the synthesized JSON is the same for both.
"""

from __future__ import annotations

from typing import Any, ClassVar, Iterable, Mapping

import jsii
from cdktf import Aspects, IAspect, LocalBackend, S3Backend, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from config import Catalog, EnvironmentRecord
from core.naming import Namer, state_bucket_name
from core.tags import required_tags
from modules.alarms import AlarmsProps, MetricAlarm
from modules.backup import Backups, BackupsProps
from modules.load_balanced_service import LoadBalancedService, LoadBalancedServiceProps

BOOTSTRAP_STATE_DIR = "../../../state"  # relative to cdktf.out/stacks/<stack>: the project's state/ folder


@jsii.implements(IAspect)
class RequiredTags:
    """Aspect that merges `tags` into every construct exposing a `tags` argument."""

    def __init__(self, tags: Mapping[str, str]) -> None:
        self.tags = dict(tags)

    def visit(self, node: Any) -> None:
        """Called by cdktf for every construct before synthesis."""
        if hasattr(node, "tags_input") and hasattr(node, "reset_tags"):
            node.tags = {**(node.tags_input or {}), **self.tags}


class WorkloadStack(TerraformStack):
    """A stack of one workload in one environment. Subclasses set `workload` and build in `__init__`."""

    workload: ClassVar[str]
    description: ClassVar[str]
    remote_state: ClassVar[bool] = True

    def __init__(
        self, scope: Construct, *, env: EnvironmentRecord, catalog: Catalog, suffix: str | None = None
    ) -> None:
        self.env = env
        self.catalog = catalog
        self.names = Namer(self.workload, env.name, env.account_id, suffix)
        super().__init__(scope, self.names.stack_name)
        self.provider = self.aws_provider("Aws", self.region)
        if self.remote_state:
            S3Backend(
                self,
                bucket=state_bucket_name(env.name, env.account_id, env.region),
                key=self.names.state_key,
                region=env.region,
                encrypt=True,
            )
            # cdktf 0.21's S3Backend has no use_lockfile: native S3 locking (Terraform >= 1.10) is set by override.
            self.add_override("terraform.backend.s3.use_lockfile", True)
        else:
            LocalBackend(self, path=f"{BOOTSTRAP_STATE_DIR}/{self.names.stack_name}.tfstate")
        self.tags = required_tags(environment=env.name, workload=self.workload, owner=env.owner, suffix=suffix)
        Aspects.of(self).add(RequiredTags(self.tags))

    @property
    def region(self) -> str:
        """Region of the stack's default provider: the environment's; a workload with a region of its own in its
        settings overrides this. The state backend always stays in the environment's region (its state bucket)."""
        return self.env.region

    def aws_provider(self, id_: str, region: str, *, alias: str | None = None) -> AwsProvider:
        """An AWS provider that refuses any account but the environment's (allowed_account_ids)."""
        return AwsProvider(self, id_, region=region, alias=alias, allowed_account_ids=[self.env.account_id])

    def output(self, name: str, value: Any, description: str, *, sensitive: bool = False) -> TerraformOutput:
        """A stack output named `<thing>_<attribute>`, always described."""
        return TerraformOutput(self, name, value=value, description=description, sensitive=sensitive)

    def backups(self, *resources: Any) -> Backups | None:
        """AWS Backup of `resources` (`Backup`, modules/backup.py) on the record's schedule and retention, only where
        the record protects data (`deletion_protection`); an ephemeral copy's vault may be destroyed with it."""
        if not self.env.deletion_protection:
            return None
        return Backups(
            self,
            "Backup",
            props=BackupsProps(
                name=self.names.name("backup", max_length=50),
                account_id=self.env.account_id,
                schedule=self.env.backup.schedule,
                retention_days=self.env.backup.retention_days,
                resources=resources,
                force_destroy=self.names.suffix is not None,
            ),
        )

    def alarms_props(self, component: str, *, kms_key_arn: str, alarms: Iterable[MetricAlarm]) -> AlarmsProps:
        """AlarmsProps for the workload's alarms (modules/alarms.py) in the stack's region: topic, alarm and
        dashboard names from `component`, the topic's subscribers from the record's `alarm_endpoints`."""
        return AlarmsProps(
            name=self.names.name(component, max_length=200),
            region=self.region,
            account_id=self.env.account_id,
            kms_key_arn=kms_key_arn,
            endpoints=tuple(self.env.alarm_endpoints),
            alarms=tuple(alarms),
        )

    def load_balanced_service(  # pylint: disable=too-many-arguments
        self,
        settings: Any,
        *,
        database_name: str,
        service_component: str,
        registry_component: str,
        data_key_purpose: str,
    ) -> LoadBalancedService:
        """The load-balanced service with its database (modules/load_balanced_service.py) from the workload's
        settings section (`network`, `database`, `service`, the HTTPS edge) and the record's environment-wide values
        (retention, deletion protection, plain HTTP, the HTTP redirect, WAF rate limit where the WAF is on)."""
        env = self.env
        return LoadBalancedService(
            self,
            props=LoadBalancedServiceProps(
                names=self.names,
                region=env.region,
                account_id=env.account_id,
                catalog=self.catalog,
                network=settings.network,
                database=settings.database,
                database_name=database_name,
                service=settings.service,
                edge=settings,
                service_component=service_component,
                registry_component=registry_component,
                data_key_purpose=data_key_purpose,
                log_retention_days=env.log_retention_days,
                log_version_expiration_days=env.state.noncurrent_version_expiration_days,
                deletion_protection=env.deletion_protection,
                allow_plain_http=env.allow_plain_http,
                http_redirect=env.http_redirect,
                waf_rate_limit=env.waf.rate_limit if env.waf.enabled else None,
            ),
        )
