"""An ElastiCache Redis replication group (cluster mode disabled) in private subnets, encrypted, IAM-authenticated.

Authentication choice: RBAC with IAM authentication, not an AUTH token. An AUTH token has to reach the replication
group through Terraform (`auth_token`), so it sits in plan files and in state whoever generates it (random_password,
a Secrets Manager secret read by a data source); a secret that AWS generates cannot be handed to ElastiCache at all.
With a user group whose application user authenticates with IAM (`authentication_mode { type = "iam" }`, Redis 7+),
clients sign a short-lived token with their role's credentials (elasticache:Connect): no password exists anywhere.
The mandatory `default` user is switched off (`off -@all`), so an unauthenticated connection can do nothing.

Defaults:
- engine "redis" at `engine_version` (checked against config/catalog.toml; 7.x needed for IAM auth)
- at-rest encryption with `kms_key_arn`; in-transit encryption (TLS) required
- `num_cache_clusters` clusters (primary + replicas); automatic failover and Multi-AZ from props (validated: failover
  needs 2+ clusters, Multi-AZ needs failover)
- daily snapshots (02:00-03:00 UTC) kept `snapshot_retention_days` (7); maintenance window sun:04:00-sun:05:00 UTC;
  minor versions upgraded automatically
- security group: ingress on the port from `allowed_security_group_ids` only; no egress rule
- the endpoint for clients is `primary_endpoint_address` (cluster mode disabled has no configuration endpoint)
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup
from cdktf_cdktf_provider_aws.elasticache_subnet_group import ElasticacheSubnetGroup
from cdktf_cdktf_provider_aws.elasticache_user import ElasticacheUser, ElasticacheUserAuthenticationMode
from cdktf_cdktf_provider_aws.elasticache_user_group import ElasticacheUserGroup
from constructs import Construct

from config import limits
from config.catalog import Catalog
from core.props import prop_problem, raise_problems
from core.suppress import suppress
from modules.client_security_group import client_security_group

ENGINE = "redis"
APP_ACCESS = "on ~* +@all -@dangerous"


@dataclass(frozen=True, kw_only=True)
class RedisCacheProps:  # pylint: disable=too-many-instance-attributes
    """Props of RedisCache."""

    #: replication group id, prefix of the users and groups (at most 40 characters)
    name: str
    #: the engine catalog that engine_version is checked against
    catalog: Catalog
    engine_version: str
    #: VPC of the cache's security group
    vpc_id: str
    #: private subnets of the cache subnet group (two zones or more)
    subnet_ids: list[str]
    kms_key_arn: str
    #: cache node type
    node_type: str
    num_cache_clusters: int
    #: promote a replica when the primary fails (needs 2+ clusters)
    automatic_failover: bool
    #: replicas in other zones (needs automatic_failover)
    multi_az: bool
    allowed_security_group_ids: tuple[str, ...] = ()
    #: port Redis listens on (the clients' egress uses it)
    port: int = 6379
    snapshot_retention_days: int = 7


def _problems(props: RedisCacheProps) -> list[str | None]:
    return [
        prop_problem("engine_version", limits.redis_version(props.engine_version, props.catalog)),
        None if len(props.name) <= 40 else f"name {props.name!r} is longer than 40 characters (ElastiCache ids)",
        prop_problem("num_cache_clusters", limits.redis_cluster_count(props.num_cache_clusters)),
        prop_problem("automatic_failover", limits.redis_failover(props.automatic_failover, props.num_cache_clusters)),
        prop_problem("multi_az", limits.redis_multi_az(props.multi_az, props.automatic_failover)),
        None if len(props.subnet_ids) >= 2 else "a cache subnet group needs subnets in at least two zones",
    ]


class RedisCache(Construct):
    """`replication_group`, `security_group`, `subnet_group`, `user_group`, `app_user`, `port`; `primary_endpoint`."""

    def __init__(self, scope: Construct, id_: str, *, props: RedisCacheProps) -> None:
        super().__init__(scope, id_)
        raise_problems(f"RedisCache {id_}", _problems(props))
        self.port = props.port
        self.security_group = client_security_group(
            self,
            name=f"{props.name}-redis",
            vpc_id=props.vpc_id,
            service="Redis",
            port=props.port,
            clients=props.allowed_security_group_ids,
        )
        self.subnet_group = ElasticacheSubnetGroup(
            self,
            "SubnetGroup",
            name=props.name,
            subnet_ids=props.subnet_ids,
            description=f"private subnets of {props.name} Redis",
        )
        default_user = ElasticacheUser(
            self,
            "DefaultUser",
            user_id=f"{props.name}-default",
            user_name="default",
            engine=ENGINE,
            access_string="off -@all",
            authentication_mode=ElasticacheUserAuthenticationMode(type="no-password-required"),
        )
        # IAM authentication requires user_id == user_name.
        self.app_user = ElasticacheUser(
            self,
            "AppUser",
            user_id=f"{props.name}-app",
            user_name=f"{props.name}-app",
            engine=ENGINE,
            access_string=APP_ACCESS,
            authentication_mode=ElasticacheUserAuthenticationMode(type="iam"),
        )
        self.user_group = ElasticacheUserGroup(
            self,
            "UserGroup",
            user_group_id=props.name,
            engine=ENGINE,
            user_ids=[default_user.user_id, self.app_user.user_id],
        )
        self.replication_group = ElasticacheReplicationGroup(
            self,
            "ReplicationGroup",
            replication_group_id=props.name,
            description=f"{props.name}: Redis, TLS and IAM auth, encrypted with the workload key",
            engine=ENGINE,
            engine_version=props.engine_version,
            node_type=props.node_type,
            port=props.port,
            num_cache_clusters=props.num_cache_clusters,
            automatic_failover_enabled=props.automatic_failover,
            multi_az_enabled=props.multi_az,
            subnet_group_name=self.subnet_group.name,
            security_group_ids=[self.security_group.id],
            at_rest_encryption_enabled="true",
            kms_key_id=props.kms_key_arn,
            transit_encryption_enabled=True,
            user_group_ids=[self.user_group.user_group_id],
            snapshot_retention_limit=props.snapshot_retention_days,
            snapshot_window="02:00-03:00",
            maintenance_window="sun:04:00-sun:05:00",
            auto_minor_version_upgrade="true",
        )
        if not props.multi_az:
            suppress(
                self.replication_group,
                "CKV2_AWS_50",
                "Multi-AZ and automatic failover are set per environment by the stack (multi_az); this "
                "environment runs a single node",
            )

    @property
    def primary_endpoint(self) -> str:
        """Address of the primary (cluster mode disabled: `primary_endpoint_address`)."""
        return self.replication_group.primary_endpoint_address
