"""fraud-detection tests. `alarm_thresholds` is what both the synthesized and the deployed alarms must carry."""

from __future__ import annotations

from config import load_environments


def alarm_thresholds(env: str) -> dict[str, float]:
    """{alarm suffix: threshold} of fraud-detection in `env`, from the record (latency: ms -> s)."""
    limits = load_environments()[env].fraud_detection.alarms
    return {
        "service-cpu": limits.service_cpu_percent,
        "service-memory": limits.service_memory_percent,
        "alb-5xx": limits.alb_5xx_count,
        "target-5xx": limits.alb_5xx_count,
        "alb-latency": limits.alb_p99_latency_ms / 1000,
        "db-cpu": limits.db_cpu_percent,
        "db-connections": limits.db_connections,
        "table-read-throttles": limits.dynamodb_throttles,
        "table-write-throttles": limits.dynamodb_throttles,
    }
