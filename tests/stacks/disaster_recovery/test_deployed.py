"""disaster-recovery-dev deployed to the emulator in both regions, checked with boto3 per region, re-planned and
destroyed: once this module's other tests ran, the destroy runs in the background (conftest `background_destroy`)
while later tests run, and `test_destroy_completes` (marked `session_end`: after every other test) checks it; no
later test uses the stack."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

import pytest

from tests.conftest import Deployment, integration_target

pytestmark = pytest.mark.integration
TARGET = integration_target()
STACK = TARGET.stack("disaster-recovery")
ENV = TARGET.env_id
ACCOUNT = TARGET.account_id
PRIMARY, DR = "us-east-1", "us-west-2"
ALARMS = {
    "aurora-replication-lag": (DR, 5000),
    "s3-replication-latency": (PRIMARY, 900),
    "s3-replication-failed": (PRIMARY, 1),
    "dynamodb-replication-latency": (PRIMARY, 5000),
    "primary-health-check": (PRIMARY, 1),
    "dr-health-check": (PRIMARY, 1),
}


@pytest.fixture(scope="module")
def outputs(deploy: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    return deploy(STACK)


@pytest.fixture(scope="module")
def aws(emulator_deployment: Deployment) -> Callable[..., Any]:
    return emulator_deployment.client


@pytest.fixture(scope="module", autouse=True)
def destroyed_after_the_module(emulator_deployment: Deployment, background_destroy: Any) -> Iterator[None]:
    """When this module's tests have read the deployed stack, its destroy starts in the background."""
    yield
    if STACK in emulator_deployment.outputs:  # deployed (when it failed, the destroy test says so)
        background_destroy.start(STACK)


def test_each_region_has_its_own_vpc(outputs: dict[str, Any], aws: Callable[..., Any]) -> None:
    for label, region, cidr in (("primary", PRIMARY, "10.50.0.0/16"), ("dr", DR, "10.51.0.0/16")):
        (vpc,) = aws("ec2", region=region).describe_vpcs(VpcIds=[outputs[f"{label}_vpc_id"]])["Vpcs"]
        assert vpc["CidrBlock"] == cidr


def test_global_cluster_holds_the_primary_and_the_secondary(outputs: dict[str, Any], aws: Callable[..., Any]) -> None:
    (cluster,) = aws("rds").describe_global_clusters(GlobalClusterIdentifier=outputs["global_cluster_id"])[
        "GlobalClusters"
    ]
    members = {m["DBClusterArn"].rsplit(":", 1)[1]: m["IsWriter"] for m in cluster["GlobalClusterMembers"]}
    assert members == {f"disaster-recovery-primary-db-{ENV}": True, f"disaster-recovery-dr-db-{ENV}": False}
    (secondary,) = aws("rds", region=DR).describe_db_clusters(DBClusterIdentifier=outputs["dr_db_cluster_identifier"])[
        "DBClusters"
    ]
    assert secondary["KmsKeyId"].startswith(f"arn:aws:kms:{DR}:{ACCOUNT}:key/")
    assert secondary["DBClusterIdentifier"] == f"disaster-recovery-dr-db-{ENV}"


