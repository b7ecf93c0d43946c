"""fraud-detection stack: exact synthesized values in every environment and the ephemeral copy (the values with
cdktf's Testing matchers; how a match is kept exact: tests/matching.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import Testing

from config import load_environments
from tests.conftest import EPHEMERAL_SUFFIX, Synth
from tests.matching import alone, exactly, ref
from tests.stacks import aurora_cluster
from tests.stacks.fraud_detection import alarm_thresholds

ENVS = ("dev", "staging", "prod")
STACKS = [f"fraud-detection-{e}" for e in ENVS] + [f"fraud-detection-dev-{EPHEMERAL_SUFFIX}"]
RECORDS = load_environments()


def replicas(env: str) -> list[str]:
    """The rules table's replica regions, from the record."""
    return list(RECORDS[env].fraud_detection.replica_regions)


def only_one(synth: Synth, stack: str, *rtypes: str) -> dict[str, int]:
    """{rtype: how many} of the stack's `rtypes` (a matcher finds ANY resource; a test of "the" resource counts)."""
    return {rtype: len(synth.resources(stack, rtype)) for rtype in rtypes}


def container(synth: Synth, stack: str) -> dict[str, Any]:
    text = synth.only(stack, "aws_ecs_task_definition")["container_definitions"]
    (parsed,) = json.loads(text)
    return dict(parsed)


@pytest.mark.parametrize("env", ENVS)
def test_rules_table_replicates_to_the_regions_of_the_record(synth: Synth, env: str) -> None:
    stack, received = f"fraud-detection-{env}", synth.file(f"fraud-detection-{env}")
    keys = synth.resources(stack, "aws_kms_key")
    replica = [
        {
            "region_name": region,
            "point_in_time_recovery": True,
            "kms_key_arn": ref(synth, stack, "aws_kms_key", "arn", f"RulesKey{region.title().replace('-', '')}_"),
        }
        for region in replicas(env)
    ]
    exact = {
        "point_in_time_recovery": {"enabled": True},
        "server_side_encryption": {"enabled": True, "kms_key_arn": ref(synth, stack, "aws_kms_key", "arn", "DataKey")},
    } | ({"replica": replica} if replica else {})
    table = {
        "stream_enabled": True,
        "stream_view_type": "NEW_AND_OLD_IMAGES",
        "deletion_protection_enabled": RECORDS[env].deletion_protection,
    } | exact
    assert Testing.to_have_resource_with_properties(received, "aws_dynamodb_table", table)
    found = synth.only(stack, "aws_dynamodb_table")
    assert exactly(found, exact)
    assert [r["region_name"] for r in found.get("replica", [])] == replicas(env)  # dev: none at all
    assert Testing.to_have_provider_with_properties(received, "aws", {"region": RECORDS[env].region})
    for region in replicas(env):
        alias = region.replace("-", "_")
        assert Testing.to_have_provider_with_properties(received, "aws", {"alias": alias, "region": region})
        (logical,) = [k for k in keys if k.startswith(f"RulesKey{region.title().replace('-', '')}_")]
        rules_key = {"provider": f"aws.{alias}", "enable_key_rotation": True}
        assert Testing.to_have_resource_with_properties(
            alone("aws_kms_key", logical, keys[logical]), "aws_kms_key", rules_key
        )
    # exactly these providers, the home one without an alias; the keys in the home region but the replicas'
    providers = {p.get("alias"): p["region"] for p in synth.json(stack)["provider"]["aws"]}
    aliased: dict[str | None, str] = {r.replace("-", "_"): r for r in replicas(env)}
    assert providers == {None: RECORDS[env].region, **aliased}
    assert sorted(k.get("provider", "home") for n, k in keys.items() if not n.startswith("Backup_")) == sorted(
        ["home"] * 3 + [f"aws.{r.replace('-', '_')}" for r in replicas(env)]
    )


@pytest.mark.parametrize("env", ENVS)
def test_rules_table_keys_and_index(synth: Synth, env: str) -> None:
    stack = f"fraud-detection-{env}"
    index = {
        "global_secondary_index": [
            {"name": "by-rule-set", "hash_key": "rule_set", "range_key": "priority", "projection_type": "ALL"}
        ]
    }
    table = {"name": f"fraud-detection-rules-{env}", "hash_key": "rule_id", "billing_mode": "PAY_PER_REQUEST"} | index
    assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_dynamodb_table", table)
    assert exactly(synth.only(stack, "aws_dynamodb_table"), index)


