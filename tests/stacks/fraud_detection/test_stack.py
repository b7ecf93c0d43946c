"""fraud-detection stack: exact synthesized values in every environment and the ephemeral copy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import EPHEMERAL_SUFFIX, Synth
from tests.stacks.fraud_detection import alarm_thresholds

ENVS = ("dev", "staging", "prod")
STACKS = [f"fraud-detection-{e}" for e in ENVS] + [f"fraud-detection-dev-{EPHEMERAL_SUFFIX}"]
REPLICAS = {"dev": [], "staging": ["us-west-2"], "prod": ["us-west-2", "eu-west-1"]}


def ref(synth: Synth, stack: str, rtype: str, attribute: str, part: str = "") -> str:
    """`${<rtype>.<id>.<attribute>}` of the single `rtype` resource whose logical id contains `part`."""
    (logical,) = [k for k in synth.resources(stack, rtype) if part in k]
    return f"${{{rtype}.{logical}.{attribute}}}"


def container(synth: Synth, stack: str) -> dict[str, Any]:
    text = synth.only(stack, "aws_ecs_task_definition")["container_definitions"]
    (parsed,) = json.loads(text)
    return dict(parsed)


@pytest.mark.parametrize("env", ENVS)
def test_rules_table_replicates_to_the_regions_of_the_record(synth: Synth, env: str) -> None:
    stack = f"fraud-detection-{env}"
    table = synth.only(stack, "aws_dynamodb_table")
    assert (table["stream_enabled"], table["stream_view_type"]) == (True, "NEW_AND_OLD_IMAGES")
    assert table["point_in_time_recovery"] == {"enabled": True}
    assert table["server_side_encryption"] == {
        "enabled": True,
        "kms_key_arn": ref(synth, stack, "aws_kms_key", "arn", "DataKey"),
    }
    assert table["deletion_protection_enabled"] is (env != "dev")  # staging and prod: deletion_protection
    replicas = table.get("replica", [])
    assert [r["region_name"] for r in replicas] == REPLICAS[env]
    keys = synth.resources(stack, "aws_kms_key")
    providers = {p.get("alias"): p["region"] for p in synth.json(stack)["provider"]["aws"]}
    expected: dict[str | None, str] = {r.replace("-", "_"): r for r in REPLICAS[env]}
    assert providers == {None: "us-east-1", **expected}
    for replica in replicas:
        region, pascal = replica["region_name"], replica["region_name"].title().replace("-", "")
        assert replica["point_in_time_recovery"] is True
        assert replica["kms_key_arn"] == ref(synth, stack, "aws_kms_key", "arn", f"RulesKey{pascal}_")
        (key,) = [k for name, k in keys.items() if f"RulesKey{pascal}_" in name]
        assert (key["provider"], key["enable_key_rotation"]) == (f"aws.{region.replace('-', '_')}", True)
    assert sorted(k.get("provider", "home") for n, k in keys.items() if not n.startswith("Backup_")) == sorted(
        ["home"] * 3 + [f"aws.{r.replace('-', '_')}" for r in REPLICAS[env]]
    )


@pytest.mark.parametrize("env", ENVS)
def test_rules_table_keys_and_index(synth: Synth, env: str) -> None:
    table = synth.only(f"fraud-detection-{env}", "aws_dynamodb_table")
    assert (table["name"], table["hash_key"], table["billing_mode"]) == (
        f"fraud-detection-rules-{env}",
        "rule_id",
        "PAY_PER_REQUEST",
    )
    assert table["global_secondary_index"] == [
        {"name": "by-rule-set", "hash_key": "rule_set", "range_key": "priority", "projection_type": "ALL"}
    ]


@pytest.mark.parametrize(
    ("env", "count", "klass", "backups"),
    [("dev", 1, "db.t4g.large", 3), ("staging", 2, "db.t4g.large", 14), ("prod", 3, "db.r6g.large", 35)],
)
def test_database_per_environment(synth: Synth, env: str, count: int, klass: str, backups: int) -> None:
    stack, protected = f"fraud-detection-{env}", env != "dev"
    cluster = synth.only(stack, "aws_rds_cluster")
    assert (cluster["engine"], cluster["engine_version"], cluster["master_username"]) == (
        "aurora-postgresql",
        "15.13",
        "fraudadmin",
    )
    assert cluster["manage_master_user_password"] is True and "master_password" not in cluster
    data_key = ref(synth, stack, "aws_kms_key", "arn", "DataKey")
    assert (cluster["storage_encrypted"], cluster["kms_key_id"], cluster["master_user_secret_kms_key_id"]) == (
        True,
        data_key,
        data_key,
    )
    assert (cluster["backup_retention_period"], cluster["deletion_protection"]) == (backups, protected)
    assert cluster["skip_final_snapshot"] is not protected
    instances = synth.resources(stack, "aws_rds_cluster_instance").values()
    assert [(i["instance_class"], i["engine_version"]) for i in instances] == [(klass, "15.13")] * count
    assert synth.only(stack, "aws_rds_cluster_parameter_group")["family"] == "aurora-postgresql15"


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


@pytest.mark.parametrize(
    ("env", "size", "counts"),
    [
        ("dev", ("512", "1024"), (1, 1, 2)),
        ("staging", ("512", "1024"), (2, 2, 6)),
        ("prod", ("1024", "2048"), (3, 3, 12)),
    ],
)
def test_service_size_and_scaling_per_environment(
    synth: Synth, env: str, size: tuple[str, str], counts: tuple[int, int, int]
) -> None:
    stack = f"fraud-detection-{env}"
    task = synth.only(stack, "aws_ecs_task_definition")
    assert (task["cpu"], task["memory"]) == size
    target = synth.only(stack, "aws_appautoscaling_target")
    assert (
        synth.only(stack, "aws_ecs_service")["desired_count"],
        target["min_capacity"],
        target["max_capacity"],
    ) == counts
    assert len(synth.resources(stack, "aws_nat_gateway")) == 3
    assert synth.only(stack, "aws_vpc")["cidr_block"] == "10.46.0.0/16"
    assert synth.only(stack, "aws_lb")["enable_deletion_protection"] is (env != "dev")


@pytest.mark.parametrize("env", ENVS)
def test_alarms_use_the_thresholds_of_the_record_and_notify_the_topic(synth: Synth, env: str) -> None:
    stack = f"fraud-detection-{env}"
    prefix = f"fraud-detection-monitoring-{env}-"
    alarms = {
        a["alarm_name"].removeprefix(prefix): a for a in synth.resources(stack, "aws_cloudwatch_metric_alarm").values()
    }
    assert {name: a["threshold"] for name, a in alarms.items()} == alarm_thresholds(env)
    topic = ref(synth, stack, "aws_sns_topic", "arn")
    assert all(a["alarm_actions"] == [topic] == a["ok_actions"] for a in alarms.values())
    assert alarms["alb-latency"]["extended_statistic"] == "p99" and "statistic" not in alarms["alb-latency"]
    assert alarms["alb-5xx"]["dimensions"] == {"LoadBalancer": ref(synth, stack, "aws_lb", "arn_suffix")}
    assert alarms["service-cpu"]["dimensions"] == {
        "ClusterName": ref(synth, stack, "aws_ecs_cluster", "name"),
        "ServiceName": ref(synth, stack, "aws_ecs_service", "name"),
    }
    assert alarms["db-connections"]["dimensions"] == {
        "DBClusterIdentifier": ref(synth, stack, "aws_rds_cluster", "cluster_identifier")
    }
    assert alarms["table-write-throttles"]["dimensions"] == {
        "TableName": ref(synth, stack, "aws_dynamodb_table", "name")
    }
    assert synth.only(stack, "aws_sns_topic")["kms_master_key_id"] == ref(
        synth, stack, "aws_kms_key", "arn", "AlarmKey"
    )
    emails = [(s["protocol"], s["endpoint"]) for s in synth.resources(stack, "aws_sns_topic_subscription").values()]
    assert emails == [("email", "platform-alerts@example.com")] + (
        [("email", "fraud-oncall@example.com")] if env == "prod" else []
    )


@pytest.mark.parametrize("stack", STACKS)
def test_dashboard_widgets_reference_the_real_resources(synth: Synth, stack: str) -> None:
    body = json.loads(synth.only(stack, "aws_cloudwatch_dashboard")["dashboard_body"])
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
    assert synth.only(stack, "aws_dynamodb_table")["name"] == f"fraud-detection-rules-dev-{EPHEMERAL_SUFFIX}"
    assert (
        synth.only(stack, "aws_cloudwatch_dashboard")["dashboard_name"]
        == f"fraud-detection-monitoring-dev-{EPHEMERAL_SUFFIX}"
    )
    # The service's names share one component, shortened for the 32-character target group (core/naming.py).
    assert synth.only(stack, "aws_ecs_cluster")["name"] == f"fd-scoring-af3a-dev-{EPHEMERAL_SUFFIX}"
    assert synth.only(stack, "aws_ecr_repository")["force_delete"] is True
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
    assert outputs["table_replica_regions"]["value"] == REPLICAS[env]
    assert outputs["dashboard_name"]["value"] == ref(synth, stack, "aws_cloudwatch_dashboard", "dashboard_name")
