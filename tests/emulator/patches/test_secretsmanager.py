"""The fixes of emulator/patches/secretsmanager.py, applied in-process: every test fails without its fix."""

from __future__ import annotations

from typing import Any

import boto3

from emulator import patches


def test_secret_replica_keeps_its_kms_key(aws: Any) -> None:
    key = boto3.client("kms", region_name="us-west-2").create_key()["KeyMetadata"]["Arn"]

    def replica_key(name: str) -> str:
        aws("secretsmanager").create_secret(Name=name, AddReplicaRegions=[{"Region": "us-west-2", "KmsKeyId": key}])
        (status,) = aws("secretsmanager").describe_secret(SecretId=name)["ReplicationStatus"]
        return str(status["KmsKeyId"])

    if not getattr(
        __import__("moto.secretsmanager.models", fromlist=["FakeSecret"]).FakeSecret.create_replicas,
        "replica_key_patched",
        False,
    ):
        assert replica_key("before") == "alias/aws/secretsmanager"  # the gap, while unpatched
    patches.PATCHES["secretsmanager-replica-kms-key"]()
    assert replica_key("after") == key