@pytest.mark.parametrize("env", ENVS)
def test_database_per_environment(synth: Synth, env: str) -> None:
    stack, received = f"fraud-detection-{env}", synth.file(f"fraud-detection-{env}")
    database, protected = RECORDS[env].fraud_detection.database, RECORDS[env].deletion_protection
    cluster = aurora_cluster(synth, stack, database, protected)
    assert Testing.to_have_resource_with_properties(received, "aws_rds_cluster", cluster)
    wrong = {**cluster, "backup_retention_period": database.backup_retention_days + 1}
    assert not Testing.to_have_resource_with_properties(received, "aws_rds_cluster", wrong)
    assert "master_password" not in synth.only(stack, "aws_rds_cluster")  # absent: by hand
    for number in range(database.instance_count):
        instance = {
            "identifier": f"fraud-detection-db-{env}-{number}",
            "instance_class": database.instance_class,
            "engine_version": database.engine_version,
        }
        assert Testing.to_have_resource_with_properties(received, "aws_rds_cluster_instance", instance)
    family = f"aurora-postgresql{database.engine_version.split('.')[0]}"
    assert Testing.to_have_resource_with_properties(received, "aws_rds_cluster_parameter_group", {"family": family})
    assert only_one(synth, stack, "aws_rds_cluster_parameter_group", "aws_rds_cluster_instance") == {
        "aws_rds_cluster_parameter_group": 1,
        "aws_rds_cluster_instance": database.instance_count,
    }


@pytest.mark.parametrize("stack", STACKS)
def test_container_definition_carries_real_references(synth: Synth, stack: str) -> None:
    text = synth.only(stack, "aws_ecs_task_definition")["container_definitions"]
    assert "TfToken" not in text and "Token[" not in text
    app = container(synth, stack)
    assert {e["name"]: e["value"] for e in app["environment"]} == {
        "DB_HOST": ref(synth, stack, "aws_rds_cluster", "endpoint"),
        "DB_PORT": "5432",
        "DB_NAME": "fraud",
        "RULES_TABLE_NAME": ref(synth, stack, "aws_dynamodb_table", "name"),
        "RULES_BY_SET_INDEX": "by-rule-set",
    }
    assert app["logConfiguration"]["options"] == {
        "awslogs-group": ref(synth, stack, "aws_cloudwatch_log_group", "name", "Service_LogGroup"),
        "awslogs-region": "us-east-1",
        "awslogs-stream-prefix": "app",
    }
    secret = ref(synth, stack, "aws_rds_cluster", "master_user_secret[0].secret_arn")
    assert app["secrets"] == [
        {"name": "DB_PASSWORD", "valueFrom": f"{secret}:password::"},
        {"name": "DB_USERNAME", "valueFrom": f"{secret}:username::"},
    ]
    assert (app["image"], app["portMappings"][0]["containerPort"]) == (
        ref(synth, stack, "aws_ecr_repository", "repository_url") + ":1.0.0",
        8080,
    )


