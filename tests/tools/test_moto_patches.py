"""Each moto compatibility fix in tools/moto_patches.py, applied in-process: every test fails without its fix."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from tools import moto_patches

REGION = "us-east-1"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Any:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield lambda service: boto3.client(service, region_name=REGION)


def test_applicationautoscaling_tags_are_kept(aws: Any) -> None:
    moto_patches.PATCHES["applicationautoscaling-tags"]()
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(family="t", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 512}])
    ecs.create_service(cluster="c", serviceName="s", taskDefinition="t", desiredCount=1)
    scaling = aws("application-autoscaling")
    arn = scaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId="service/c/s",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=3,
        Tags={"Environment": "dev"},
    )["ScalableTargetARN"]
    scaling.tag_resource(ResourceARN=arn, Tags={"Owner": "team"})
    scaling.untag_resource(ResourceARN=arn, TagKeys=["Environment"])
    assert scaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Owner": "team"}


def test_rule_referencing_a_group_keeps_its_description(aws: Any) -> None:
    moto_patches.PATCHES["ec2-referenced-group-rule-description"]()
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    source = ec2.create_security_group(GroupName="a", Description="a", VpcId=vpc)["GroupId"]
    target = ec2.create_security_group(GroupName="b", Description="b", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=target,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": source, "Description": "service to PostgreSQL"}],
            }
        ],
    )
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [target]}])
    (rule,) = [r for r in rules["SecurityGroupRules"] if not r["IsEgress"]]
    assert rule["ReferencedGroupInfo"]["GroupId"] == source
    assert rule["Description"] == "service to PostgreSQL"


def test_db_instances_get_their_own_identity_and_insights(aws: Any) -> None:
    moto_patches.PATCHES["rds-instance-identity-and-insights"]()
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


def test_ecs_service_keeps_grace_period_and_rebalancing(aws: Any) -> None:
    moto_patches.PATCHES["ecs-service-grace-period-and-rebalancing"]()
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(family="t", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 512}])
    service = ecs.create_service(
        cluster="c",
        serviceName="s",
        taskDefinition="t",
        desiredCount=1,
        healthCheckGracePeriodSeconds=60,
        availabilityZoneRebalancing="DISABLED",
    )["service"]
    (described,) = ecs.describe_services(cluster="c", services=["s"])["services"]
    for found in (service, described):
        assert (found["healthCheckGracePeriodSeconds"], found["availabilityZoneRebalancing"]) == (60, "DISABLED")


def test_provisioned_cluster_has_no_serverless_scaling_info(aws: Any) -> None:
    moto_patches.PATCHES["rds-provisioned-cluster-scaling-info"]()
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


def test_tls_only_bucket_policy_does_not_deny_object_requests(aws: Any) -> None:
    moto_patches.PATCHES["iam-deny-on-missing-condition-key"]()
    s3 = aws("s3")
    s3.create_bucket(Bucket="state")
    s3.put_object(Bucket="state", Key="kept", Body=b"x")
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::state/*"}
    s3.put_bucket_policy(
        Bucket="state",
        Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [deny | {"Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
        ),
    )
    assert s3.head_object(Bucket="state", Key="kept")["ContentLength"] == 1
    s3.put_bucket_policy(Bucket="state", Policy=json.dumps({"Version": "2012-10-17", "Statement": [deny]}))
    with pytest.raises(ClientError, match="403"):
        s3.head_object(Bucket="state", Key="kept")


def test_logging_target_with_a_principal_star_statement_is_accepted(aws: Any) -> None:
    moto_patches.PATCHES["s3-logging-target-policy-principal-star"]()
    s3 = aws("s3")
    for bucket in ("source-bucket", "log-bucket"):
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(
        Bucket="log-bucket",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": "arn:aws:s3:::log-bucket/*",
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                    {
                        "Sid": "S3ServerAccessLogs",
                        "Effect": "Allow",
                        "Principal": {"Service": "logging.s3.amazonaws.com"},
                        "Action": "s3:PutObject",
                        "Resource": "arn:aws:s3:::log-bucket/*",
                    },
                ],
            }
        ),
    )
    s3.put_bucket_logging(
        Bucket="source-bucket",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "log-bucket", "TargetPrefix": "s3/source/"}},
    )
    assert s3.get_bucket_logging(Bucket="source-bucket")["LoggingEnabled"] == {
        "TargetBucket": "log-bucket",
        "TargetPrefix": "s3/source/",
    }


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
    moto_patches.PATCHES["elasticache-replication-group-members"]()
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
    moto_patches.PATCHES["elasticache-subnet-group-delete"]()
    elasticache = aws("elasticache")
    elasticache.create_cache_subnet_group(CacheSubnetGroupName="sg", CacheSubnetGroupDescription="d", SubnetIds=[])
    elasticache.delete_cache_subnet_group(CacheSubnetGroupName="sg")
    assert elasticache.describe_cache_subnet_groups()["CacheSubnetGroups"] == []


def test_user_groups_are_created_described_and_deleted(aws: Any) -> None:
    moto_patches.PATCHES["elasticache-user-groups"]()
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


def test_lambda_keeps_its_dead_letter_config(aws: Any) -> None:
    moto_patches.PATCHES["lambda-dead-letter-config"]()
    import io  # pylint: disable=import-outside-toplevel
    import zipfile  # pylint: disable=import-outside-toplevel

    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    role = aws("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    sqs = aws("sqs")
    queues = [
        sqs.get_queue_attributes(QueueUrl=sqs.create_queue(QueueName=n)["QueueUrl"], AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        for n in ("a", "b")
    ]
    lam = aws("lambda")
    lam.create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": code.getvalue()},
        DeadLetterConfig={"TargetArn": queues[0]},
    )
    assert lam.get_function_configuration(FunctionName="fn")["DeadLetterConfig"] == {"TargetArn": queues[0]}
    lam.update_function_configuration(FunctionName="fn", DeadLetterConfig={"TargetArn": queues[1]})
    assert lam.get_function(FunctionName="fn")["Configuration"]["DeadLetterConfig"] == {"TargetArn": queues[1]}


def test_sqs_redrive_policy_comes_back_compact(aws: Any) -> None:
    moto_patches.PATCHES["sqs-compact-redrive-policy"]()
    sqs = aws("sqs")
    dlq = sqs.get_queue_attributes(QueueUrl=sqs.create_queue(QueueName="dlq")["QueueUrl"], AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    url = sqs.create_queue(
        QueueName="q", Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq, "maxReceiveCount": 3})}
    )["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["RedrivePolicy"] == f'{{"deadLetterTargetArn":"{dlq}","maxReceiveCount":3}}'


def test_dynamodb_replica_is_created_in_its_region_and_listed(aws: Any) -> None:
    moto_patches.PATCHES["dynamodb-global-table-replicas"]()
    dynamodb = aws("dynamodb")
    dynamodb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    dynamodb.update_table(
        TableName="t",
        ReplicaUpdates=[
            {"Create": {"RegionName": "us-west-2", "KMSMasterKeyId": "arn:aws:kms:us-west-2:123456789012:key/k"}}
        ],
    )
    table = dynamodb.describe_table(TableName="t")["Table"]
    assert table["Replicas"] == [
        {
            "RegionName": "us-west-2",
            "ReplicaStatus": "ACTIVE",
            "KMSMasterKeyId": "arn:aws:kms:us-west-2:123456789012:key/k",
        }
    ]
    west = boto3.client("dynamodb", region_name="us-west-2")
    replica = west.describe_table(TableName="t")["Table"]
    assert (replica["KeySchema"], replica["SSEDescription"]["KMSMasterKeyArn"]) == (
        [{"AttributeName": "id", "KeyType": "HASH"}],
        "arn:aws:kms:us-west-2:123456789012:key/k",
    )
    dynamodb.update_table(TableName="t", ReplicaUpdates=[{"Delete": {"RegionName": "us-west-2"}}])
    assert "Replicas" not in dynamodb.describe_table(TableName="t")["Table"]
    assert west.list_tables()["TableNames"] == []


def test_secondary_leaves_the_global_cluster_from_its_own_region(aws: Any) -> None:
    moto_patches.PATCHES["rds-global-cluster-members"]()
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


def test_replication_rule_keeps_delete_markers_and_kms_selection(aws: Any) -> None:
    moto_patches.PATCHES["s3-replication-rule-fields"]()
    s3 = aws("s3")
    for name in ("src", "dst"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    rule = {
        "ID": "r",
        "Priority": 1,
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "DeleteMarkerReplication": {"Status": "Enabled"},
        "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
        "Destination": {"Bucket": "arn:aws:s3:::dst", "EncryptionConfiguration": {"ReplicaKmsKeyID": "k"}},
    }
    s3.put_bucket_replication(
        Bucket="src", ReplicationConfiguration={"Role": "arn:aws:iam::123456789012:role/r", "Rules": [rule]}
    )
    (got,) = s3.get_bucket_replication(Bucket="src")["ReplicationConfiguration"]["Rules"]
    assert got["DeleteMarkerReplication"] == {"Status": "Enabled"}
    assert got["SourceSelectionCriteria"] == {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    assert (got["Filter"], got["Priority"]) == ({"Prefix": ""}, 1)


def test_db_parameters_set_by_the_user_read_back_as_user_parameters(aws: Any) -> None:
    moto_patches.PATCHES["rds-db-parameter-source"]()
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
    moto_patches.PATCHES["rds-global-cluster-tags"]()
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


def test_secret_replica_keeps_its_kms_key(aws: Any) -> None:
    key = boto3.client("kms", region_name="us-west-2").create_key()["KeyMetadata"]["Arn"]

    def replica_key(name: str) -> str:
        aws("secretsmanager").create_secret(Name=name, AddReplicaRegions=[{"Region": "us-west-2", "KmsKeyId": key}])
        (status,) = aws("secretsmanager").describe_secret(SecretId=name)["ReplicationStatus"]
        return str(status["KmsKeyId"])

    if not getattr(
        __import__("moto.secretsmanager.models", fromlist=["FakeSecret"]).FakeSecret.create_replicas,
        "replica_key_patched",
        False,
    ):
        assert replica_key("before") == "alias/aws/secretsmanager"  # the gap, while unpatched
    moto_patches.PATCHES["secretsmanager-replica-kms-key"]()
    assert replica_key("after") == key
