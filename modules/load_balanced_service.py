"""An internet-facing, load-balanced container service with its database: the chain two workloads share.

Built in the caller's scope (not a construct of its own), so every part keeps the construct id, and with it the
Terraform address, it would have if the stack built it directly: `LogsKey`, `DataKey`, `AlarmKey`, `Network`,
`Registry`, `LoadBalancer`, `Database`, `Waf`, then `Service` (`add_service`). Two steps, because a stack may build
parts of its own between them that need the keys or the database (e.g. a table encrypted with `data_key`) and that
the service then reads (environment variables, task policy statements).

Defaults:
- keys (modules/kms_key.py): `LogsKey` (alias `<prefix>-logs`, usable by CloudWatch Logs of `region`: flow logs,
  container logs, WAF logs), `DataKey` (`<prefix>-data`: the image repository, Aurora storage, its managed secret,
  Performance Insights; its description names `data_key_purpose`), `AlarmKey` (`<prefix>-alarms`, usable by
  CloudWatch: the alarm topic of the caller's alarms)
- network (modules/network.py) `<prefix>-vpc` from `network`: public subnets for the load balancer and NAT, private
  subnets for the tasks and the database, flow logs kept `log_retention_days`
- registry (modules/container_registry.py) `<prefix>-<registry_component>`, encrypted with the data key; deleted with
  its images only for an ephemeral copy (the namer has a suffix)
- load balancer (modules/load_balancer.py) `<prefix>-alb` (at most 32 characters) in the public subnets, access logs
  in the bucket `alb-logs` of the namer, HTTPS from `edge` (certificate, or zone + domain), plain HTTP only where
  `allow_plain_http`, port 80 as a redirect only where `http_redirect`; deletion protection as `deletion_protection`
- database (modules/aurora.py) `<prefix>-db` (at most 50 characters) in the private subnets from `database`,
  encrypted with the data key, a final snapshot only where `deletion_protection`
- WAF (modules/waf.py) `<prefix>-waf` on the load balancer when `waf_rate_limit` is set (requests per 5 minutes per
  client address), logging to a group encrypted with the logs key
- service (modules/fargate_service.py) `<prefix>-<service_component>` (at most 32 characters) in the private
  subnets from `service`, the image `<repository url>:<image_tag>`, behind the load balancer's listener; its
  security group is the only one the database admits (ALB -> service -> database); the container gets
  `DB_HOST`, `DB_PORT`, `DB_NAME` (plus the caller's `environment`) and `DB_USERNAME` / `DB_PASSWORD` from the
  database's managed secret through ECS `secrets`
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from constructs import Construct

from config import Catalog
from config.settings import AuroraSettings, FargateServiceSettings, NetworkSettings, PublicEdgeSettings
from core.naming import Namer
from modules.aurora import AuroraPostgres, AuroraProps
from modules.container_registry import ContainerRegistry, ContainerRegistryProps
from modules.fargate_service import FargateService, FargateServiceProps
from modules.kms_key import EncryptionKey, KmsKeyProps
from modules.load_balancer import LoadBalancer, LoadBalancerProps
from modules.network import Network, network_props
from modules.waf import WebAcl, WebAclProps


@dataclass(frozen=True, kw_only=True)
class LoadBalancedServiceProps:  # pylint: disable=too-many-instance-attributes
    """Props of LoadBalancedService: the workload's settings sections and the environment-wide values."""

    #: names of the caller's stack: every part is named `<prefix>-<component>` by it
    names: Namer
    #: region of the stack's default provider (the logs key's service principal, the service's log driver)
    region: str
    #: account owning every part (key policies, log bucket policy, service roles)
    account_id: str
    #: the catalog (Aurora engine versions, Fargate CPU/memory pairs)
    catalog: Catalog
    #: the workload's VPC: address block, zones, NAT layout
    network: NetworkSettings
    #: the workload's Aurora PostgreSQL cluster
    database: AuroraSettings
    #: name of the database Aurora creates; also the container's DB_NAME
    database_name: str
    #: the container's Fargate service: size, counts, port, health check, image tag
    service: FargateServiceSettings
    #: how the load balancer serves HTTPS: certificate, or Route 53 zone and domain
    edge: PublicEdgeSettings
    #: component of the service's name (`<prefix>-<service_component>`, at most 32 characters)
    service_component: str
    #: component of the image repository's name (`<prefix>-<registry_component>`)
    registry_component: str
    #: what the data key encrypts, the start of its description (`<purpose> of <stack name>`)
    data_key_purpose: str
    #: days every log group (flow logs, containers, WAF) keeps its events
    log_retention_days: int
    #: days the access-log bucket keeps noncurrent object versions
    log_version_expiration_days: int
    #: the record protects data: load balancer and database deletion protection, a final database snapshot
    deletion_protection: bool
    #: the load balancer may answer plain HTTP when it has no certificate (dev)
    allow_plain_http: bool
    #: with HTTPS, the load balancer also opens port 80 to redirect to HTTPS (off: 443 only)
    http_redirect: bool
    #: requests per 5 minutes per client address the WAF allows; None: no WAF
    waf_rate_limit: int | None


@dataclass(frozen=True, kw_only=True)
class ServiceExtras:
    """What the caller adds to the container (`add_service`): parts it built itself between the two steps."""

    #: environment variables after DB_HOST / DB_PORT / DB_NAME (values may be Terraform references)
    environment: dict[str, str] = field(default_factory=dict)
    #: IAM statements added to the task role's policy
    task_policy_statements: tuple[dict[str, Any], ...] = ()


