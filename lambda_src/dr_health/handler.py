"""Health of one disaster-recovery site: can this region serve? Answers API Gateway proxy requests and the
region's EventBridge schedule.

- API Gateway (an event with a `path`): GET /health returns 200 `{"status": "ok", ...}` when the region's replica of
  the global table is ACTIVE and 503 otherwise; every other path answers 404.
- the schedule (an event without a `path`; EventBridge sends `"source": "aws.events"`): returns the same body while
  the table is ACTIVE and raises SiteUnhealthy otherwise. The failed invocation counts in the function's `Errors`
  metric, whose alarm the site's Route 53 health check watches (modules/health_schedule.py), so the failover DNS
  follows this answer without calling the (IAM-authorized) API.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError


class SiteUnhealthy(RuntimeError):
    """The scheduled check found that this region cannot serve."""


def table_status(table_name: str, region: str) -> str:
    """Status of the table in `region` (ACTIVE, UPDATING, ...), or UNREACHABLE when DynamoDB cannot be asked."""
    try:
        table = boto3.client("dynamodb", region_name=region).describe_table(TableName=table_name)["Table"]
    except (BotoCoreError, ClientError):
        return "UNREACHABLE"
    return str(table["TableStatus"])


def response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    """An API Gateway proxy response with a JSON body."""
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def site_health() -> dict[str, Any]:
    """This site's health: `status` ok or degraded, its region, role and table status."""
    region, role = os.environ["SITE_REGION"], os.environ["SITE_ROLE"]
    status = table_status(os.environ["TABLE_NAME"], region)
    return {"status": "ok" if status == "ACTIVE" else "degraded", "region": region, "role": role, "table": status}


def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """Entry point."""
    if "path" not in event:  # the EventBridge schedule
        health = site_health()
        if health["status"] != "ok":
            raise SiteUnhealthy(json.dumps(health, sort_keys=True))
        return health
    if event["path"].rstrip("/").split("/")[-1] != "health":
        return response(404, {"message": "not found"})
    health = site_health()
    return response(200 if health["status"] == "ok" else 503, health)
