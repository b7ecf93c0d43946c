"""moto compatibility fixes for Secrets Manager; registered in emulator.patches.PATCHES."""

from __future__ import annotations

from typing import Any

from emulator.patches.registry import patch


@patch("secretsmanager-replica-kms-key")
def secretsmanager_replica_kms_key() -> None:
    """moto reports every replica of a secret as encrypted with `alias/aws/secretsmanager`, whatever KmsKeyId the
    replica was created with, so the provider plans to change the replica's `kms_key_id` on every plan (the
    disaster-recovery master secret replicates with the DR region's key). The requested key is now kept."""
    from moto.secretsmanager.models import FakeSecret  # pylint: disable=import-outside-toplevel

    create = FakeSecret.create_replicas
    if getattr(create, "replica_key_patched", False):
        return

    def create_replicas(self: FakeSecret, replica_regions: list[dict[str, str]], force_overwrite: bool) -> Any:
        replicas = create(self, replica_regions, force_overwrite)
        for replica, config in zip(replicas, replica_regions or []):
            if config.get("KmsKeyId"):
                replica.config["KmsKeyId"] = config["KmsKeyId"]
        return replicas

    setattr(create_replicas, "replica_key_patched", True)
    setattr(FakeSecret, "create_replicas", create_replicas)
