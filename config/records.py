"""The environment record: one per [environments.<name>] table of environments.toml, [defaults] merged in.

Its sections are the shared settings (config/settings.py) and one per workload (config/workloads/); the loader
checks each field with the check named in its metadata, then the rules across fields (config/rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from config import validators as v
from config.settings import ApiStageSettings, BackupSettings, StateSettings, WafSettings
from config.validators import checked, described
from config.workloads import (
    DisasterRecoverySettings,
    EventProcessingSettings,
    FlaskApiSettings,
    FraudDetectionSettings,
    HealthcareApiSettings,
)


@dataclass(frozen=True)
class EnvironmentRecord:  # pylint: disable=too-many-instance-attributes
    """One deployment environment: where it lives and how protective and long-lived its resources are."""

    name: str = checked(v.environment_name, "environment name (the table name in environments.toml)")
    account_id: str = checked(v.account_id, "the only AWS account this environment may deploy into")
    region: str = checked(v.region, "home region of every stack of this environment")
    owner: str = checked(v.tag_value, "team that owns the resources (the Owner tag)")
    deletion_protection: bool = described("protect stateful resources from deletion")
    log_retention_days: int = checked(v.retention, "CloudWatch Logs retention of every log group")
    state: StateSettings = described("Terraform state bucket settings")
    flask_api: FlaskApiSettings = described("flask-api workload settings")
    event_processing: EventProcessingSettings = described("event-processing workload settings")
    healthcare_api: HealthcareApiSettings = described("healthcare-api workload settings")
    fraud_detection: FraudDetectionSettings = described("fraud-detection workload settings")
    disaster_recovery: DisasterRecoverySettings = described("disaster-recovery workload settings")
    alarm_endpoints: tuple[str, ...] = checked(
        v.alarm_endpoints,
        "e-mail addresses or https:// URLs subscribed to every alarm topic of the environment (at least one)",
    )
    waf: WafSettings = described("the web ACL at the public edges")
    api_stage: ApiStageSettings = described("client certificate and response cache of every REST API stage")
    backup: BackupSettings = described(
        "AWS Backup plan of every stateful workload (built where deletion_protection = true)"
    )
    allow_plain_http: bool = described(
        "public load balancers without a certificate source serve plain HTTP "
        "(never with deletion_protection; listed in the consistency report)"
    )
    http_redirect: bool = described(
        "public load balancers with HTTPS also open port 80, only to redirect to HTTPS (off: port 443 alone, with HSTS)"
    )
