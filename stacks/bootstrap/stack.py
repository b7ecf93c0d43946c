"""Bootstrap: the S3 bucket (and its KMS key) that holds the Terraform state of every other stack of an environment,
and the account's CloudTrail trail (modules/audit_trail.py), which records who read or wrote that state.

It keeps its own state in a local file (state/bootstrap-<env>.tfstate), because the bucket cannot hold the state of
the stack that creates it. Ephemeral copies (ENVIRONMENT_SUFFIX) share their environment's bucket: their state keys
differ, so they never collide.
"""

from __future__ import annotations

from constructs import Construct

from config import Catalog, EnvironmentRecord
from core.naming import state_bucket_name
from core.stack import WorkloadStack
from core.suppress import suppress
from modules.audit_trail import AuditTrail, AuditTrailProps
from modules.kms_key import EncryptionKey, KmsKeyProps
from modules.secure_bucket import SecureBucket, SecureBucketProps


class BootstrapStack(WorkloadStack):
    """State bucket: versioned, KMS-encrypted (rotating key), public access blocked, TLS-only, old versions expire;
    the account's CloudTrail trail, recording the state bucket's object-level events too."""

    workload = "bootstrap"
    description = "Terraform state bucket of an environment"
    remote_state = False

    def __init__(
        self, scope: Construct, *, env: EnvironmentRecord, catalog: Catalog, suffix: str | None = None
    ) -> None:
        # The state bucket belongs to the environment, not to an ephemeral copy of it.
        super().__init__(scope, env=env, catalog=catalog, suffix=None)
        del suffix
        self.key = EncryptionKey(
            self,
            "StateKey",
            props=KmsKeyProps(
                alias=f"tfstate-{env.name}",
                description=f"Terraform state of the {env.name} environment",
                account_id=env.account_id,
            ),
        )
        self.state = SecureBucket(
            self,
            "StateBucket",
            props=SecureBucketProps(
                bucket_name=state_bucket_name(env.name, env.account_id, env.region),
                kms_key_arn=self.key.key.arn,
                noncurrent_version_expiration_days=env.state.noncurrent_version_expiration_days,
            ),
        )
        bucket = self.state.bucket
        suppress(
            bucket,
            "CKV_AWS_144",
            "state is recoverable from versioning; a replica region is not required "
            "for the bootstrap bucket and would need its own bootstrap",
        )
        suppress(
            bucket,
            "CKV_AWS_18",
            "every read and write of a state object is recorded by the environment's CloudTrail trail (S3 data "
            "events, below); the bucket is private, TLS-only, KMS-encrypted and versioned",
        )
        # One trail per environment's account (ephemeral copies share it, like the state bucket).
        self.trail = AuditTrail(
            self,
            "AuditTrail",
            props=AuditTrailProps(
                name=self.names.name("trail", max_length=128),
                bucket_name=self.names.bucket("audit"),
                account_id=env.account_id,
                region=env.region,
                log_retention_days=env.log_retention_days,
                noncurrent_version_expiration_days=env.state.noncurrent_version_expiration_days,
                data_event_bucket_arns=(bucket.arn,),
            ),
        )
        self.output("state_bucket_name", bucket.bucket, "Name of the S3 bucket holding this environment's state")
        self.output("state_bucket_arn", bucket.arn, "ARN of the state bucket")
        self.output("state_kms_key_arn", self.key.key.arn, "ARN of the KMS key encrypting the state bucket")
        self.output("state_region", env.region, "Region of the state bucket (the backend's region)")
        self.output("audit_trail_arn", self.trail.trail.arn, "ARN of the account's CloudTrail trail (multi-region)")
        self.output("audit_bucket_name", self.trail.bucket.bucket.bucket, "Bucket receiving the trail's log files")
        self.output("audit_log_group_name", self.trail.log_group.name, "CloudWatch Logs group receiving the trail")
