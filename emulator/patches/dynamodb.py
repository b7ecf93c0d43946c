"""moto compatibility fixes for DynamoDB; registered in emulator.patches.PATCHES."""

from __future__ import annotations

from typing import Any

from emulator.patches.registry import patch


@patch("dynamodb-global-table-replicas")
def dynamodb_global_table_replicas() -> None:
    """moto ignores UpdateTable's ReplicaUpdates: no replica table is created in the other region and DescribeTable
    never lists Replicas, so the provider waits ~30 min for a replica to become ACTIVE. A Create now creates the
    table (same keys, indexes, stream, billing; SSE with the replica's key) in that region's backend and lists it
    ACTIVE under Replicas (GlobalTableVersion 2019.11.21); a Delete deletes it again; an Update changes its key."""
    from moto.dynamodb.models import dynamodb_backends  # pylint: disable=import-outside-toplevel
    from moto.dynamodb.models.table import Table  # pylint: disable=import-outside-toplevel
    from moto.dynamodb.responses import DynamoHandler, DynamoResult  # pylint: disable=import-outside-toplevel

    update, describe = DynamoHandler.update_table, Table.describe
    if getattr(describe, "replicas_patched", False):
        return

    def create_replica(table: Table, region: str, key: str | None) -> None:
        backend = dynamodb_backends[table.account_id][region]
        if table.name not in backend.tables:
            backend.create_table(
                table.name,
                schema=table.schema,
                attr=table.attr,
                indexes=None,
                throughput=None if table.billing_mode == "PAY_PER_REQUEST" else table.throughput,
                global_indexes=[i.describe() for i in table.global_indexes] or None,
                streams=table.stream_specification,
                billing_mode=table.billing_mode,
                tags=[],
                sse_specification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key} if key else None,
                deletion_protection_enabled=False,
                warm_throughput=None,
            )

    def update_table(self: DynamoHandler) -> Any:
        updates = self.body.get("ReplicaUpdates") or []
        if not updates:
            return update(self)
        table = self.dynamodb_backend.get_table(self.body["TableName"])
        replicas: dict[str, dict[str, Any]] = table.__dict__.setdefault("replicas", {})
        for change in updates:
            action, spec = next(iter(change.items()))
            region, key = spec["RegionName"], spec.get("KMSMasterKeyId")
            if action == "Create":
                create_replica(table, region, key)
                replicas[region] = {
                    "RegionName": region,
                    "ReplicaStatus": "ACTIVE",
                    **({"KMSMasterKeyId": key} if key else {}),
                }
            elif action == "Delete":
                dynamodb_backends[table.account_id][region].tables.pop(table.name, None)
                replicas.pop(region, None)
            elif key and region in replicas:
                replicas[region]["KMSMasterKeyId"] = key
        return DynamoResult(table.describe())

    def describe_with_replicas(self: Table, base_key: str = "TableDescription") -> dict[str, Any]:
        result: dict[str, Any] = describe(self, base_key)
        if getattr(self, "replicas", None):
            result[base_key]["Replicas"] = [dict(r) for r in getattr(self, "replicas").values()]
            result[base_key]["GlobalTableVersion"] = "2019.11.21"
        return result

    setattr(describe_with_replicas, "replicas_patched", True)
    DynamoHandler.update_table = update_table
    Table.describe = describe_with_replicas
