"""modules/fargate_service.py on its own: every props problem is reported at once, sizes come from the catalog."""

from __future__ import annotations

import pytest

from config import load_catalog
from tests.conftest import props_error


@pytest.mark.usefixtures("loaded_bindings")
def test_fargate_service_rejects_sizes_counts_names_and_paths() -> None:
    from modules.fargate_service import (  # pylint: disable=import-outside-toplevel
        FargateService,
        FargateServiceProps,
    )

    props = FargateServiceProps(
        name="s" * 33,
        region="us-east-1",
        account_id="111111111111",
        catalog=load_catalog(),
        vpc_id="v",
        subnet_ids=["a", "b"],
        image="repo:1",
        repository_arn="arn",
        container_port=8000,
        cpu=512,
        memory=512,
        desired_count=5,
        min_count=1,
        max_count=4,
        health_check_path="health",
        listener_arn="l",
        alb_security_group_id="sg",
        log_kms_key_arn="k",
        log_retention_days=7,
        secrets={},
        secret_arns=[],
        secret_kms_key_arns=[],
        environment={},
    )
    assert props_error(FargateService, "Service", props) == (
        "FargateService Service: 4 invalid prop(s):\n"
        "  - memory: 512 MiB is not a Fargate memory size for 512 CPU units; choose one of: 1024, 2048, 3072, 4096\n"
        "  - min_count 1 <= desired_count 5 <= max_count 4 does not hold; order the three counts\n"
        f"  - name {'s' * 33!r} is longer than a target group's 32 characters\n"
        "  - health_check_path: 'health' must start with '/'"
    )
