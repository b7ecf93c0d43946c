"""moto compatibility fixes for ElastiCache; registered in emulator.patches.PATCHES."""

from __future__ import annotations

from typing import Any

from emulator.patches.registry import patch


@patch("elasticache-replication-group-members")
def elasticache_replication_group_members() -> None:
    """moto builds a cluster-mode-disabled replication group with one member whatever NumCacheClusters says, and
    never creates its member cache clusters: the provider reads engine version, encryption flags, security groups
    and windows from DescribeCacheClusters of the first member, fails to find it and the apply fails. Members are
    now NumCacheClusters clusters that carry the group's settings, and a deleted group is gone after it was
    reported as deleting once (the provider waits for that)."""
    from moto.elasticache.models import (  # pylint: disable=import-outside-toplevel
        CacheCluster,
        ElastiCacheBackend,
        ReplicationGroup,
    )

    create = ReplicationGroup.__init__

    def __init__(self: ReplicationGroup, *args: Any, **kwargs: Any) -> None:
        count = kwargs.get("num_cache_clusters")
        if count and not kwargs.get("replicas_per_node_group") and kwargs.get("cluster_mode") != "enabled":
            kwargs["replicas_per_node_group"] = count - 1  # moto sizes cluster-mode-disabled groups from this
        create(self, *args, **kwargs)

    def member(backend: ElastiCacheBackend, group: ReplicationGroup, node: dict[str, Any]) -> CacheCluster:
        unset: dict[str, Any] = dict.fromkeys(
            (
                "az_mode",
                "snapshot_name",
                "auth_token",
                "outpost_mode",
                "preferred_outpost_arn",
                "tags",
                "preferred_availability_zones",
                "cache_security_group_names",
                "snapshot_arns",
                "preferred_outpost_arns",
                "cache_node_ids_to_remove",
                "cache_node_ids_to_reboot",
            )
        )
        cluster = CacheCluster(
            account_id=backend.account_id,
            region_name=backend.region_name,
            cache_cluster_id=node["cache_cluster_id"],
            cache_node_type=group.cache_node_type,
            replication_group_id=group.replication_group_id,
            preferred_availability_zone=node.get("preferred_availability_zone"),
            num_cache_nodes=1,
            engine=group.engine,
            engine_version=group.engine_version,
            cache_parameter_group_name=group.cache_parameter_group_name,
            cache_subnet_group_name=group.cache_subnet_group_name,
            transit_encryption_enabled=group.transit_encryption_enabled,
            network_type=group.network_type,
            ip_discovery=group.ip_discovery,
            preferred_maintenance_window=group.preferred_maintenance_window,
            port=group.port,
            notification_topic_arn=group.notification_topic_arn,
            auto_minor_version_upgrade=group.auto_minor_version_upgrade,
            snapshot_retention_limit=group.snapshot_retention_limit,
            snapshot_window=group.snapshot_window,
            security_group_ids=group.security_group_ids,
            log_delivery_configurations=[],
            **unset,
        )
        cluster.at_rest_encryption_enabled = group.at_rest_encryption_enabled
        cluster.transit_encryption_mode = group.transit_encryption_mode
        cluster.replication_group_log_delivery_enabled = False
        cluster.security_groups = [{"security_group_id": g, "status": "active"} for g in group.security_group_ids or []]
        return cluster

    create_group = ElastiCacheBackend.create_replication_group

    def create_replication_group(self: ElastiCacheBackend, **kwargs: Any) -> ReplicationGroup:
        group = create_group(self, **kwargs)
        for node_group in group.node_groups:
            for node in node_group["node_group_members"]:
                self.cache_clusters[node["cache_cluster_id"]] = member(self, group, node)
        return group

    describe = ElastiCacheBackend.describe_replication_groups

    def describe_replication_groups(
        self: ElastiCacheBackend, replication_group_id: str | None = None
    ) -> list[ReplicationGroup]:
        groups = describe(self, replication_group_id)
        for group in groups:
            if group.status == "deleting":
                self.replication_groups.pop(group.replication_group_id, None)
                for cluster_id in group.member_clusters:
                    self.cache_clusters.pop(cluster_id, None)
        return groups

    ReplicationGroup.__init__ = __init__
    ElastiCacheBackend.create_replication_group = create_replication_group
    ElastiCacheBackend.describe_replication_groups = describe_replication_groups