class LoadBalancedService:  # pylint: disable=too-many-instance-attributes
    """Builds in `scope`: `logs_key`, `data_key`, `alarm_key`, `network`, `registry`, `alb`, `database`, `waf`
    (None without a rate limit); `add_service` then builds `service` and lets it reach the database."""

    def __init__(self, scope: Construct, *, props: LoadBalancedServiceProps) -> None:
        self.scope, self.props = scope, props
        names = props.names
        self.logs_key = self._key("LogsKey", "logs", "CloudWatch Logs", f"logs.{props.region}.amazonaws.com")
        self.data_key = self._key("DataKey", "data", props.data_key_purpose)
        self.alarm_key = self._key("AlarmKey", "alarms", "the alarm topic", "cloudwatch.amazonaws.com")
        self.network = Network(
            scope,
            "Network",
            props=network_props(
                props.network,
                name=names.name("vpc"),
                region=props.region,
                account_id=props.account_id,
                log_kms_key_arn=self.logs_key.key.arn,
                flow_log_retention_days=props.log_retention_days,
            ),
        )
        self.registry = ContainerRegistry(
            scope,
            "Registry",
            props=ContainerRegistryProps(
                repository_name=names.name(props.registry_component),
                kms_key_arn=self.data_key.key.arn,
                force_delete=names.suffix is not None,
            ),
        )
        self.alb = LoadBalancer(
            scope,
            "LoadBalancer",
            props=LoadBalancerProps(
                name=names.name("alb", max_length=32),
                vpc_id=self.network.vpc.id,
                subnet_ids=[s.id for s in self.network.public_subnets],
                account_id=props.account_id,
                log_bucket_name=names.bucket("alb-logs"),
                log_version_expiration_days=props.log_version_expiration_days,
                deletion_protection=props.deletion_protection,
                certificate_arn=props.edge.certificate_arn,
                hosted_zone_id=props.edge.hosted_zone_id,
                domain_name=props.edge.domain_name,
                allow_plain_http=props.allow_plain_http,
                http_redirect=props.http_redirect,
            ),
        )
        self.database = AuroraPostgres(
            scope,
            "Database",
            props=AuroraProps(
                name=names.name("db", max_length=50),
                catalog=props.catalog,
                engine_version=props.database.engine_version,
                master_username=props.database.master_username,
                database_name=props.database_name,
                vpc_id=self.network.vpc.id,
                subnet_ids=self.private_subnet_ids,
                kms_key_arn=self.data_key.key.arn,
                instance_class=props.database.instance_class,
                instance_count=props.database.instance_count,
                backup_retention_days=props.database.backup_retention_days,
                deletion_protection=props.deletion_protection,
                skip_final_snapshot=not props.deletion_protection,
            ),
        )
        self.waf = self._waf()
        self.service: FargateService | None = None

    @property
    def private_subnet_ids(self) -> list[str]:
        """IDs of the private subnets (tasks, database)."""
        return [s.id for s in self.network.private_subnets]

    def _key(self, id_: str, component: str, purpose: str, *principals: str) -> EncryptionKey:
        names = self.props.names
        return EncryptionKey(
            self.scope,
            id_,
            props=KmsKeyProps(
                alias=names.name(component),
                description=f"{purpose} of {names.stack_name}",
                account_id=self.props.account_id,
                service_principals=principals,
            ),
        )

    def _waf(self) -> WebAcl | None:
        if self.props.waf_rate_limit is None:
            return None
        waf = WebAcl(
            self.scope,
            "Waf",
            props=WebAclProps(
                name=self.props.names.name("waf"),
                rate_limit=self.props.waf_rate_limit,
                log_kms_key_arn=self.logs_key.key.arn,
                log_retention_days=self.props.log_retention_days,
            ),
        )
        waf.protect("LoadBalancerWaf", self.alb.alb, self.alb.alb.arn)
        return waf

    def add_service(self, extras: ServiceExtras | None = None) -> FargateService:
        """The Fargate service behind the load balancer (once), admitted by the database's security group."""
        if self.service is not None:
            raise ValueError("LoadBalancedService: add_service was already called")
        extras = extras or ServiceExtras()
        props, svc, secret = self.props, self.props.service, self.database.secret_arn
        self.service = FargateService(
            self.scope,
            "Service",
            props=FargateServiceProps(
                name=props.names.name(props.service_component, max_length=32),
                region=props.region,
                account_id=props.account_id,
                catalog=props.catalog,
                vpc_id=self.network.vpc.id,
                subnet_ids=self.private_subnet_ids,
                image=f"{self.registry.repository.repository_url}:{svc.image_tag}",
                repository_arn=self.registry.repository.arn,
                container_port=svc.container_port,
                cpu=svc.task_cpu,
                memory=svc.task_memory,
                desired_count=svc.desired_count,
                min_count=svc.min_count,
                max_count=svc.max_count,
                health_check_path=svc.health_check_path,
                listener_arn=self.alb.listener.arn,
                alb_security_group_id=self.alb.security_group.id,
                log_kms_key_arn=self.logs_key.key.arn,
                log_retention_days=props.log_retention_days,
                secrets={"DB_USERNAME": f"{secret}:username::", "DB_PASSWORD": f"{secret}:password::"},
                secret_arns=[secret],
                secret_kms_key_arns=[self.data_key.key.arn],
                environment={
                    "DB_HOST": self.database.cluster.endpoint,
                    "DB_PORT": str(self.database.port),
                    "DB_NAME": props.database_name,
                    **extras.environment,
                },
                task_policy_statements=extras.task_policy_statements,
            ),
        )
        self.database.allow_from("Service", self.service.security_group.id)
        return self.service
