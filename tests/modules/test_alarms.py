"""Alarms that reach someone (issue 18): every alarm topic of every stack has the record's subscribers; flask-api,
event-processing and healthcare-api alarm on what an operator watches, with the records' thresholds."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from cdktf import Testing

from config import load_environments
from modules.alarms import Alarms, AlarmsProps, MetricAlarm, MetricWidget, dashboard_body, metric_line
from tests.conftest import Synth, props_error
from tests.matching import ref

RECORDS = load_environments()
ENVS = ("dev", "staging", "prod")
ALARMED = ("flask-api", "event-processing", "healthcare-api", "fraud-detection", "disaster-recovery")
MB = 1024 * 1024


def _alarms(synth: Synth, stack: str) -> dict[str, dict[str, Any]]:
    return {a["alarm_name"]: a for a in synth.resources(stack, "aws_cloudwatch_metric_alarm").values()}


def alarm(
    namespace: str, metric: str, dimensions: dict[str, str], statistic: str, comparison: str, threshold: float
) -> dict[str, Any]:
    """The matcher properties of one alarm (a statistic starting with `p` is an extended one, a percentile)."""
    return {
        "namespace": namespace,
        "metric_name": metric,
        "dimensions": dimensions,
        "extended_statistic" if statistic.startswith("p") else "statistic": statistic,
        "comparison_operator": comparison,
        "threshold": threshold,
    }


def assert_exactly_these_alarms(synth: Synth, stack: str, expected: dict[str, dict[str, Any]]) -> None:
    """The stack's alarms are exactly `expected` ({alarm name: matcher properties}): each one matched by name with
    its properties (and not with its threshold one off), no other alarm, and each alarm's dimensions exactly these
    (the matcher matches a map's keys as a subset)."""
    received, alarms = synth.file(stack), _alarms(synth, stack)
    assert sorted(alarms) == sorted(expected)
    for name, props in expected.items():
        assert Testing.to_have_resource_with_properties(
            received, "aws_cloudwatch_metric_alarm", {"alarm_name": name, **props}
        ), name
        wrong = {"alarm_name": name, **props, "threshold": props["threshold"] + 1}
        assert not Testing.to_have_resource_with_properties(received, "aws_cloudwatch_metric_alarm", wrong), name
        assert alarms[name]["dimensions"] == props["dimensions"], name


def _topic_ids(synth: Synth, stack: str) -> dict[str, str]:
    """{${aws_sns_topic.<id>.arn}: topic name} of the stack's topics."""
    return {f"${{aws_sns_topic.{tid}.arn}}": t["name"] for tid, t in synth.resources(stack, "aws_sns_topic").items()}


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("workload", ALARMED)
def test_every_alarm_topic_has_the_records_subscribers(synth: Synth, workload: str, env: str) -> None:
    stack = f"{workload}-{env}"
    topics = _topic_ids(synth, stack)
    alarm_topics = {arn for a in _alarms(synth, stack).values() for arn in a["alarm_actions"] + a["ok_actions"]}
    assert alarm_topics and alarm_topics <= set(topics)
    record = RECORDS[env]
    oncall = record.fraud_detection.alarm_email if workload == "fraud-detection" else None
    expected = [("email", endpoint) for endpoint in (*record.alarm_endpoints, *([oncall] if oncall else []))]
    for arn in alarm_topics:
        for protocol, endpoint in expected:
            assert Testing.to_have_resource_with_properties(
                synth.file(stack),
                "aws_sns_topic_subscription",
                {"topic_arn": arn, "protocol": protocol, "endpoint": endpoint},
            ), (arn, endpoint)
        assert not Testing.to_have_resource_with_properties(
            synth.file(stack), "aws_sns_topic_subscription", {"topic_arn": arn, "protocol": "https"}
        )
    # exactly these subscribers of each alarm topic, in this order (the matchers above find each one)
    subscribers: dict[str, list[tuple[str, str]]] = {}
    for sub in synth.resources(stack, "aws_sns_topic_subscription").values():
        subscribers.setdefault(sub["topic_arn"], []).append((sub["protocol"], sub["endpoint"]))
    assert {arn: subscribers.get(arn) for arn in alarm_topics} == dict.fromkeys(alarm_topics, expected)
    extra = [("email", "fraud-oncall@example.com")] if (workload, env) == ("fraud-detection", "prod") else []
    assert expected == [("email", "platform-alerts@example.com"), *extra]  # what the records say today


@pytest.mark.parametrize("env", ENVS)
def test_flask_api_alarms(synth: Synth, env: str) -> None:
    stack, limits = f"flask-api-{env}", RECORDS[env].flask_api.alarms
    lb = {"LoadBalancer": ref(synth, stack, "aws_lb", "arn_suffix")}
    svc = {
        "ClusterName": ref(synth, stack, "aws_ecs_cluster", "name"),
        "ServiceName": ref(synth, stack, "aws_ecs_service", "name"),
    }
    db = {"DBClusterIdentifier": ref(synth, stack, "aws_rds_cluster", "cluster_identifier")}
    gt, elb = "GreaterThanThreshold", "AWS/ApplicationELB"
    prefix = f"flask-api-api-{env}-"
    expected = {
        "alb-5xx": alarm(elb, "HTTPCode_ELB_5XX_Count", lb, "Sum", gt, limits.alb_5xx_count),
        "target-5xx": alarm(elb, "HTTPCode_Target_5XX_Count", lb, "Sum", gt, limits.alb_5xx_count),
        "alb-latency": alarm(elb, "TargetResponseTime", lb, "p99", gt, limits.alb_p99_latency_ms / 1000),
        "service-cpu": alarm("AWS/ECS", "CPUUtilization", svc, "Average", gt, limits.service_cpu_percent),
        "service-memory": alarm("AWS/ECS", "MemoryUtilization", svc, "Average", gt, limits.service_memory_percent),
        "db-cpu": alarm("AWS/RDS", "CPUUtilization", db, "Average", gt, limits.db_cpu_percent),
        "db-connections": alarm("AWS/RDS", "DatabaseConnections", db, "Maximum", gt, limits.db_connections),
    }
    assert_exactly_these_alarms(synth, stack, {prefix + suffix: props for suffix, props in expected.items()})
    assert (expected["alb-5xx"]["threshold"], expected["alb-latency"]["threshold"]) == {
        "dev": (50, 2.0),
        "staging": (10, 1.0),
        "prod": (5, 0.5),
    }[env]
    assert len(synth.resources(stack, "aws_sns_topic")) == 1
    assert Testing.to_have_resource_with_properties(
        synth.file(stack),
        "aws_sns_topic",
        {
            "name": f"flask-api-api-{env}-alarms",
            "kms_master_key_id": ref(synth, stack, "aws_kms_key", "arn", "AlarmKey"),
        },
    )


@pytest.mark.parametrize("env", ENVS)
def test_event_processing_alarms(synth: Synth, env: str) -> None:
    stack, limits = f"event-processing-{env}", RECORDS[env].event_processing.alarms
    queues = {q["name"]: qid for qid, q in synth.resources(stack, "aws_sqs_queue").items()}
    function = {"FunctionName": ref(synth, stack, "aws_lambda_function", "function_name")}
    dlq = {"QueueName": f"${{aws_sqs_queue.{queues[f'event-processing-tasks-dlq-{env}']}.name}}"}
    queue = {"QueueName": f"${{aws_sqs_queue.{queues[f'event-processing-tasks-{env}']}.name}}"}
    ge, fn, sqs = "GreaterThanOrEqualToThreshold", "AWS/Lambda", "AWS/SQS"
    prefix = f"event-processing-processor-{env}-"
    expected = {
        "function-errors": alarm(fn, "Errors", function, "Sum", ge, limits.function_errors),
        "function-throttles": alarm(fn, "Throttles", function, "Sum", ge, limits.function_throttles),
        "dlq-messages": alarm(sqs, "ApproximateNumberOfMessagesVisible", dlq, "Maximum", ge, limits.dlq_messages),
        "oldest-message": alarm(
            sqs,
            "ApproximateAgeOfOldestMessage",
            queue,
            "Maximum",
            "GreaterThanThreshold",
            limits.oldest_message_seconds,
        ),
    }
    assert_exactly_these_alarms(synth, stack, {prefix + suffix: props for suffix, props in expected.items()})
    assert limits.oldest_message_seconds == {"dev": 3600, "staging": 900, "prod": 300}[env]


@pytest.mark.parametrize(("env", "nodes"), [("dev", 1), ("staging", 2), ("prod", 3)])
def test_healthcare_api_alarms(synth: Synth, env: str, nodes: int) -> None:
    stack, limits = f"healthcare-api-{env}", RECORDS[env].healthcare_api.alarms
    api = {
        "ApiName": ref(synth, stack, "aws_api_gateway_rest_api", "name"),
        "Stage": ref(synth, stack, "aws_api_gateway_stage", "stage_name"),
    }
    db = {"DBInstanceIdentifier": ref(synth, stack, "aws_db_instance", "identifier")}
    group = ref(synth, stack, "aws_elasticache_replication_group", "replication_group_id")
    prefix, gt = f"healthcare-api-api-{env}-", "GreaterThanThreshold"
    expected = {
        "api-5xx": alarm("AWS/ApiGateway", "5XXError", api, "Sum", gt, limits.api_5xx_count),
        "api-latency": alarm("AWS/ApiGateway", "Latency", api, "p99", gt, limits.api_p99_latency_ms),
        "db-cpu": alarm("AWS/RDS", "CPUUtilization", db, "Average", gt, limits.db_cpu_percent),
        "db-connections": alarm("AWS/RDS", "DatabaseConnections", db, "Maximum", gt, limits.db_connections),
        "db-free-storage": alarm(
            "AWS/RDS",
            "FreeStorageSpace",
            db,
            "Minimum",
            "LessThanThreshold",
            limits.db_free_storage_mb * MB,
        ),
    }
    for node in range(1, nodes + 1):
        member = {"CacheClusterId": f"{group}-{node:03d}"}
        expected[f"redis-{node}-cpu"] = alarm(
            "AWS/ElastiCache",
            "EngineCPUUtilization",
            member,
            "Average",
            gt,
            limits.redis_cpu_percent,
        )
        expected[f"redis-{node}-memory"] = alarm(
            "AWS/ElastiCache",
            "DatabaseMemoryUsagePercentage",
            member,
            "Average",
            gt,
            limits.redis_memory_percent,
        )
    assert_exactly_these_alarms(synth, stack, {prefix + suffix: props for suffix, props in expected.items()})
    assert (limits.db_free_storage_mb, limits.api_p99_latency_ms) == {
        "dev": (2048, 1000),
        "staging": (2048, 1000),
        "prod": (10240, 500),
    }[env]


def test_alarm_settings_of_every_alarm(synth: Synth) -> None:
    for stack in ("flask-api-dev", "event-processing-prod", "healthcare-api-staging"):
        alarms = _alarms(synth, stack)
        assert alarms
        for name, body in alarms.items():
            settings = {
                "alarm_name": name,
                "period": 300,
                "evaluation_periods": 3,
                "datapoints_to_alarm": 2,
                "treat_missing_data": "notBreaching",
                "ok_actions": body["alarm_actions"],  # lists match exactly: the same topics, in the same order
            }
            assert Testing.to_have_resource_with_properties(
                synth.file(stack), "aws_cloudwatch_metric_alarm", settings
            ), name
            wrong = {**settings, "treat_missing_data": "breaching"}
            assert not Testing.to_have_resource_with_properties(
                synth.file(stack), "aws_cloudwatch_metric_alarm", wrong
            ), name


@pytest.mark.usefixtures("loaded_bindings")
def test_alarms_refuse_a_topic_nobody_reads_and_bad_endpoints() -> None:
    alarm = MetricAlarm(
        suffix="x", namespace="AWS/SQS", metric="M", dimensions={}, statistic="Sum", threshold=1, description="x"
    )
    props = AlarmsProps(
        name="n",
        region="us-east-1",
        account_id="111111111111",
        kms_key_arn="arn:k",
        endpoints=(),
        alarms=(alarm, alarm),
    )
    assert props_error(Alarms, "A", props) == (
        "Alarms A: 2 invalid prop(s):\n  - endpoints: []: name at least one e-mail address or https:// URL, or the "
        "alarms notify nobody\n"
        "  - alarm suffixes must be unique: ['x', 'x']"
    )
    bad = AlarmsProps(
        name="n",
        region="us-east-1",
        account_id="111111111111",
        kms_key_arn="arn:k",
        endpoints=("http://pager.example.com/hook",),
        alarms=(alarm,),
    )
    assert props_error(Alarms, "A", bad) == (
        "Alarms A: 1 invalid prop(s):\n  - endpoints: 'http://pager.example.com/hook' is neither an e-mail address "
        "nor an https:// URL"
    )


def test_https_endpoint_becomes_an_https_subscription() -> None:
    from modules.topic import endpoint_subscriptions  # pylint: disable=import-outside-toplevel

    assert [
        (s.id_, s.protocol, s.endpoint)
        for s in endpoint_subscriptions(("ops@example.com", "https://pager.example.com/hook"))
    ] == [("Endpoint1", "email", "ops@example.com"), ("Endpoint2", "https", "https://pager.example.com/hook")]


def test_alarm_endpoints_are_validated_on_load() -> None:
    import tomllib  # pylint: disable=import-outside-toplevel

    from config import ConfigError, load_catalog  # pylint: disable=import-outside-toplevel
    from config.loader import ENVIRONMENTS_FILE, records_from_data  # pylint: disable=import-outside-toplevel

    data = tomllib.loads(ENVIRONMENTS_FILE.read_text(encoding="utf-8"))
    data["environments"]["dev"]["alarm_endpoints"] = []
    data["environments"]["staging"]["alarm_endpoints"] = ["oncall"]
    with pytest.raises(ConfigError) as caught:
        records_from_data(data, load_catalog())
    assert caught.value.problems == [
        "environments.dev.alarm_endpoints: []: name at least one e-mail address or https:// URL, or the alarms "
        "notify nobody",
        "environments.staging.alarm_endpoints: 'oncall' is neither an e-mail address nor an https:// URL",
    ]


def test_dashboard_grid_lays_out_two_columns_then_the_alarm_states() -> None:
    """The shared grid of modules/alarms.py (fraud-detection's and disaster-recovery's dashboards), exact JSON."""
    cpu = MetricAlarm(
        suffix="db-cpu",
        namespace="AWS/RDS",
        metric="CPUUtilization",
        dimensions={"DBClusterIdentifier": "c", "Role": "WRITER"},
        statistic="Average",
        threshold=80,
        description="cpu",
    )
    latency = replace(cpu, suffix="lat", namespace="AWS/ApplicationELB", metric="T", dimensions={"LB": "a"})
    widgets = [
        MetricWidget(
            title=f"w{index}", region="eu-west-1", period_seconds=60, metrics=(line,), thresholds=(("t", 80.0),)
        )
        for index, line in enumerate(
            (metric_line(cpu), metric_line(latency, stat="p99", label="lat"), metric_line(cpu, label="x"))
        )
    ]
    body = json.loads(dashboard_body(widgets, ["arn:a"]))

    def metric(index: int, x: int, y: int, line: list[Any]) -> dict[str, Any]:
        properties = {
            "title": f"w{index}",
            "region": "eu-west-1",
            "view": "timeSeries",
            "period": 60,
            "metrics": [line],
            "annotations": {"horizontal": [{"label": "t", "value": 80.0}]},
        }
        return {"type": "metric", "x": x, "y": y, "width": 12, "height": 6, "properties": properties}

    assert body == {
        "widgets": [
            metric(
                0,
                0,
                0,
                ["AWS/RDS", "CPUUtilization", "DBClusterIdentifier", "c", "Role", "WRITER", {"stat": "Average"}],
            ),
            metric(1, 12, 0, ["AWS/ApplicationELB", "T", "LB", "a", {"stat": "p99", "label": "lat"}]),
            metric(
                2,
                0,
                6,
                [
                    "AWS/RDS",
                    "CPUUtilization",
                    "DBClusterIdentifier",
                    "c",
                    "Role",
                    "WRITER",
                    {"stat": "Average", "label": "x"},
                ],
            ),
            {
                "type": "alarm",
                "x": 0,
                "y": 12,
                "width": 24,
                "height": 4,
                "properties": {"title": "Alarms", "alarms": ["arn:a"]},
            },
        ]
    }


@pytest.mark.parametrize("workload", ["flask_api", "fraud_detection"])
def test_service_alarms_take_the_records_thresholds(workload: str) -> None:
    """One spec list for a load-balanced service with its database: order, dimensions and thresholds from the
    record's alarm section (latency in seconds), the subject in the descriptions."""
    from modules.alarms import service_alarms, service_thresholds  # pylint: disable=import-outside-toplevel

    limits = getattr(RECORDS["prod"], workload).alarms
    specs = service_alarms(
        load_balancer_arn_suffix="lb",
        cluster_name="c",
        service_name="s",
        db_cluster_identifier="db",
        thresholds=service_thresholds(limits),
        subject="demo",
        percent_units=True,
    )
    assert [(a.suffix, a.namespace, a.dimensions, a.statistic, a.threshold) for a in specs] == [
        ("service-cpu", "AWS/ECS", {"ClusterName": "c", "ServiceName": "s"}, "Average", limits.service_cpu_percent),
        (
            "service-memory",
            "AWS/ECS",
            {"ClusterName": "c", "ServiceName": "s"},
            "Average",
            limits.service_memory_percent,
        ),
        ("alb-5xx", "AWS/ApplicationELB", {"LoadBalancer": "lb"}, "Sum", limits.alb_5xx_count),
        ("target-5xx", "AWS/ApplicationELB", {"LoadBalancer": "lb"}, "Sum", limits.alb_5xx_count),
        ("alb-latency", "AWS/ApplicationELB", {"LoadBalancer": "lb"}, "p99", limits.alb_p99_latency_ms / 1000),
        ("db-cpu", "AWS/RDS", {"DBClusterIdentifier": "db"}, "Average", limits.db_cpu_percent),
        ("db-connections", "AWS/RDS", {"DBClusterIdentifier": "db"}, "Maximum", limits.db_connections),
    ]
    assert [a.description for a in specs if "demo" in a.description or "(%)" in a.description] == [
        "average CPU of the demo service (%)",
        "average memory of the demo service (%)",
        "5xx answers of the demo tasks",
        "p99 response time of the demo tasks (seconds)",
        "average CPU of the Aurora cluster (%)",
    ]
