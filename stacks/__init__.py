"""Stacks compose modules into one workload: one package per workload (stacks/<workload>/stack.py, plus the parts
only that workload uses). The registry maps a workload id to its stack class by name, so the selection can be
validated before the (slow) provider bindings are imported."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.stack import WorkloadStack

WORKLOADS: dict[str, str] = {
    "bootstrap": "stacks.bootstrap.stack:BootstrapStack",
    "flask-api": "stacks.flask_api.stack:FlaskApiStack",
    "event-processing": "stacks.event_processing.stack:EventProcessingStack",
    "healthcare-api": "stacks.healthcare_api.stack:HealthcareApiStack",
    "fraud-detection": "stacks.fraud_detection.stack:FraudDetectionStack",
    "disaster-recovery": "stacks.disaster_recovery.stack:DisasterRecoveryStack",
}


def stack_class(workload: str) -> "type[WorkloadStack]":
    """The stack class of `workload` (imports its module)."""
    module, _, name = WORKLOADS[workload].partition(":")
    stack: "type[WorkloadStack]" = getattr(importlib.import_module(module), name)
    return stack
