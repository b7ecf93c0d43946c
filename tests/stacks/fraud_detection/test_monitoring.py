"""Monitoring (fraud-detection): props validation, the dashboard body built from plain values, and the alarms, topic
and dashboard it synthesizes from them (cdktf Testing matchers)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from cdktf import TerraformStack, Testing

from core.props import PropsError
from stacks.fraud_detection.monitoring import AlarmThresholds, Monitoring, MonitoringProps, dashboard_body

THRESHOLDS = AlarmThresholds(
    service_cpu_percent=80,
    service_memory_percent=80,
    alb_5xx_count=10,
    alb_p99_latency_seconds=0.5,
    db_cpu_percent=80,
    db_connections=100,
    dynamodb_throttles=5,
)
PROPS = MonitoringProps(
    name="m",
    region="us-east-1",
    account_id="111111111111",
    kms_key_arn="arn:aws:kms:us-east-1:111111111111:key/k",
    cluster_name="c",
    service_name="s",
    load_balancer_arn_suffix="app/a/1",
    db_cluster_identifier="d",
    table_name="t",
    thresholds=THRESHOLDS,
    alarm_endpoints=("ops@example.com",),
)
# {alarm suffix: threshold} the alarms and the dashboard's annotations carry, from THRESHOLDS
EXPECTED = {
    "service-cpu": THRESHOLDS.service_cpu_percent,
    "service-memory": THRESHOLDS.service_memory_percent,
    "alb-5xx": THRESHOLDS.alb_5xx_count,
    "target-5xx": THRESHOLDS.alb_5xx_count,
    "alb-latency": THRESHOLDS.alb_p99_latency_seconds,
    "db-connections": THRESHOLDS.db_connections,
    "db-cpu": THRESHOLDS.db_cpu_percent,
    "table-read-throttles": THRESHOLDS.dynamodb_throttles,
    "table-write-throttles": THRESHOLDS.dynamodb_throttles,
}


def test_dashboard_draws_each_threshold_and_lists_the_alarms() -> None:
    body = json.loads(dashboard_body(PROPS, ["arn:a", "arn:b"]))
    annotations = {
        a["label"]: a["value"]
        for w in body["widgets"]
        if w["type"] == "metric"
        for a in w["properties"]["annotations"]["horizontal"]
    }
    assert annotations == {f"{suffix} alarm": threshold for suffix, threshold in EXPECTED.items()}
    (alarms,) = [w for w in body["widgets"] if w["type"] == "alarm"]
    assert alarms["properties"]["alarms"] == ["arn:a", "arn:b"]
    assert {(w["x"], w["y"]) for w in body["widgets"]} == {(0, 0), (12, 0), (0, 6), (12, 6), (0, 12), (0, 18)}


@pytest.mark.usefixtures("loaded_bindings")
def test_invalid_props_fail_with_every_problem() -> None:
    stack = TerraformStack(Testing.app(), "monitoring-props")
    bad = replace(PROPS, period_seconds=90, datapoints_to_alarm=4, thresholds=replace(THRESHOLDS, db_connections=0))
    with pytest.raises(PropsError) as caught:
        Monitoring(stack, "Monitoring", props=bad)
    assert str(caught.value) == (
        "Monitoring Monitoring: 3 invalid prop(s):\n"
        "  - period_seconds must be a multiple of 60\n"
        "  - datapoints_to_alarm must be 1 to evaluation_periods\n"
        "  - threshold db_connections must be > 0"
    )


@pytest.mark.usefixtures("loaded_bindings")
def test_alarms_topic_and_dashboard_carry_the_props() -> None:
    stack = TerraformStack(Testing.app(), "monitoring")
    Monitoring(stack, "Monitoring", props=PROPS)
    synthesized = Testing.synth(stack)
    timing = {
        "period": PROPS.period_seconds,
        "evaluation_periods": PROPS.evaluation_periods,
        "datapoints_to_alarm": PROPS.datapoints_to_alarm,
        "treat_missing_data": "notBreaching",
    }
    for suffix, threshold in EXPECTED.items():
        alarm = {"alarm_name": f"{PROPS.name}-{suffix}", "threshold": threshold, **timing}
        assert Testing.to_have_resource_with_properties(synthesized, "aws_cloudwatch_metric_alarm", alarm), suffix
    assert len(json.loads(synthesized)["resource"]["aws_cloudwatch_metric_alarm"]) == len(EXPECTED)  # no other
    for suffix, dimensions in (
        ("service-cpu", {"ClusterName": PROPS.cluster_name, "ServiceName": PROPS.service_name}),
        ("alb-5xx", {"LoadBalancer": PROPS.load_balancer_arn_suffix}),
        ("db-cpu", {"DBClusterIdentifier": PROPS.db_cluster_identifier}),
        ("table-write-throttles", {"TableName": PROPS.table_name}),
    ):
        alarm = {"alarm_name": f"{PROPS.name}-{suffix}", "dimensions": dimensions}
        assert Testing.to_have_resource_with_properties(synthesized, "aws_cloudwatch_metric_alarm", alarm), suffix
    topic = {"name": f"{PROPS.name}-alarms", "kms_master_key_id": PROPS.kms_key_arn}
    assert Testing.to_have_resource_with_properties(synthesized, "aws_sns_topic", topic)
    (endpoint,) = PROPS.alarm_endpoints
    subscription = {"protocol": "email", "endpoint": endpoint}
    assert Testing.to_have_resource_with_properties(synthesized, "aws_sns_topic_subscription", subscription)
    dashboard = {"dashboard_name": PROPS.name}
    assert Testing.to_have_resource_with_properties(synthesized, "aws_cloudwatch_dashboard", dashboard)