def test_primary_bucket_replicates_delete_markers_and_kms_objects(
    outputs: dict[str, Any], aws: Callable[..., Any]
) -> None:
    config = aws("s3").get_bucket_replication(Bucket=outputs["primary_bucket_name"])["ReplicationConfiguration"]
    (rule,) = config["Rules"]
    assert rule["DeleteMarkerReplication"] == {"Status": "Enabled"}
    assert rule["SourceSelectionCriteria"] == {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    assert rule["Destination"]["Bucket"] == f"arn:aws:s3:::{outputs['dr_bucket_name']}"
    assert rule["Destination"]["EncryptionConfiguration"]["ReplicaKmsKeyID"].startswith(f"arn:aws:kms:{DR}:")
    assert config["Role"] == f"arn:aws:iam::{ACCOUNT}:role/disaster-recovery-replication-{ENV}"
    versioning = aws("s3", region=DR).get_bucket_versioning(Bucket=outputs["dr_bucket_name"])
    assert versioning["Status"] == "Enabled"


def test_table_has_an_active_replica_in_the_dr_region(outputs: dict[str, Any], aws: Callable[..., Any]) -> None:
    table = aws("dynamodb").describe_table(TableName=outputs["table_name"])["Table"]
    (replica,) = table["Replicas"]
    assert (replica["RegionName"], replica["ReplicaStatus"]) == (DR, "ACTIVE")
    assert replica["KMSMasterKeyId"].startswith(f"arn:aws:kms:{DR}:{ACCOUNT}:key/")
    dr_table = aws("dynamodb", region=DR).describe_table(TableName=outputs["table_name"])["Table"]
    assert dr_table["TableStatus"] == "ACTIVE"
    backups = aws("dynamodb", region=DR).describe_continuous_backups(TableName=outputs["table_name"])
    assert (
        backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
        == "ENABLED"
    )


def test_failover_records_point_at_each_region_with_its_health_check(
    outputs: dict[str, Any], aws: Callable[..., Any]
) -> None:
    route53 = aws("route53")
    records = route53.list_resource_record_sets(HostedZoneId=outputs["zone_id"])["ResourceRecordSets"]
    failover = {r["Failover"]: r for r in records if r.get("Failover")}
    assert set(failover) == {"PRIMARY", "SECONDARY"}
    for role, label, region in (("PRIMARY", "primary", PRIMARY), ("SECONDARY", "dr", DR)):
        record = failover[role]
        assert (record["Name"], record["SetIdentifier"]) == ("api.dr-dev.example.com.", label)
        assert record["HealthCheckId"] == outputs[f"{label}_health_check_id"]
        check = route53.get_health_check(HealthCheckId=record["HealthCheckId"])["HealthCheck"]
        config = check["HealthCheckConfig"]
        assert (config["Type"], config["InsufficientDataHealthStatus"]) == ("CLOUDWATCH_METRIC", "Unhealthy")
        assert config["AlarmIdentifier"] == {"Name": outputs[f"{label}_health_alarm_name"], "Region": region}
        domain = aws("apigateway", region=region).get_domain_name(domainName="api.dr-dev.example.com")
        assert record["AliasTarget"]["DNSName"].rstrip(".") == domain["regionalDomainName"]
        assert record["AliasTarget"]["HostedZoneId"] == domain["regionalHostedZoneId"]
        assert record["AliasTarget"]["EvaluateTargetHealth"] is False
        assert "ResourceRecords" not in record


def test_each_region_serves_the_failover_name_over_tls_with_its_own_certificate(
    outputs: dict[str, Any], aws: Callable[..., Any]
) -> None:
    assert outputs["api_url"] == "https://api.dr-dev.example.com/health"
    for label, region in (("primary", PRIMARY), ("dr", DR)):
        arn = outputs[f"{label}_certificate_arn"]
        assert arn.startswith(f"arn:aws:acm:{region}:{ACCOUNT}:certificate/")
        certificate = aws("acm", region=region).describe_certificate(CertificateArn=arn)["Certificate"]
        assert (certificate["DomainName"], certificate["Status"], certificate["Type"]) == (
            "api.dr-dev.example.com",
            "ISSUED",
            "AMAZON_ISSUED",
        )
        gateway = aws("apigateway", region=region)
        domain = gateway.get_domain_name(domainName="api.dr-dev.example.com")
        assert (domain["regionalCertificateArn"], domain["securityPolicy"]) == (arn, "TLS_1_2")
        assert domain["endpointConfiguration"]["types"] == ["REGIONAL"]
        assert domain["regionalDomainName"] == outputs[f"{label}_regional_domain_name"]
        api_id = outputs[f"{label}_api_url"].split("//", 1)[1].split(".", 1)[0]
        (mapping,) = gateway.get_base_path_mappings(domainName="api.dr-dev.example.com")["items"]
        assert (mapping["restApiId"], mapping["stage"], mapping["basePath"]) == (api_id, "live", "(none)")


def test_alarms_watch_replication_and_health_in_their_regions(outputs: dict[str, Any], aws: Callable[..., Any]) -> None:
    prefix = f"disaster-recovery-dr-{ENV}-"
    found = {}
    for region in (PRIMARY, DR):
        for alarm in aws("cloudwatch", region=region).describe_alarms(AlarmNamePrefix=prefix)["MetricAlarms"]:
            found[alarm["AlarmName"].removeprefix(prefix)] = (region, alarm["Threshold"])
            label = "dr" if region == DR else "primary"
            assert alarm["AlarmActions"] == [outputs[f"{label}_alarm_topic_arn"]]
    assert found == ALARMS
    (lag,) = aws("cloudwatch", region=DR).describe_alarms(AlarmNames=[f"{prefix}aurora-replication-lag"])[
        "MetricAlarms"
    ]
    assert (lag["MetricName"], lag["Dimensions"]) == (
        "AuroraGlobalDBReplicationLag",
        [{"Name": "DBClusterIdentifier", "Value": f"disaster-recovery-dr-db-{ENV}"}],
    )


def test_functions_and_apis_exist_in_both_regions(outputs: dict[str, Any], aws: Callable[..., Any]) -> None:
    for label, region in (("primary", PRIMARY), ("dr", DR)):
        config = aws("lambda", region=region).get_function_configuration(FunctionName=outputs[f"{label}_function_name"])
        assert config["Environment"]["Variables"]["SITE_REGION"] == region
        api_id = outputs[f"{label}_api_url"].split("//", 1)[1].split(".", 1)[0]
        gateway = aws("apigateway", region=region)
        assert gateway.get_rest_api(restApiId=api_id)["name"] == f"disaster-recovery-{label}-api-{ENV}"
        (health,) = [r for r in gateway.get_resources(restApiId=api_id)["items"] if r["path"] == "/health"]
        integration = gateway.get_integration(restApiId=api_id, resourceId=health["id"], httpMethod="GET")
        assert integration["type"] == "AWS_PROXY"
        assert f":function:{outputs[f'{label}_function_name']}/invocations" in integration["uri"]


def test_each_sites_schedule_invokes_its_health_function_and_its_alarm_treats_silence_as_failure(
    outputs: dict[str, Any], aws: Callable[..., Any]
) -> None:
    """What each Route 53 health check watches, in the site's region: a one-minute EventBridge rule invoking the
    site's health function (only that rule may, besides the API's GET /health) and the alarm on its Errors."""
    for label, region in (("primary", PRIMARY), ("dr", DR)):
        events, function = aws("events", region=region), outputs[f"{label}_function_name"]
        rule = events.describe_rule(Name=outputs[f"{label}_health_schedule_name"])
        assert (rule["ScheduleExpression"], rule["State"]) == ("rate(1 minute)", "ENABLED")
        (target,) = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
        assert target["Arn"] == f"arn:aws:lambda:{region}:{ACCOUNT}:function:{function}"
        policy = json.loads(aws("lambda", region=region).get_policy(FunctionName=function)["Policy"])
        statements = {s["Sid"]: s for s in policy["Statement"]}
        scheduled = statements["AllowHealthFromSchedule"]
        assert scheduled["Principal"] == {"Service": "events.amazonaws.com"}
        assert scheduled["Condition"]["ArnLike"]["AWS:SourceArn"] == rule["Arn"]
        invoke = aws("lambda", region=region).get_function_event_invoke_config(FunctionName=function)
        assert (invoke["MaximumRetryAttempts"], invoke["MaximumEventAgeInSeconds"]) == (0, 60)
        (alarm,) = aws("cloudwatch", region=region).describe_alarms(AlarmNames=[outputs[f"{label}_health_alarm_name"]])[
            "MetricAlarms"
        ]
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"], alarm["Period"]) == (
            "AWS/Lambda",
            "Errors",
            "Sum",
            60,
        )
        assert (alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"], alarm["Threshold"]) == (3, 2, 1)
        assert (alarm["ComparisonOperator"], alarm["TreatMissingData"]) == (
            "GreaterThanOrEqualToThreshold",
            "breaching",
        )
        assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": function}]


def test_health_routes_are_iam_authorized(outputs: dict[str, Any], aws: Callable[..., Any]) -> None:
    for label, region in (("primary", PRIMARY), ("dr", DR)):
        api_id = outputs[f"{label}_api_url"].split("//", 1)[1].split(".", 1)[0]
        gateway = aws("apigateway", region=region)
        (health,) = [r for r in gateway.get_resources(restApiId=api_id)["items"] if r["path"] == "/health"]
        method = gateway.get_method(restApiId=api_id, resourceId=health["id"], httpMethod="GET")
        assert method["authorizationType"] == "AWS_IAM"


def test_second_plan_has_no_changes(outputs: dict[str, Any], second_plan: Callable[[str], bool]) -> None:
    """A plan of the applied stack has no changes (planned side by side with the others once all applied)."""
    assert outputs
    assert second_plan(STACK) is False


@pytest.mark.session_end
def test_destroy_completes(outputs: dict[str, Any], background_destroy: Any, aws: Callable[..., Any]) -> None:
    background_destroy.wait(STACK)
    assert aws("rds").describe_global_clusters()["GlobalClusters"] == []
    assert outputs["table_name"] not in aws("dynamodb", region=DR).list_tables()["TableNames"]