@patch("elasticache-subnet-group-delete")
def elasticache_subnet_group_delete() -> None:
    """moto implements no DeleteCacheSubnetGroup: destroying an aws_elasticache_subnet_group answers HTTP 500."""
    # pylint: disable=protected-access
    from moto.elasticache.exceptions import CacheSubnetGroupNotFound  # pylint: disable=import-outside-toplevel
    from moto.core.responses import EmptyResult  # pylint: disable=import-outside-toplevel
    from moto.elasticache.responses import ElastiCacheResponse  # pylint: disable=import-outside-toplevel

    def delete_cache_subnet_group(self: ElastiCacheResponse) -> EmptyResult:
        name = self._get_param("CacheSubnetGroupName")
        if self.elasticache_backend.cache_subnet_groups.pop(name, None) is None:
            raise CacheSubnetGroupNotFound(name)
        return EmptyResult()

    setattr(ElastiCacheResponse, "delete_cache_subnet_group", delete_cache_subnet_group)


@patch("elasticache-user-groups")
def elasticache_user_groups() -> None:
    """moto implements no ElastiCache user group operation (CreateUserGroup, DescribeUserGroups, ModifyUserGroup,
    DeleteUserGroup answer HTTP 500), so RBAC (an aws_elasticache_user_group on a replication group) cannot be
    applied. Groups are kept per backend; a deleted group is reported as deleting once, then not found."""
    # pylint: disable=protected-access
    from moto.core.responses import ActionResult  # pylint: disable=import-outside-toplevel
    from moto.elasticache.exceptions import ElastiCacheException  # pylint: disable=import-outside-toplevel
    from moto.elasticache.responses import ElastiCacheResponse  # pylint: disable=import-outside-toplevel

    class UserGroupNotFound(ElastiCacheException):
        """The error the provider recognises as a missing group."""

        code = "UserGroupNotFound"

        def __init__(self, group_id: str) -> None:
            super().__init__(f"User group {group_id} not found.")

    def groups(self: ElastiCacheResponse) -> dict[str, dict[str, Any]]:
        return self.elasticache_backend.__dict__.setdefault("_user_groups", {})

    def found(self: ElastiCacheResponse, group_id: str) -> dict[str, Any]:
        if group_id not in groups(self):
            raise UserGroupNotFound(group_id)
        return groups(self)[group_id]

    def create_user_group(self: ElastiCacheResponse) -> ActionResult:
        group_id, backend = self._get_param("UserGroupId"), self.elasticache_backend
        arn = f"arn:aws:elasticache:{backend.region_name}:{backend.account_id}:usergroup:{group_id}"
        group = {
            "UserGroupId": group_id,
            "Status": "active",
            "Engine": self._get_param("Engine"),
            "UserIds": self._get_param("UserIds", []),
            "MinimumEngineVersion": "6.0",
            "ReplicationGroups": [],
            "ARN": arn,
        }
        groups(self)[group_id] = group
        backend.tagging_service.tag_resource(arn, self._get_param("Tags", []))
        return ActionResult(group)

    def describe_user_groups(self: ElastiCacheResponse) -> ActionResult:
        group_id = self._get_param("UserGroupId")
        listed = [found(self, group_id)] if group_id else list(groups(self).values())
        for group in listed:
            if group["Status"] == "deleting":
                groups(self).pop(group["UserGroupId"], None)
        return ActionResult({"UserGroups": listed})

    def modify_user_group(self: ElastiCacheResponse) -> ActionResult:
        group = found(self, self._get_param("UserGroupId"))
        removed = set(self._get_param("UserIdsToRemove", []))
        group["UserIds"] = [u for u in group["UserIds"] if u not in removed] + self._get_param("UserIdsToAdd", [])
        return ActionResult(group)

    def delete_user_group(self: ElastiCacheResponse) -> ActionResult:
        group = found(self, self._get_param("UserGroupId"))
        group["Status"] = "deleting"
        return ActionResult(group)

    for func in (create_user_group, describe_user_groups, modify_user_group, delete_user_group):
        setattr(ElastiCacheResponse, func.__name__, func)

    from moto.elasticache.models import ElastiCacheBackend  # pylint: disable=import-outside-toplevel

    list_tags = ElastiCacheBackend.list_tags_for_resource

    def list_tags_for_resource(self: ElastiCacheBackend, arn: str) -> dict[str, list[dict[str, str]]]:
        if ":usergroup:" in arn:  # moto's ARN pattern knows no user groups
            return self.tagging_service.list_tags_for_resource(arn)
        return list_tags(self, arn)

    ElastiCacheBackend.list_tags_for_resource = list_tags_for_resource
