"""Each workload's settings section of the environment record, one module per workload (as in stacks/)."""

from config.workloads.disaster_recovery import DisasterRecoveryAlarmSettings, DisasterRecoverySettings
from config.workloads.event_processing import EventProcessingAlarmSettings, EventProcessingSettings
from config.workloads.flask_api import FlaskApiSettings, ServiceAlarmSettings
from config.workloads.fraud_detection import FraudAlarmSettings, FraudDetectionSettings
from config.workloads.healthcare_api import HealthcareAlarmSettings, HealthcareApiSettings

__all__ = [
    "DisasterRecoveryAlarmSettings",
    "DisasterRecoverySettings",
    "EventProcessingAlarmSettings",
    "EventProcessingSettings",
    "FlaskApiSettings",
    "FraudAlarmSettings",
    "FraudDetectionSettings",
    "HealthcareAlarmSettings",
    "HealthcareApiSettings",
    "ServiceAlarmSettings",
]
