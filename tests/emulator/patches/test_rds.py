"""The fixes of emulator/patches/rds.py, applied in-process: every test fails without its fix."""

from __future__ import annotations

from typing import Any

import boto3

from emulator import patches


def test_db_instances_get_their_own_identity_and_insights(aws: Any) -> None:
    patches.PATCHES["rds-instance-identity-and-insights"]()
    rds = aws("rds")
    rds.create_db_cluster(
        DBClusterIdentifier="c",
        Engine="aurora-postgresql",
        EngineVersion="16.9",
        MasterUsername="dbadmin",
        ManageMasterUserPassword=True,
    )
    for name in ("c-0", "c-1"):
        rds.create_db_instance(
            DBInstanceIdentifier=name,
            DBClusterIdentifier="c",
            Engine="aurora-postgresql",
            DBInstanceClass="db.t4g.medium",
            EnablePerformanceInsights=True,
            PerformanceInsightsKMSKeyId="arn:aws:kms:us-east-1:123456789012:key/k",
            PerformanceInsightsRetentionPeriod=7,
        )
    instances = rds.describe_db_instances()["DBInstances"]
    assert len({i["DbiResourceId"] for i in instances}) == 2
    assert [(i["PerformanceInsightsEnabled"], i["PerformanceInsightsRetentionPeriod"]) for i in instances] == [
        (True, 7),
        (True, 7),
    ]
    assert instances[0]["PerformanceInsightsKMSKeyId"] == "arn:aws:kms:us-east-1:123456789012:key/k"


def test_provisioned_cluster_has_no_serverless_scaling_info(aws: Any) -> None:
    patches.PATCHES["rds-provisioned-cluster-scaling-info"]()
    rds = aws("rds")
    rds.create_db_cluster(
        DBClusterIdentifier="p",
        Engine="aurora-postgresql",
        EngineVersion="16.9",
        EngineMode="provisioned",
        MasterUsername="dbadmin",
        ManageMasterUserPassword=True,
    )
    (cluster,) = rds.describe_db_clusters(DBClusterIdentifier="p")["DBClusters"]
    assert "ScalingConfigurationInfo" not in cluster


def test_secondary_leaves_the_global_cluster_from_its_own_region(aws: Any) -> None:
    patches.PATCHES["rds-global-cluster-members"]()
    rds = aws("rds")
    rds.create_global_cluster(GlobalClusterIdentifier="g", Engine="aurora-postgresql", EngineVersion="15.13")
    rds.create_db_cluster(
        DBClusterIdentifier="p",
        Engine="aurora-postgresql",
        EngineVersion="15.13",
        MasterUsername="dbadmin",
        MasterUserPassword="password123",
        GlobalClusterIdentifier="g",
    )
    west = boto3.client("rds", region_name="us-west-2")
    secondary = west.create_db_cluster(
        DBClusterIdentifier="s", Engine="aurora-postgresql", EngineVersion="15.13", GlobalClusterIdentifier="g"
    )["DBCluster"]
    assert len(rds.describe_global_clusters()["GlobalClusters"][0]["GlobalClusterMembers"]) == 2
    west.remove_from_global_cluster(GlobalClusterIdentifier="g", DbClusterIdentifier=secondary["DBClusterArn"])
    (member,) = rds.describe_global_clusters()["GlobalClusters"][0]["GlobalClusterMembers"]
    assert member["DBClusterArn"].endswith(":cluster:p")
    rds.delete_db_cluster(DBClusterIdentifier="p", SkipFinalSnapshot=True)
    assert rds.describe_global_clusters()["GlobalClusters"][0]["GlobalClusterMembers"] == []
    rds.delete_global_cluster(GlobalClusterIdentifier="g")


def test_db_parameters_set_by_the_user_read_back_as_user_parameters(aws: Any) -> None:
    patches.PATCHES["rds-db-parameter-source"]()
    rds = aws("rds")
    rds.create_db_parameter_group(DBParameterGroupName="p", DBParameterGroupFamily="postgres16", Description="d")
    rds.modify_db_parameter_group(
        DBParameterGroupName="p",
        Parameters=[{"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}],
    )
    (parameter,) = rds.describe_db_parameters(DBParameterGroupName="p")["Parameters"]
    assert (parameter["ParameterName"], parameter["ParameterValue"], parameter["Source"]) == (
        "rds.force_ssl",
        "1",
        "user",
    )


def test_global_cluster_keeps_its_tags(aws: Any) -> None:
    patches.PATCHES["rds-global-cluster-tags"]()
    rds = aws("rds")
    arn = rds.create_global_cluster(
        GlobalClusterIdentifier="g",
        Engine="aurora-postgresql",
        EngineVersion="15.13",
        Tags=[{"Key": "Owner", "Value": "team"}],
    )["GlobalCluster"]["GlobalClusterArn"]
    rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "Environment", "Value": "dev"}])
    rds.remove_tags_from_resource(ResourceName=arn, TagKeys=["Owner"])
    assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "Environment", "Value": "dev"}]
