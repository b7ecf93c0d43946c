"""fraud-detection-dev deployed to the emulator, checked with boto3 against the stack's outputs, and re-planned."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest

from tests.conftest import Deployment, integration_target
from tests.stacks.fraud_detection import alarm_thresholds

pytestmark = pytest.mark.integration
TARGET = integration_target()
STACK = TARGET.stack("fraud-detection")
ENV = TARGET.env_id
ACCOUNT = TARGET.account_id
ALARMS = alarm_thresholds("dev")  # the emulator deploys dev


@pytest.fixture(scope="module")
def outputs(deploy: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    return deploy(STACK)


@pytest.fixture(scope="module")
def aws(emulator_deployment: Deployment) -> Callable[[str], Any]:
    return emulator_deployment.client


def test_outputs_name_every_resource_for_the_environment(outputs: dict[str, Any]) -> None:
    assert (outputs["ecs_cluster_name"], outputs["ecs_service_name"]) == (f"fraud-detection-scoring-{ENV}",) * 2
    assert outputs["table_name"] == f"fraud-detection-rules-{ENV}"
    assert outputs["table_arn"] == f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/fraud-detection-rules-{ENV}"
    assert outputs["table_replica_regions"] == []
    assert outputs["dashboard_name"] == f"fraud-detection-monitoring-{ENV}"
    assert outputs["alarm_topic_arn"] == f"arn:aws:sns:us-east-1:{ACCOUNT}:fraud-detection-monitoring-{ENV}-alarms"
    assert outputs["db_cluster_identifier"] == f"fraud-detection-db-{ENV}"
    assert outputs["db_secret_arn"].startswith(f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:")


def test_load_balancer_is_active(outputs: dict[str, Any], aws: Callable[[str], Any]) -> None:
    (alb,) = aws("elbv2").describe_load_balancers(Names=[f"fraud-detection-alb-{ENV}"])["LoadBalancers"]
    assert (alb["DNSName"], alb["State"]["Code"], alb["Type"]) == (outputs["alb_dns_name"], "active", "application")


def test_service_runs_the_task_with_resolved_references(outputs: dict[str, Any], aws: Callable[[str], Any]) -> None:
    ecs = aws("ecs")
    (service,) = ecs.describe_services(cluster=outputs["ecs_cluster_name"], services=[outputs["ecs_service_name"]])[
        "services"
    ]
    assert (service["status"], service["launchType"], service["desiredCount"]) == ("ACTIVE", "FARGATE", 1)
    task = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    assert (task["cpu"], task["memory"]) == ("512", "1024")
    (container,) = task["containerDefinitions"]
    assert {e["name"]: e["value"] for e in container["environment"]} == {
        "DB_HOST": outputs["db_cluster_endpoint"],
        "DB_PORT": "5432",
        "DB_NAME": "fraud",
        "RULES_TABLE_NAME": outputs["table_name"],
        "RULES_BY_SET_INDEX": "by-rule-set",
    }
    assert container["logConfiguration"]["options"]["awslogs-group"] == outputs["log_group_name"]
    assert {s["name"]: s["valueFrom"] for s in container["secrets"]} == {
        "DB_USERNAME": f"{outputs['db_secret_arn']}:username::",
        "DB_PASSWORD": f"{outputs['db_secret_arn']}:password::",
    }


def test_aurora_cluster_is_available_with_the_catalog_version(
    outputs: dict[str, Any], aws: Callable[[str], Any]
) -> None:
    rds = aws("rds")
    (cluster,) = rds.describe_db_clusters(DBClusterIdentifier=outputs["db_cluster_identifier"])["DBClusters"]
    assert (cluster["Status"], cluster["Engine"], cluster["EngineVersion"]) == (
        "available",
        "aurora-postgresql",
        "15.13",
    )
    assert (cluster["MasterUsername"], cluster["StorageEncrypted"], cluster["KmsKeyId"]) == (
        "fraudadmin",
        True,
        outputs["data_kms_key_arn"],
    )
    assert cluster["Endpoint"] == outputs["db_cluster_endpoint"]
    assert cluster["MasterUserSecret"]["SecretArn"] == outputs["db_secret_arn"]
    assert cluster["DeletionProtection"] is False
    assert [m["DBInstanceIdentifier"] for m in cluster["DBClusterMembers"]] == [f"fraud-detection-db-{ENV}-0"]


def test_rules_table_is_active_with_index_stream_recovery_and_encryption(
    outputs: dict[str, Any], aws: Callable[[str], Any]
) -> None:
    dynamodb = aws("dynamodb")
    table = dynamodb.describe_table(TableName=outputs["table_name"])["Table"]
    assert table["TableStatus"] == "ACTIVE"
    (index,) = table["GlobalSecondaryIndexes"]
    assert (index["IndexName"], index["KeySchema"]) == (
        "by-rule-set",
        [{"AttributeName": "rule_set", "KeyType": "HASH"}, {"AttributeName": "priority", "KeyType": "RANGE"}],
    )
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert (table["SSEDescription"]["Status"], table["SSEDescription"]["SSEType"]) == ("ENABLED", "KMS")
    assert table["SSEDescription"]["KMSMasterKeyArn"] == outputs["data_kms_key_arn"]
    assert "Replicas" not in table or table["Replicas"] == []
    backups = dynamodb.describe_continuous_backups(TableName=outputs["table_name"])["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


def test_rule_written_is_found_through_the_rule_set_index(outputs: dict[str, Any], aws: Callable[[str], Any]) -> None:
    dynamodb = aws("dynamodb")
    dynamodb.put_item(
        TableName=outputs["table_name"],
        Item={"rule_id": {"S": "velocity-1"}, "rule_set": {"S": "card-present"}, "priority": {"N": "10"}},
    )
    found = dynamodb.query(
        TableName=outputs["table_name"],
        IndexName="by-rule-set",
        KeyConditionExpression="rule_set = :s",
        ExpressionAttributeValues={":s": {"S": "card-present"}},
    )["Items"]
    assert [i["rule_id"]["S"] for i in found] == ["velocity-1"]


@pytest.mark.emulator_gap
def test_replicas_are_created_in_each_replica_region() -> None:
    pytest.skip(
        "dev has no replica regions, and the emulator (moto 5.2.5) never creates DynamoDB global table "
        "replicas (machine.md gap 8: an apply with replica blocks waits ~30 min); staging's and prod's "
        "replica blocks, regional keys and aliased providers are checked at synth level in "
        "tests/stacks/fraud_detection/test_stack.py"
    )


def test_dashboard_shows_the_deployed_resources(outputs: dict[str, Any], aws: Callable[[str], Any]) -> None:
    body = json.loads(aws("cloudwatch").get_dashboard(DashboardName=outputs["dashboard_name"])["DashboardBody"])
    metrics = [m for w in body["widgets"] if w["type"] == "metric" for m in w["properties"]["metrics"]]
    names = {value for metric in metrics for value in metric if isinstance(value, str)}
    assert {
        outputs["ecs_cluster_name"],
        outputs["ecs_service_name"],
        outputs["db_cluster_identifier"],
        outputs["table_name"],
    } <= names
    assert any(n.startswith(f"app/fraud-detection-alb-{ENV}/") for n in names)
    (alarm_widget,) = [w for w in body["widgets"] if w["type"] == "alarm"]
    assert len(alarm_widget["properties"]["alarms"]) == len(ALARMS)


def test_alarms_notify_the_encrypted_topic_at_the_dev_thresholds(
    outputs: dict[str, Any], aws: Callable[[str], Any]
) -> None:
    prefix = f"fraud-detection-monitoring-{ENV}-"
    alarms = aws("cloudwatch").describe_alarms(AlarmNamePrefix=prefix)["MetricAlarms"]
    assert {a["AlarmName"].removeprefix(prefix): a["Threshold"] for a in alarms} == ALARMS
    topic = outputs["alarm_topic_arn"]
    assert all(a["AlarmActions"] == [topic] and a["OKActions"] == [topic] for a in alarms)
    attributes = aws("sns").get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["KmsMasterKeyId"].startswith(f"arn:aws:kms:us-east-1:{ACCOUNT}:key/")
    statements = {s["Sid"]: s for s in json.loads(attributes["Policy"])["Statement"]}
    assert statements["CloudWatchAlarmsPublish"]["Principal"] == {"Service": "cloudwatch.amazonaws.com"}


def test_second_plan_has_no_changes(outputs: dict[str, Any], second_plan: Callable[[str], bool]) -> None:
    """A plan of the applied stack has no changes (planned side by side with the others once all applied)."""
    assert outputs
    assert second_plan(STACK) is False
