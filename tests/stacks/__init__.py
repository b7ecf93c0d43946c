"""Tests of the synthesized stacks, one package per workload; what several workloads' tests expect alike."""

from __future__ import annotations

from typing import Any

from tests.conftest import Synth
from tests.matching import ref


def aurora_cluster(synth: Synth, stack: str, database: Any, protected: bool) -> dict[str, Any]:
    """The properties modules/aurora.py gives the cluster of `database` (the stack's config database section) in
    `stack`: the load-balanced workloads' Aurora (flask-api, fraud-detection), encrypted with the stack's DataKey."""
    data_key = ref(synth, stack, "aws_kms_key", "arn", "DataKey")
    return {
        "engine": "aurora-postgresql",
        "engine_version": database.engine_version,
        "master_username": database.master_username,
        "manage_master_user_password": True,
        "storage_encrypted": True,
        "kms_key_id": data_key,
        "master_user_secret_kms_key_id": data_key,
        "backup_retention_period": database.backup_retention_days,
        "deletion_protection": protected,
        "skip_final_snapshot": not protected,
    }
