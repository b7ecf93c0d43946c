"""The fixes of emulator/patches/dynamodb.py, applied in-process: every test fails without its fix."""

from __future__ import annotations

from typing import Any

import boto3

from emulator import patches


def test_dynamodb_replica_is_created_in_its_region_and_listed(aws: Any) -> None:
    patches.PATCHES["dynamodb-global-table-replicas"]()
    dynamodb = aws("dynamodb")
    dynamodb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    dynamodb.update_table(
        TableName="t",
        ReplicaUpdates=[
            {"Create": {"RegionName": "us-west-2", "KMSMasterKeyId": "arn:aws:kms:us-west-2:123456789012:key/k"}}
        ],
    )
    table = dynamodb.describe_table(TableName="t")["Table"]
    assert table["Replicas"] == [
        {
            "RegionName": "us-west-2",
            "ReplicaStatus": "ACTIVE",
            "KMSMasterKeyId": "arn:aws:kms:us-west-2:123456789012:key/k",
        }
    ]
    west = boto3.client("dynamodb", region_name="us-west-2")
    replica = west.describe_table(TableName="t")["Table"]
    assert (replica["KeySchema"], replica["SSEDescription"]["KMSMasterKeyArn"]) == (
        [{"AttributeName": "id", "KeyType": "HASH"}],
        "arn:aws:kms:us-west-2:123456789012:key/k",
    )
    dynamodb.update_table(TableName="t", ReplicaUpdates=[{"Delete": {"RegionName": "us-west-2"}}])
    assert "Replicas" not in dynamodb.describe_table(TableName="t")["Table"]
    assert west.list_tables()["TableNames"] == []
