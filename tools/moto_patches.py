"""Small, named compatibility fixes for gaps of stock moto that the workloads hit (machine.md lists them).

Each fix is a function registered in PATCHES with what moto gets wrong; tests/tools/test_moto_patches.py has a test
per fix that fails without it. They are applied only inside the emulator process (tools/emulator.py serve).
"""

from __future__ import annotations

from typing import Any, Callable

PATCHES: dict[str, Callable[[], None]] = {}


def patch(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register a fix under `name`."""

    def register(func: Callable[[], None]) -> Callable[[], None]:
        PATCHES[name] = func
        return func

    return register


def apply_all() -> list[str]:
    """Apply every registered fix; returns their names."""
    for func in PATCHES.values():
        func()
    return list(PATCHES)


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


@patch("ec2-referenced-group-rule-description")
def ec2_referenced_group_rule_description() -> None:
    """moto keeps the Description of a security group rule that references another group in the rule's
    source_group, but DescribeSecurityGroupRules reads it from the CIDR range only: the description comes back
    empty and the provider plans to set it again on every plan."""
    from moto.ec2.models.security_groups import SecurityGroupRule  # pylint: disable=import-outside-toplevel

    def description(self: Any) -> str | None:
        found: str | None = self.ip_range.get("Description") or self.source_group.get("Description")
        return found

    SecurityGroupRule.description = property(description)


@patch("rds-instance-identity-and-insights")
def rds_instance_identity_and_insights() -> None:
    """moto gives every DB instance the same DbiResourceId (a second instance in a region cannot be read back by
    the provider) and ignores the Performance Insights settings of CreateDBInstance (returned as off, so the
    provider plans to turn them on forever)."""
    from moto.moto_api._internal import mock_random  # pylint: disable=import-outside-toplevel
    from moto.rds.models import DBInstance  # pylint: disable=import-outside-toplevel

    create = DBInstance.__init__

    def __init__(self: Any, backend: Any, **kwargs: Any) -> None:
        create(self, backend, **kwargs)
        self.dbi_resource_id = "db-" + mock_random.get_random_string(length=26).upper()
        self.performance_insights_enabled = bool(kwargs.get("enable_performance_insights"))
        if self.performance_insights_enabled:
            self.performance_insights_kms_key_id = kwargs.get("performance_insights_kms_key_id")
            self.performance_insights_retention_period = kwargs.get("performance_insights_retention_period") or 7

    DBInstance.__init__ = __init__


@patch("iam-deny-on-missing-condition-key")
def iam_deny_on_missing_condition_key() -> None:
    """moto supplies no request context (such as aws:SecureTransport) when it evaluates a bucket policy, and
    treats a condition on a key it did not supply as met. A TLS-only bucket policy (Deny s3:* when
    aws:SecureTransport is "false") then denies every object request, including Terraform's S3 backend reading
    its state (HeadObject 403). In AWS a condition on an absent key does not match (except *IfExists and Null):
    a Deny statement whose condition keys moto cannot supply now does not apply (Allow statements are unchanged)."""
    from moto.iam.access_control import (  # pylint: disable=import-outside-toplevel
        IAMPolicyStatement,
        PermissionResult,
    )

    original = IAMPolicyStatement.is_action_permitted
    if getattr(original, "missing_key_patched", False):
        return

    def unsupplied(statement: dict[str, Any], supplied: dict[str, str] | None) -> bool:
        return any(
            not operator.endswith("IfExists") and operator != "Null" and key not in (supplied or {})
            for operator, keys in statement.get("Condition", {}).items()
            for key in keys
        )

    def is_action_permitted(
        self: IAMPolicyStatement,
        action: str,
        resource: str = "*",
        principal: str | None = None,
        incoming_condition_values: dict[str, str] | None = None,
    ) -> PermissionResult:
        statement = self._statement  # pylint: disable=protected-access
        if statement.get("Effect") == "Deny" and unsupplied(statement, incoming_condition_values):
            return PermissionResult.NEUTRAL
        return original(self, action, resource, principal, incoming_condition_values)

    setattr(is_action_permitted, "missing_key_patched", True)
    IAMPolicyStatement.is_action_permitted = is_action_permitted


@patch("ecs-service-grace-period-and-rebalancing")
def ecs_service_grace_period_and_rebalancing() -> None:
    """moto's CreateService drops healthCheckGracePeriodSeconds and availabilityZoneRebalancing: both come back
    unset, so the provider plans to set them again on every plan."""
    from moto.ecs.responses import EC2ContainerServiceResponse as Response  # pylint: disable=import-outside-toplevel

    create = Response.create_service

    def create_service(self: Any) -> Any:
        result = create(self)
        service = result.result["service"]
        get = self._get_param  # pylint: disable=protected-access
        service.health_check_grace_period_seconds = get("healthCheckGracePeriodSeconds")
        service.availability_zone_rebalancing = get("availabilityZoneRebalancing")
        return result

    Response.create_service = create_service


@patch("rds-provisioned-cluster-scaling-info")
def rds_provisioned_cluster_scaling_info() -> None:
    """moto returns a ScalingConfigurationInfo of empty values for every DB cluster, also provisioned ones (AWS
    returns it only for serverless v1): the provider then plans to fill in the block's defaults forever."""
    from moto.rds.models import DBCluster  # pylint: disable=import-outside-toplevel

    info = DBCluster.scaling_configuration_info

    def scaling_configuration_info(self: Any) -> Any:
        return info.fget(self) if self.scaling_configuration else None

    DBCluster.scaling_configuration_info = property(scaling_configuration_info)


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


@patch("lambda-dead-letter-config")
def lambda_dead_letter_config() -> None:
    """moto ignores a function's DeadLetterConfig: CreateFunction and UpdateFunctionConfiguration drop it and
    GetFunctionConfiguration never returns it, so the provider plans to add the dead-letter queue on every plan.
    The setting is now kept and returned."""
    from moto.awslambda.models import LambdaFunction  # pylint: disable=import-outside-toplevel

    create, update, describe = (
        LambdaFunction.__init__,
        LambdaFunction.update_configuration,
        LambdaFunction.get_configuration,
    )
    if getattr(describe, "dead_letter_patched", False):
        return

    def __init__(
        self: LambdaFunction, account_id: str, spec: dict[str, Any], region: str, version: str | int = 1
    ) -> None:
        create(self, account_id, spec, region, version)
        setattr(self, "dead_letter_config", spec.get("DeadLetterConfig") or {})

    def update_configuration(self: LambdaFunction, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "DeadLetterConfig" in config_updates:
            setattr(self, "dead_letter_config", config_updates["DeadLetterConfig"] or {})
        return update(self, config_updates)

    def get_configuration(self: LambdaFunction, on_create: bool = False) -> dict[str, Any]:
        config = describe(self, on_create)
        if getattr(self, "dead_letter_config", {}).get("TargetArn"):
            config["DeadLetterConfig"] = {"TargetArn": getattr(self, "dead_letter_config")["TargetArn"]}
        return config

    setattr(get_configuration, "dead_letter_patched", True)
    LambdaFunction.__init__ = __init__
    LambdaFunction.update_configuration = update_configuration
    LambdaFunction.get_configuration = get_configuration


@patch("sqs-compact-redrive-policy")
def sqs_compact_redrive_policy() -> None:
    """moto returns a queue's RedrivePolicy as `json.dumps` output with spaces after ',' and ':'; AWS returns
    compact JSON, which is what the provider stores, so every plan shows a whitespace-only change of
    redrive_policy. It is now returned compact."""
    import json  # pylint: disable=import-outside-toplevel

    from moto.sqs.models import Queue  # pylint: disable=import-outside-toplevel

    original = Queue.attributes
    if getattr(original.fget, "compact_redrive_patched", False):
        return

    def attributes(self: Queue) -> dict[str, Any]:
        result: dict[str, Any] = original.fget(self)
        if self.redrive_policy:
            result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
        return result

    patched = property(attributes)
    setattr(patched.fget, "compact_redrive_patched", True)
    Queue.attributes = patched


@patch("dynamodb-global-table-replicas")
def dynamodb_global_table_replicas() -> None:
    """moto ignores UpdateTable's ReplicaUpdates: no replica table is created in the other region and DescribeTable
    never lists Replicas, so the provider waits ~30 min for a replica to become ACTIVE. A Create now creates the
    table (same keys, indexes, stream, billing; SSE with the replica's key) in that region's backend and lists it
    ACTIVE under Replicas (GlobalTableVersion 2019.11.21); a Delete deletes it again; an Update changes its key."""
    from moto.dynamodb.models import dynamodb_backends  # pylint: disable=import-outside-toplevel
    from moto.dynamodb.models.table import Table  # pylint: disable=import-outside-toplevel
    from moto.dynamodb.responses import DynamoHandler, DynamoResult  # pylint: disable=import-outside-toplevel

    update, describe = DynamoHandler.update_table, Table.describe
    if getattr(describe, "replicas_patched", False):
        return

    def create_replica(table: Table, region: str, key: str | None) -> None:
        backend = dynamodb_backends[table.account_id][region]
        if table.name not in backend.tables:
            backend.create_table(
                table.name,
                schema=table.schema,
                attr=table.attr,
                indexes=None,
                throughput=None if table.billing_mode == "PAY_PER_REQUEST" else table.throughput,
                global_indexes=[i.describe() for i in table.global_indexes] or None,
                streams=table.stream_specification,
                billing_mode=table.billing_mode,
                tags=[],
                sse_specification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key} if key else None,
                deletion_protection_enabled=False,
                warm_throughput=None,
            )

    def update_table(self: DynamoHandler) -> Any:
        updates = self.body.get("ReplicaUpdates") or []
        if not updates:
            return update(self)
        table = self.dynamodb_backend.get_table(self.body["TableName"])
        replicas: dict[str, dict[str, Any]] = table.__dict__.setdefault("replicas", {})
        for change in updates:
            action, spec = next(iter(change.items()))
            region, key = spec["RegionName"], spec.get("KMSMasterKeyId")
            if action == "Create":
                create_replica(table, region, key)
                replicas[region] = {
                    "RegionName": region,
                    "ReplicaStatus": "ACTIVE",
                    **({"KMSMasterKeyId": key} if key else {}),
                }
            elif action == "Delete":
                dynamodb_backends[table.account_id][region].tables.pop(table.name, None)
                replicas.pop(region, None)
            elif key and region in replicas:
                replicas[region]["KMSMasterKeyId"] = key
        return DynamoResult(table.describe())

    def describe_with_replicas(self: Table, base_key: str = "TableDescription") -> dict[str, Any]:
        result: dict[str, Any] = describe(self, base_key)
        if getattr(self, "replicas", None):
            result[base_key]["Replicas"] = [dict(r) for r in getattr(self, "replicas").values()]
            result[base_key]["GlobalTableVersion"] = "2019.11.21"
        return result

    setattr(describe_with_replicas, "replicas_patched", True)
    DynamoHandler.update_table = update_table
    Table.describe = describe_with_replicas


@patch("rds-global-cluster-members")
def rds_global_cluster_members() -> None:
    """moto keeps every global cluster in the us-east-1 backend but looks it up in the caller's region when a
    member leaves: RemoveFromGlobalCluster and DeleteDBCluster of a secondary in another region leave it listed,
    so the provider's destroy waits forever for the global cluster to empty. Members are now removed (matched by
    identifier or ARN) from the global cluster wherever it is stored, and the cluster forgets its membership."""
    from moto.rds.models import RDSBackend, rds_backends  # pylint: disable=import-outside-toplevel

    delete = RDSBackend.delete_db_cluster
    if getattr(delete, "global_members_patched", False):
        return

    def remove_from_global_cluster(self: RDSBackend, global_cluster_identifier: str, db_cluster_identifier: str) -> Any:
        for backend in rds_backends[self.account_id].values():
            found = backend.global_clusters.get(global_cluster_identifier)
            if found is None:
                continue
            for member in list(found.members):
                if db_cluster_identifier in (member.db_cluster_identifier, member.db_cluster_arn):
                    found.members.remove(member)
                    member.global_cluster_identifier = None
            return found
        return None

    def delete_db_cluster(self: RDSBackend, cluster_identifier: str, snapshot_name: str | None = None) -> Any:
        cluster = self.clusters.get(cluster_identifier)
        if cluster is not None and cluster.global_cluster_identifier and not cluster.deletion_protection:
            remove_from_global_cluster(self, cluster.global_cluster_identifier, cluster_identifier)
        return delete(self, cluster_identifier, snapshot_name)

    setattr(delete_db_cluster, "global_members_patched", True)
    RDSBackend.remove_from_global_cluster = remove_from_global_cluster
    RDSBackend.delete_db_cluster = delete_db_cluster


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


@patch("rds-db-parameter-source")
def rds_db_parameter_source() -> None:
    """moto stores the parameters set by ModifyDBParameterGroup without their Source, which AWS reports as "user".
    The provider keeps only user-sourced parameters of an aws_db_parameter_group, so every parameter it set reads
    back as missing and every plan adds them again."""
    from moto.rds.models import DBParameterGroup  # pylint: disable=import-outside-toplevel

    update = DBParameterGroup.update_parameters

    def update_parameters(self: DBParameterGroup, new_parameters: Any) -> None:
        update(self, [dict(parameter, Source="user") for parameter in new_parameters])

    DBParameterGroup.update_parameters = update_parameters


@patch("rds-global-cluster-tags")
def rds_global_cluster_tags() -> None:
    """moto drops CreateGlobalCluster's Tags and refuses global-cluster ARNs (which name no region) in
    ListTagsForResource, AddTagsToResource and RemoveTagsFromResource, so a tagged aws_rds_global_cluster shows
    its tags as added on every plan. Tags are now kept on the global cluster and its ARN is accepted."""
    from moto.rds.models import RDSBackend, rds_backends  # pylint: disable=import-outside-toplevel
    from moto.rds.responses import RDSResponse  # pylint: disable=import-outside-toplevel

    find, create = RDSBackend._get_resource_for_tagging, RDSResponse.create_global_cluster  # pylint: disable=protected-access
    if getattr(find, "global_tags_patched", False):
        return

    def get_resource_for_tagging(self: RDSBackend, arn: str) -> Any:
        if ":global-cluster:" in arn:
            name = arn.rsplit(":", 1)[1]
            return next(
                (b.global_clusters[name] for b in rds_backends[self.account_id].values() if name in b.global_clusters),
                None,
            )
        return find(self, arn)

    def create_global_cluster(self: RDSResponse) -> Any:
        result = create(self)
        tags = self.params.get("Tags") or []
        if tags:
            self.global_backend.global_clusters[self.params["GlobalClusterIdentifier"]].add_tags(tags)
        return result

    setattr(get_resource_for_tagging, "global_tags_patched", True)
    RDSBackend._get_resource_for_tagging = get_resource_for_tagging  # pylint: disable=protected-access
    RDSResponse.create_global_cluster = create_global_cluster


@patch("secretsmanager-replica-kms-key")
def secretsmanager_replica_kms_key() -> None:
    """moto reports every replica of a secret as encrypted with `alias/aws/secretsmanager`, whatever KmsKeyId the
    replica was created with, so the provider plans to change the replica's `kms_key_id` on every plan (the
    disaster-recovery master secret replicates with the DR region's key). The requested key is now kept."""
    from moto.secretsmanager.models import FakeSecret  # pylint: disable=import-outside-toplevel

    create = FakeSecret.create_replicas
    if getattr(create, "replica_key_patched", False):
        return

    def create_replicas(self: FakeSecret, replica_regions: list[dict[str, str]], force_overwrite: bool) -> Any:
        replicas = create(self, replica_regions, force_overwrite)
        for replica, config in zip(replicas, replica_regions or []):
            if config.get("KmsKeyId"):
                replica.config["KmsKeyId"] = config["KmsKeyId"]
        return replicas

    setattr(create_replicas, "replica_key_patched", True)
    setattr(FakeSecret, "create_replicas", create_replicas)
