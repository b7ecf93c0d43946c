"""moto compatibility fixes for RDS (instances, clusters, global clusters, parameter groups); registered in
emulator.patches.PATCHES."""

from __future__ import annotations

from typing import Any

from emulator.patches.registry import patch


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


@patch("rds-provisioned-cluster-scaling-info")
def rds_provisioned_cluster_scaling_info() -> None:
    """moto returns a ScalingConfigurationInfo of empty values for every DB cluster, also provisioned ones (AWS
    returns it only for serverless v1): the provider then plans to fill in the block's defaults forever."""
    from moto.rds.models import DBCluster  # pylint: disable=import-outside-toplevel

    info = DBCluster.scaling_configuration_info

    def scaling_configuration_info(self: Any) -> Any:
        return info.fget(self) if self.scaling_configuration else None

    DBCluster.scaling_configuration_info = property(scaling_configuration_info)


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
