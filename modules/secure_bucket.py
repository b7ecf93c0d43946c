"""An S3 bucket that is private, versioned, encrypted and TLS-only, with lifecycle for old versions.

Defaults:
- versioning on; object ownership BucketOwnerEnforced (no ACLs); all four public access blocks on
- SSE-KMS with the given key and S3 Bucket Keys; SSE-S3 (AES256) only when `s3_managed_encryption=True` is named (ALB
  access logs cannot be written to a KMS-encrypted bucket)
- bucket policy denies every request not made over TLS, plus any statements the caller adds
- lifecycle: noncurrent versions expire after `noncurrent_version_expiration_days` (required: it differs per
  environment), optionally move to STANDARD_IA first; incomplete multipart uploads are aborted after 7 days
- force_destroy off: a bucket with objects is never deleted by Terraform
- event notifications: every object event goes to Amazon EventBridge (the account's default event bus in the
  bucket's region; S3 charges nothing for it and EventBridge nothing for AWS service events on the default bus), so
  an audit or automation rule can subscribe without changing the bucket; `queue_notifications` add SQS queues
  (their queue policies must let s3.amazonaws.com send: pass those policies in `notification_depends_on`, S3
  checks them on create)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionTransition,
)
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA
from cdktf_cdktf_provider_aws.s3_bucket_notification import S3BucketNotification, S3BucketNotificationQueue
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA as EncryptionByDefault,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from constructs import Construct

from config import limits
from core.props import policy_json, prop_problem, raise_problems


@dataclass(frozen=True, kw_only=True)
class QueueNotification:
    """Send S3 events of the given types (and key prefix/suffix) to an SQS queue."""

    #: queue notified of the bucket's events
    queue_arn: str
    #: S3 events notified
    events: tuple[str, ...] = ("s3:ObjectCreated:*",)
    #: only keys starting with this
    filter_prefix: str | None = None
    #: only keys ending with this
    filter_suffix: str | None = None


@dataclass(frozen=True, kw_only=True)
class SecureBucketProps:  # pylint: disable=too-many-instance-attributes
    """Props of SecureBucket."""

    #: name of the bucket
    bucket_name: str
    noncurrent_version_expiration_days: int
    #: KMS key of SSE-KMS; None: SSE-S3 (needed for ALB access logs)
    kms_key_arn: str | None = None
    s3_managed_encryption: bool = False
    #: days before noncurrent versions move to STANDARD_IA (>= 30); None: no transition
    noncurrent_version_transition_days: int | None = None
    #: bucket receiving this bucket's server access logs; None: none
    access_log_bucket: str | None = None
    #: bucket policy statements added after the TLS-only deny
    extra_policy_statements: tuple[dict[str, Any], ...] = ()
    #: delete the bucket even when it holds objects (ephemeral copies only)
    force_destroy: bool = False
    queue_notifications: tuple[QueueNotification, ...] = ()
    notification_depends_on: tuple[Any, ...] = ()


def _problems(props: SecureBucketProps) -> list[str | None]:
    expiration = props.noncurrent_version_expiration_days
    return [
        None
        if (props.kms_key_arn is None) == props.s3_managed_encryption
        else "give exactly one of kms_key_arn (the default choice) or s3_managed_encryption=True",
        prop_problem("noncurrent_version_expiration_days", limits.positive(expiration)),
        prop_problem(
            "noncurrent_version_transition_days",
            limits.noncurrent_transition(props.noncurrent_version_transition_days, expiration),
        ),
    ]


class SecureBucket(Construct):
    """The bucket and its settings; `bucket`, `policy` and `versioning` are public."""

    def __init__(self, scope: Construct, id_: str, *, props: SecureBucketProps) -> None:
        super().__init__(scope, id_)
        raise_problems(f"SecureBucket {id_}", _problems(props))
        self.bucket = S3Bucket(self, "Bucket", bucket=props.bucket_name, force_destroy=props.force_destroy)
        bucket_id = self.bucket.id
        self.versioning = S3BucketVersioningA(
            self,
            "Versioning",
            bucket=bucket_id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        by_default = (
            EncryptionByDefault(sse_algorithm="AES256")
            if props.s3_managed_encryption
            else EncryptionByDefault(sse_algorithm="aws:kms", kms_master_key_id=props.kms_key_arn)
        )
        S3BucketServerSideEncryptionConfigurationA(
            self,
            "Encryption",
            bucket=bucket_id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=by_default,
                    bucket_key_enabled=not props.s3_managed_encryption,
                )
            ],
        )
        self.public_access_block = S3BucketPublicAccessBlock(
            self,
            "PublicAccessBlock",
            bucket=bucket_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        S3BucketOwnershipControls(
            self,
            "Ownership",
            bucket=bucket_id,
            rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
        )
        deny_insecure = {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [self.bucket.arn, f"{self.bucket.arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
        # The policy waits for the public access block so that S3 never sees a policy on an unprotected bucket.
        self.policy = S3BucketPolicy(
            self,
            "Policy",
            bucket=bucket_id,
            policy=policy_json(deny_insecure, *props.extra_policy_statements),
            depends_on=[self.public_access_block],
        )
        transition_days = props.noncurrent_version_transition_days
        rule = S3BucketLifecycleConfigurationRule(
            id="noncurrent-versions",
            status="Enabled",
            filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
            noncurrent_version_expiration=[
                S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                    noncurrent_days=props.noncurrent_version_expiration_days
                )
            ],
            noncurrent_version_transition=None
            if transition_days is None
            else [
                S3BucketLifecycleConfigurationRuleNoncurrentVersionTransition(
                    noncurrent_days=transition_days, storage_class="STANDARD_IA"
                )
            ],
            abort_incomplete_multipart_upload=[
                S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=7)
            ],
        )
        self.lifecycle = S3BucketLifecycleConfiguration(
            self, "Lifecycle", bucket=bucket_id, rule=[rule], depends_on=[self.versioning]
        )
        self.notification = S3BucketNotification(
            self,
            "Notification",
            bucket=bucket_id,
            eventbridge=True,
            queue=[
                S3BucketNotificationQueue(
                    queue_arn=n.queue_arn,
                    events=list(n.events),
                    filter_prefix=n.filter_prefix,
                    filter_suffix=n.filter_suffix,
                )
                for n in props.queue_notifications
            ]
            or None,
            depends_on=list(props.notification_depends_on) or None,
        )
        if props.access_log_bucket:
            S3BucketLoggingA(
                self,
                "Logging",
                bucket=bucket_id,
                target_bucket=props.access_log_bucket,
                target_prefix=f"s3/{props.bucket_name}/",
            )
