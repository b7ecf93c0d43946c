"""Small, named compatibility fixes for gaps of stock moto that the workloads hit (machine.md lists them).

Each fix is a function registered in PATCHES (emulator/patches/registry.py) with what moto gets wrong, in the
module of its AWS service (emulator/patches/<service>.py); tests/emulator/patches/test_<service>.py has a test per
fix that fails without it. They are applied only inside the emulator process (emulator/server.py serve).
"""

from __future__ import annotations

from emulator.patches import (
    applicationautoscaling,
    dynamodb,
    ec2,
    ecs,
    elasticache,
    iam,
    lambda_,
    rds,
    route53,
    s3,
    secretsmanager,
    sqs,
)
from emulator.patches.registry import PATCHES, patch

# Importing a service module registers its fixes.
SERVICES = (
    applicationautoscaling,
    dynamodb,
    ec2,
    ecs,
    elasticache,
    iam,
    lambda_,
    rds,
    route53,
    s3,
    secretsmanager,
    sqs,
)

__all__ = ["PATCHES", "SERVICES", "apply_all", "patch"]


def apply_all() -> list[str]:
    """Apply every registered fix; returns their names."""
    for func in PATCHES.values():
        func()
    return list(PATCHES)
