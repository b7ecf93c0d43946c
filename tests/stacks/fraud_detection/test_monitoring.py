"""Monitoring module: props validation and the dashboard body built from plain values."""

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


def test_dashboard_draws_each_threshold_and_lists_the_alarms() -> None:
    body = json.loads(dashboard_body(PROPS, ["arn:a", "arn:b"]))
    annotations = {
        a["label"]: a["value"]
        for w in body["widgets"]
        if w["type"] == "metric"
        for a in w["properties"]["annotations"]["horizontal"]
    }
    assert annotations == {
        "service-cpu alarm": 80,
        "service-memory alarm": 80,
        "alb-5xx alarm": 10,
        "target-5xx alarm": 10,
        "alb-latency alarm": 0.5,
        "db-connections alarm": 100,
        "db-cpu alarm": 80,
        "table-read-throttles alarm": 5,
        "table-write-throttles alarm": 5,
    }
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
