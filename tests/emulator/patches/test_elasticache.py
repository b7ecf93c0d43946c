"""The fixes of emulator/patches/elasticache.py, applied in-process: every test fails without its fix."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import patches


def _redis_group(elasticache: Any, **extra: Any) -> dict[str, Any]:
    elasticache.create_cache_subnet_group(CacheSubnetGroupName="sg", CacheSubnetGroupDescription="d", SubnetIds=[])
    return elasticache.create_replication_group(
        ReplicationGroupId="r",
        ReplicationGroupDescription="d",
        Engine="redis",
        EngineVersion="7.1",
        CacheNodeType="cache.t4g.small",
        NumCacheClusters=2,
        CacheSubnetGroupName="sg",
        SecurityGroupIds=["sg-1"],
        AtRestEncryptionEnabled=True,
        TransitEncryptionEnabled=True,
        **extra,
    )["ReplicationGroup"]


def test_replication_group_members_exist_and_carry_its_settings(aws: Any) -> None:
    patches.PATCHES["elasticache-replication-group-members"]()
    elasticache = aws("elasticache")
    group = _redis_group(elasticache)
    assert group["MemberClusters"] == ["r-001", "r-002"]
    (cluster,) = elasticache.describe_cache_clusters(CacheClusterId="r-001")["CacheClusters"]
    assert (cluster["ReplicationGroupId"], cluster["EngineVersion"], cluster["CacheSubnetGroupName"]) == (
        "r",
        "7.1",
        "sg",
    )
    assert (cluster["AtRestEncryptionEnabled"], cluster["TransitEncryptionEnabled"]) == (True, True)
    assert [g["SecurityGroupId"] for g in cluster["SecurityGroups"]] == ["sg-1"]


def test_cache_subnet_group_can_be_deleted(aws: Any) -> None:
    patches.PATCHES["elasticache-subnet-group-delete"]()
    elasticache = aws("elasticache")
    elasticache.create_cache_subnet_group(CacheSubnetGroupName="sg", CacheSubnetGroupDescription="d", SubnetIds=[])
    elasticache.delete_cache_subnet_group(CacheSubnetGroupName="sg")
    assert elasticache.describe_cache_subnet_groups()["CacheSubnetGroups"] == []


def test_user_groups_are_created_described_and_deleted(aws: Any) -> None:
    patches.PATCHES["elasticache-user-groups"]()
    elasticache = aws("elasticache")
    elasticache.create_user(
        UserId="app", UserName="app", Engine="redis", AccessString="on ~* +@all", AuthenticationMode={"Type": "iam"}
    )
    arn = elasticache.create_user_group(
        UserGroupId="g", Engine="redis", UserIds=["default", "app"], Tags=[{"Key": "Environment", "Value": "dev"}]
    )["ARN"]
    (group,) = elasticache.describe_user_groups(UserGroupId="g")["UserGroups"]
    assert (group["Status"], group["UserIds"]) == ("active", ["default", "app"])
    assert elasticache.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "Environment", "Value": "dev"}]
    elasticache.delete_user_group(UserGroupId="g")
    elasticache.describe_user_groups(UserGroupId="g")
    with pytest.raises(ClientError, match="UserGroupNotFound"):
        elasticache.describe_user_groups(UserGroupId="g")