def test_task_role_reads_only_the_rules_table(synth: Synth) -> None:
    stack = "fraud-detection-dev"
    policies = {k: json.loads(p["policy"]) for k, p in synth.resources(stack, "aws_iam_role_policy").items()}
    (task,) = [p for k, p in policies.items() if "TaskPolicy" in k]
    table = ref(synth, stack, "aws_dynamodb_table", "arn")
    assert task["Statement"][0] == {
        "Sid": "ReadRules",
        "Effect": "Allow",
        "Resource": [table, f"{table}/index/*"],
        "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"],
    }
    assert task["Statement"][1]["Resource"] == ref(synth, stack, "aws_kms_key", "arn", "DataKey")
    attached = {"name": "application", "role": ref(synth, stack, "aws_iam_role", "id", "TaskRole")}
    assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_iam_role_policy", attached)


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_execution_role_decrypts_the_secret_only_through_secrets_manager(synth: Synth, env: str) -> None:
    """IAM: wildcards in a condition value match only under StringLike (StringEquals never matched)."""
    stack = f"fraud-detection-{env}"
    policies = {k: json.loads(p["policy"]) for k, p in synth.resources(stack, "aws_iam_role_policy").items()}
    (execution,) = [p for k, p in policies.items() if "ExecutionPolicy" in k]
    (decrypt,) = [s for s in execution["Statement"] if s["Sid"] == "DecryptSecrets"]
    assert decrypt == {
        "Sid": "DecryptSecrets",
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": [ref(synth, stack, "aws_kms_key", "arn", "DataKey")],
        "Condition": {"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}},
    }
    attached = {"name": "start-task", "role": ref(synth, stack, "aws_iam_role", "id", "ExecutionRole")}
    assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_iam_role_policy", attached)


@pytest.mark.parametrize("env", ENVS)
def test_service_size_and_scaling_per_environment(synth: Synth, env: str) -> None:
    stack, received = f"fraud-detection-{env}", synth.file(f"fraud-detection-{env}")
    service, settings = RECORDS[env].fraud_detection.service, RECORDS[env].fraud_detection
    size = {"cpu": str(service.task_cpu), "memory": str(service.task_memory)}
    assert Testing.to_have_resource_with_properties(received, "aws_ecs_task_definition", size)
    assert Testing.to_have_resource_with_properties(
        received, "aws_ecs_service", {"desired_count": service.desired_count}
    )
    scaling = {"min_capacity": service.min_count, "max_capacity": service.max_count}
    assert Testing.to_have_resource_with_properties(received, "aws_appautoscaling_target", scaling)
    assert len(synth.resources(stack, "aws_nat_gateway")) == 3
    assert Testing.to_have_resource_with_properties(received, "aws_vpc", {"cidr_block": settings.network.vpc_cidr})
    protection = {"enable_deletion_protection": RECORDS[env].deletion_protection}
    assert Testing.to_have_resource_with_properties(received, "aws_lb", protection)
    # the access logs' bucket policy lets the region's ELB account write (modules/load_balancer.py)
    assert Testing.to_have_data_source_with_properties(received, "aws_elb_service_account", {})
    rtypes = ("aws_ecs_task_definition", "aws_ecs_service", "aws_appautoscaling_target", "aws_vpc", "aws_lb")
    assert only_one(synth, stack, *rtypes) == dict.fromkeys(rtypes, 1)


@pytest.mark.parametrize("env", ENVS)
def test_alarms_use_the_thresholds_of_the_record_and_notify_the_topic(synth: Synth, env: str) -> None:
    stack, received = f"fraud-detection-{env}", synth.file(f"fraud-detection-{env}")
    prefix = f"fraud-detection-monitoring-{env}-"
    topic = ref(synth, stack, "aws_sns_topic", "arn")
    for name, threshold in alarm_thresholds(env).items():
        alarm = {"alarm_name": prefix + name, "threshold": threshold, "alarm_actions": [topic], "ok_actions": [topic]}
        assert Testing.to_have_resource_with_properties(received, "aws_cloudwatch_metric_alarm", alarm), name
    alarms = {
        a["alarm_name"].removeprefix(prefix): a for a in synth.resources(stack, "aws_cloudwatch_metric_alarm").values()
    }
    assert sorted(alarms) == sorted(alarm_thresholds(env))  # these alarms and no other
    latency = {"alarm_name": f"{prefix}alb-latency", "extended_statistic": "p99"}
    assert Testing.to_have_resource_with_properties(received, "aws_cloudwatch_metric_alarm", latency)
    assert "statistic" not in alarms["alb-latency"]  # absent: by hand
    dimensions = {
        "alb-5xx": {"LoadBalancer": ref(synth, stack, "aws_lb", "arn_suffix")},
        "service-cpu": {
            "ClusterName": ref(synth, stack, "aws_ecs_cluster", "name"),
            "ServiceName": ref(synth, stack, "aws_ecs_service", "name"),
        },
        "db-connections": {"DBClusterIdentifier": ref(synth, stack, "aws_rds_cluster", "cluster_identifier")},
        "table-write-throttles": {"TableName": ref(synth, stack, "aws_dynamodb_table", "name")},
    }
    for name, expected in dimensions.items():
        alarm = {"alarm_name": prefix + name, "dimensions": expected}
        assert Testing.to_have_resource_with_properties(received, "aws_cloudwatch_metric_alarm", alarm), name
        assert exactly(alarms[name], {"dimensions": expected}), name
    key = ref(synth, stack, "aws_kms_key", "arn", "AlarmKey")
    assert Testing.to_have_resource_with_properties(received, "aws_sns_topic", {"kms_master_key_id": key})
    endpoints = [*RECORDS[env].alarm_endpoints, *filter(None, [RECORDS[env].fraud_detection.alarm_email])]
    for endpoint in endpoints:
        subscription = {"protocol": "email", "endpoint": endpoint, "topic_arn": topic}
        assert Testing.to_have_resource_with_properties(received, "aws_sns_topic_subscription", subscription)
    emails = [(s["protocol"], s["endpoint"]) for s in synth.resources(stack, "aws_sns_topic_subscription").values()]
    assert emails == [("email", e) for e in endpoints]  # these, in this order, and no other


@pytest.mark.parametrize("stack", STACKS)
def test_dashboard_widgets_reference_the_real_resources(synth: Synth, stack: str) -> None:
    name = stack.replace("fraud-detection-", "fraud-detection-monitoring-")
    assert Testing.to_have_resource_with_properties(
        synth.file(stack), "aws_cloudwatch_dashboard", {"dashboard_name": name}
    )
    body = json.loads(synth.only(stack, "aws_cloudwatch_dashboard")["dashboard_body"])  # a JSON text: by hand
    widgets = {w["properties"]["title"]: w["properties"] for w in body["widgets"]}
    cluster, service = ref(synth, stack, "aws_ecs_cluster", "name"), ref(synth, stack, "aws_ecs_service", "name")
    alb, db = ref(synth, stack, "aws_lb", "arn_suffix"), ref(synth, stack, "aws_rds_cluster", "cluster_identifier")
    table = ref(synth, stack, "aws_dynamodb_table", "name")
    metrics = {title: [tuple(m[:-1]) for m in w["metrics"]] for title, w in widgets.items() if "metrics" in w}
    assert metrics == {
        "Scoring service CPU and memory (%)": [
            ("AWS/ECS", "CPUUtilization", "ClusterName", cluster, "ServiceName", service),
            ("AWS/ECS", "MemoryUtilization", "ClusterName", cluster, "ServiceName", service),
        ],
        "ALB 5xx answers": [
            ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", alb),
            ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", alb),
        ],
        "ALB target response time (s)": [("AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", alb)] * 2,
        "Aurora connections and CPU": [
            ("AWS/RDS", "DatabaseConnections", "DBClusterIdentifier", db),
            ("AWS/RDS", "CPUUtilization", "DBClusterIdentifier", db),
        ],
        "DynamoDB throttles": [
            ("AWS/DynamoDB", "ReadThrottleEvents", "TableName", table),
            ("AWS/DynamoDB", "WriteThrottleEvents", "TableName", table),
        ],
    }
    latency = widgets["ALB target response time (s)"]["metrics"]
    assert [m[-1]["stat"] for m in latency] == ["p50", "p99"]
    assert sorted(widgets["Alarms"]["alarms"]) == sorted(
        f"${{aws_cloudwatch_metric_alarm.{k}.arn}}" for k in synth.resources(stack, "aws_cloudwatch_metric_alarm")
    )


def test_ephemeral_copy_has_its_own_names(synth: Synth) -> None:
    stack = f"fraud-detection-dev-{EPHEMERAL_SUFFIX}"
    received = synth.file(stack)
    for rtype, properties in (
        ("aws_dynamodb_table", {"name": f"fraud-detection-rules-dev-{EPHEMERAL_SUFFIX}"}),
        ("aws_cloudwatch_dashboard", {"dashboard_name": f"fraud-detection-monitoring-dev-{EPHEMERAL_SUFFIX}"}),
        # The service's names share one component, shortened for the 32-character target group (core/naming.py).
        ("aws_ecs_cluster", {"name": f"fd-scoring-af3a-dev-{EPHEMERAL_SUFFIX}"}),
        ("aws_ecr_repository", {"force_delete": True}),
    ):
        assert Testing.to_have_resource_with_properties(received, rtype, properties), rtype
    rtypes = ("aws_dynamodb_table", "aws_cloudwatch_dashboard", "aws_ecs_cluster", "aws_ecr_repository")
    assert only_one(synth, stack, *rtypes) == dict.fromkeys(rtypes, 1)
    assert (
        synth.json(stack)["terraform"]["backend"]["s3"]["key"]
        == f"fraud-detection/dev-{EPHEMERAL_SUFFIX}/terraform.tfstate"
    )


@pytest.mark.parametrize("env", ENVS)
def test_outputs_are_described(synth: Synth, env: str) -> None:
    stack = f"fraud-detection-{env}"
    outputs = synth.json(stack)["output"]
    assert sorted(outputs) == sorted(
        [
            "alarm_topic_arn",
            "alb_dns_name",
            "dashboard_name",
            "data_kms_key_arn",
            "db_cluster_endpoint",
            "db_cluster_identifier",
            "db_secret_arn",
            "ecr_repository_url",
            "ecs_cluster_name",
            "ecs_service_name",
            "log_group_name",
            "table_arn",
            "table_name",
            "table_replica_regions",
        ]
    )
    assert all(o["description"] for o in outputs.values())
    assert outputs["table_replica_regions"]["value"] == replicas(env)
    assert outputs["dashboard_name"]["value"] == ref(synth, stack, "aws_cloudwatch_dashboard", "dashboard_name")
