"""flask-api-dev really applied to the emulator, checked with boto3 from its flat outputs, and re-planned clean."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest

from tests.conftest import Deployment, integration_target
from tools.deploy import OUTPUTS_FILE

pytestmark = pytest.mark.integration
TARGET = integration_target()
STACK = TARGET.stack("flask-api")
ENV = TARGET.env_id


@pytest.fixture(scope="module")
def outputs(deploy: Any) -> dict[str, Any]:
    deployed: dict[str, Any] = deploy(STACK)
    return deployed


def test_outputs_file_holds_the_stack_outputs(outputs: dict[str, Any]) -> None:
    assert json.loads(OUTPUTS_FILE.read_text(encoding="utf-8"))[STACK] == outputs
    assert (outputs["ecs_cluster_name"], outputs["log_group_name"]) == (
        f"flask-api-api-{ENV}",
        f"/ecs/flask-api-api-{ENV}",
    )
    assert outputs["db_cluster_identifier"] == f"flask-api-db-{ENV}"


def test_vpc_cidr_and_dns_attributes(outputs: dict[str, Any], emulator_deployment: Deployment) -> None:
    ec2 = emulator_deployment.client("ec2")
    (vpc,) = ec2.describe_vpcs(VpcIds=[outputs["vpc_id"]])["Vpcs"]
    assert vpc["CidrBlock"] == "10.41.0.0/16"
    support = ec2.describe_vpc_attribute(VpcId=outputs["vpc_id"], Attribute="enableDnsSupport")
    hostnames = ec2.describe_vpc_attribute(VpcId=outputs["vpc_id"], Attribute="enableDnsHostnames")
    assert (support["EnableDnsSupport"]["Value"], hostnames["EnableDnsHostnames"]["Value"]) == (True, True)


def test_subnets_span_two_zones_and_nat_gateway_is_available(
    outputs: dict[str, Any], emulator_deployment: Deployment
) -> None:
    ec2 = emulator_deployment.client("ec2")
    public = ec2.describe_subnets(SubnetIds=outputs["public_subnet_ids"])["Subnets"]
    private = ec2.describe_subnets(SubnetIds=outputs["private_subnet_ids"])["Subnets"]
    assert sorted(s["AvailabilityZone"] for s in public) == ["us-east-1a", "us-east-1b"]
    assert sorted(s["AvailabilityZone"] for s in private) == ["us-east-1a", "us-east-1b"]
    assert sorted(s["CidrBlock"] for s in private) == ["10.41.128.0/20", "10.41.144.0/20"]
    nats = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [outputs["vpc_id"]]}])["NatGateways"]
    assert [(n["State"], n["SubnetId"] in outputs["public_subnet_ids"]) for n in nats] == [("available", True)]


def test_alb_is_active_with_its_listener(outputs: dict[str, Any], emulator_deployment: Deployment) -> None:
    elb = emulator_deployment.client("elbv2")
    (alb,) = elb.describe_load_balancers(LoadBalancerArns=[outputs["alb_arn"]])["LoadBalancers"]
    assert (alb["State"]["Code"], alb["Type"], alb["DNSName"]) == ("active", "application", outputs["alb_dns_name"])
    listeners = elb.describe_listeners(LoadBalancerArn=outputs["alb_arn"])["Listeners"]
    assert [(listener["Port"], listener["Protocol"]) for listener in listeners] == [(80, "HTTP")]
    attributes = {
        a["Key"]: a["Value"]
        for a in elb.describe_load_balancer_attributes(LoadBalancerArn=outputs["alb_arn"])["Attributes"]
    }
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert (attributes["access_logs.s3.enabled"], attributes["access_logs.s3.bucket"]) == (
        "true",
        f"flask-api-alb-logs-{ENV}-{TARGET.account_id}",
    )


def test_ecs_service_runs_on_fargate_with_desired_count(
    outputs: dict[str, Any], emulator_deployment: Deployment
) -> None:
    ecs = emulator_deployment.client("ecs")
    (cluster,) = ecs.describe_clusters(clusters=[outputs["ecs_cluster_name"]], include=["SETTINGS"])["clusters"]
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    (service,) = ecs.describe_services(cluster=outputs["ecs_cluster_name"], services=[outputs["ecs_service_name"]])[
        "services"
    ]
    assert (service["desiredCount"], service["launchType"]) == (2, "FARGATE")
    assert service["taskDefinition"] == outputs["ecs_task_definition_arn"]
    targets = emulator_deployment.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[f"service/flask-api-api-{ENV}/flask-api-api-{ENV}"]
    )["ScalableTargets"]
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in targets] == [(2, 4)]


def test_task_definition_logs_to_the_group_and_reads_the_secret(
    outputs: dict[str, Any], emulator_deployment: Deployment
) -> None:
    task = emulator_deployment.client("ecs").describe_task_definition(
        taskDefinition=outputs["ecs_task_definition_arn"]
    )["taskDefinition"]
    (container,) = task["containerDefinitions"]
    assert container["logConfiguration"] == {
        "logDriver": "awslogs",
        "options": {
            "awslogs-group": outputs["log_group_name"],
            "awslogs-region": "us-east-1",
            "awslogs-stream-prefix": "app",
        },
    }
    assert container["secrets"] == [
        {"name": "DB_PASSWORD", "valueFrom": f"{outputs['db_secret_arn']}:password::"},
        {"name": "DB_USERNAME", "valueFrom": f"{outputs['db_secret_arn']}:username::"},
    ]
    assert container["image"] == f"{outputs['ecr_repository_url']}:1.0.0"
    assert (task["cpu"], task["memory"], task["networkMode"]) == ("256", "512", "awsvpc")


def test_repository_scans_on_push(outputs: dict[str, Any], emulator_deployment: Deployment) -> None:
    name = outputs["ecr_repository_url"].split("/", 1)[1]
    (repository,) = emulator_deployment.client("ecr").describe_repositories(repositoryNames=[name])["repositories"]
    assert repository["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repository["imageTagMutability"] == "IMMUTABLE"
    assert repository["encryptionConfiguration"]["encryptionType"] == "KMS"


def test_log_groups_keep_a_year_encrypted(outputs: dict[str, Any], emulator_deployment: Deployment) -> None:
    logs = emulator_deployment.client("logs")
    for name in (outputs["log_group_name"], outputs["flow_log_group_name"]):
        (group,) = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        assert (group["logGroupName"], group["retentionInDays"]) == (name, 365)
        assert group["kmsKeyId"].startswith(f"arn:aws:kms:us-east-1:{TARGET.account_id}:key/")


def test_aurora_cluster_is_encrypted_in_its_subnet_group(
    outputs: dict[str, Any], emulator_deployment: Deployment
) -> None:
    rds = emulator_deployment.client("rds")
    (cluster,) = rds.describe_db_clusters(DBClusterIdentifier=outputs["db_cluster_identifier"])["DBClusters"]
    assert (cluster["Engine"], cluster["EngineVersion"], cluster["MasterUsername"]) == (
        "aurora-postgresql",
        "16.9",
        "dbadmin",
    )
    assert (cluster["StorageEncrypted"], cluster["IAMDatabaseAuthenticationEnabled"]) == (True, True)
    assert cluster["Endpoint"] == outputs["db_cluster_endpoint"]
    assert cluster["ReaderEndpoint"] == outputs["db_cluster_reader_endpoint"]
    assert cluster["DBSubnetGroup"] == f"flask-api-db-{ENV}"
    (group,) = rds.describe_db_subnet_groups(DBSubnetGroupName=f"flask-api-db-{ENV}")["DBSubnetGroups"]
    assert sorted(s["SubnetIdentifier"] for s in group["Subnets"]) == sorted(outputs["private_subnet_ids"])
    assert cluster["MasterUserSecret"]["SecretArn"] == outputs["db_secret_arn"]


def test_managed_secret_is_owned_by_the_cluster(outputs: dict[str, Any], emulator_deployment: Deployment) -> None:
    (cluster,) = emulator_deployment.client("rds").describe_db_clusters(
        DBClusterIdentifier=outputs["db_cluster_identifier"]
    )["DBClusters"]
    secret = emulator_deployment.client("secretsmanager").describe_secret(SecretId=outputs["db_secret_arn"])
    tags = {tag["Key"]: tag["Value"] for tag in secret["Tags"]}
    assert (secret["OwningService"], tags["aws:rds:primaryDBClusterArn"]) == ("rds", cluster["DBClusterArn"])


def test_second_plan_has_no_changes(outputs: dict[str, Any], second_plan: Callable[[str], bool]) -> None:
    """A plan of the applied stack has no changes (planned side by side with the others once all applied)."""
    del outputs
    assert second_plan(STACK) is False
