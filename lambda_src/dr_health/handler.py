"""Health of one disaster-recovery site: can this region serve? Answers API Gateway proxy requests.

GET /health returns 200 `{"status": "ok", ...}` when the region's replica of the global table is ACTIVE, and 503
otherwise (Route 53's health check then fails this site over). Every other path answers 404.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError


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


def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """Entry point."""
    if event.get("path", "/health").rstrip("/").split("/")[-1] != "health":
        return response(404, {"message": "not found"})
    region, role = os.environ["SITE_REGION"], os.environ["SITE_ROLE"]
    status = table_status(os.environ["TABLE_NAME"], region)
    healthy = status == "ACTIVE"
    return response(
        200 if healthy else 503,
        {"status": "ok" if healthy else "degraded", "region": region, "role": role, "table": status},
    )
