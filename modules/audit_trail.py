"""A CloudTrail trail of the whole account: multi-region, log file validation on, KMS-encrypted, delivered to a bucket
of its own and to a CloudWatch Logs group, recording the S3 object-level (data) events of the given buckets.

Defaults:
- trail `name`: multi-region, global service events included, log file validation on (hourly digest files let
  anyone with read access prove a log file was not changed or deleted), logging on; every management event (read
  and write) and, for each of `data_event_bucket_arns`, every object-level read and write (data resource type
  AWS::S3::Object: GetObject, PutObject, DeleteObject: who read or changed Terraform state). No SNS topic:
  nothing would consume a notification per log file (CKV_AWS_252 is suppressed with that reason)
- key (alias `name`, rotating): CloudTrail may generate data keys and describe it only for this trail
  (`aws:SourceArn` is the trail's ARN), as the CloudTrail guide's key policy for SSE-KMS log files asks;
  CloudWatch Logs of `region` may use it for the log group; readers decrypt through IAM (the account root
  administers the key). CloudTrail writes its digest files with SSE-S3 (the guide: digests are never SSE-KMS)
- bucket `bucket_name` (modules/secure_bucket.py: versioned, private, TLS-only, SSE-KMS with the key): its policy
  lets cloudtrail.amazonaws.com read the bucket ACL and put objects under `AWSLogs/<account>/` with
  bucket-owner-full-control, both only for this trail (`aws:SourceArn`), the CloudTrail guide's bucket policy;
  log files are never expired (audit records), deleted ones (noncurrent versions) after
  `noncurrent_version_expiration_days`. The trail waits for that policy (CreateTrail checks it)
- log group `/aws/cloudtrail/<name>`, encrypted with the key, kept `log_retention_days` but at least 365 days
  (audit evidence); role `<name>-logs` trusted by cloudtrail.amazonaws.com only, allowed only CreateLogStream and
  PutLogEvents on that group's streams; the trail waits for that permission too
- the trail's own bucket is not a data event source (CloudTrail would log its own deliveries)
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudtrail import Cloudtrail, CloudtrailEventSelector, CloudtrailEventSelectorDataResource
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from core.props import policy_json, raise_problems
from core.suppress import suppress
from modules.kms_key import EncryptionKey, KmsKeyProps
from modules.secure_bucket import SecureBucket, SecureBucketProps

SERVICE = "cloudtrail.amazonaws.com"
MIN_LOG_DAYS = 365


@dataclass(frozen=True, kw_only=True)
class AuditTrailProps:
    """Props of AuditTrail."""

    name: str
    bucket_name: str
    #: the account the trail, its bucket and its key belong to (key and bucket policies name it)
    account_id: str
    region: str
    log_retention_days: int
    noncurrent_version_expiration_days: int
    data_event_bucket_arns: tuple[str, ...] = ()


class AuditTrail(Construct):
    """`trail`, `key`, `bucket` (a SecureBucket), `log_group` and `role` are public; `arn` is the trail's ARN."""

    def __init__(self, scope: Construct, id_: str, *, props: AuditTrailProps) -> None:
        super().__init__(scope, id_)
        raise_problems(
            f"AuditTrail {id_}",
            [
                None if 3 <= len(props.name) <= 128 else f"name {props.name!r}: a trail name is 3-128 characters",
                None
                if all(a.startswith("arn:aws:s3:::") or a.startswith("${") for a in props.data_event_bucket_arns)
                else "data_event_bucket_arns are S3 bucket ARNs (arn:aws:s3:::<bucket>)",
                None
                if f"arn:aws:s3:::{props.bucket_name}" not in props.data_event_bucket_arns
                else "the trail's own bucket cannot be a data event source: CloudTrail would log its own deliveries",
            ],
        )
        self.arn = f"arn:aws:cloudtrail:{props.region}:{props.account_id}:trail/{props.name}"
        for_this_trail = {"StringEquals": {"aws:SourceArn": self.arn}}
        self.key = EncryptionKey(
            self,
            "Key",
            props=KmsKeyProps(
                alias=props.name,
                description=f"CloudTrail log files of {props.name} and their CloudWatch Logs copy",
                account_id=props.account_id,
                service_principals=(f"logs.{props.region}.amazonaws.com",),
                statements=(
                    {
                        "Sid": "CloudTrailEncryptsLogFiles",
                        "Effect": "Allow",
                        "Principal": {"Service": SERVICE},
                        "Action": "kms:GenerateDataKey*",
                        "Resource": "*",
                        "Condition": for_this_trail,
                    },
                    {
                        "Sid": "CloudTrailDescribesKey",
                        "Effect": "Allow",
                        "Principal": {"Service": SERVICE},
                        "Action": "kms:DescribeKey",
                        "Resource": "*",
                        "Condition": for_this_trail,
                    },
                ),
            ),
        )
        bucket_arn = f"arn:aws:s3:::{props.bucket_name}"
        self.bucket = SecureBucket(
            self,
            "Bucket",
            props=SecureBucketProps(
                bucket_name=props.bucket_name,
                kms_key_arn=self.key.key.arn,
                noncurrent_version_expiration_days=props.noncurrent_version_expiration_days,
                extra_policy_statements=(
                    {
                        "Sid": "CloudTrailChecksAcl",
                        "Effect": "Allow",
                        "Principal": {"Service": SERVICE},
                        "Action": "s3:GetBucketAcl",
                        "Resource": bucket_arn,
                        "Condition": for_this_trail,
                    },
                    {
                        "Sid": "CloudTrailWritesLogFiles",
                        "Effect": "Allow",
                        "Principal": {"Service": SERVICE},
                        "Action": "s3:PutObject",
                        "Resource": f"{bucket_arn}/AWSLogs/{props.account_id}/*",
                        "Condition": {
                            "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": self.arn}
                        },
                    },
                ),
            ),
        )
        bucket = self.bucket.bucket
        for check, reason in (
            (
                "CKV_AWS_18",
                "holds only CloudTrail's log files, written by CloudTrail alone (bucket policy) and proven unchanged "
                "by the trail's digest files; server access logs of it would need yet another bucket",
            ),
            (
                "CKV_AWS_144",
                "the trail is multi-region, so this one bucket in the environment's region receives every region's "
                "log files; a replica in a second region would need a bootstrap there",
            ),
        ):
            suppress(bucket, check, reason)
        self.log_group = CloudwatchLogGroup(
            self,
            "Logs",
            name=f"/aws/cloudtrail/{props.name}",
            retention_in_days=max(props.log_retention_days, MIN_LOG_DAYS),
            kms_key_id=self.key.key.arn,
        )
        self.role = IamRole(
            self,
            "LogsRole",
            name=f"{props.name}-logs",
            description=f"CloudTrail delivers the {props.name} trail to its CloudWatch Logs group",
            assume_role_policy=policy_json(
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": SERVICE}}
            ),
        )
        delivery = IamRolePolicy(
            self,
            "LogsPolicy",
            name="deliver-to-log-group",
            role=self.role.id,
            policy=policy_json(
                {
                    "Sid": "DeliverEvents",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": f"{self.log_group.arn}:log-stream:*",
                }
            ),
        )
        self.trail = Cloudtrail(
            self,
            "Trail",
            name=props.name,
            s3_bucket_name=bucket.bucket,
            kms_key_id=self.key.key.arn,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            cloud_watch_logs_group_arn=f"{self.log_group.arn}:*",
            cloud_watch_logs_role_arn=self.role.arn,
            event_selector=[
                CloudtrailEventSelector(
                    read_write_type="All",
                    include_management_events=True,
                    data_resource=[
                        CloudtrailEventSelectorDataResource(
                            type="AWS::S3::Object", values=[f"{arn}/" for arn in props.data_event_bucket_arns]
                        )
                    ]
                    if props.data_event_bucket_arns
                    else None,
                )
            ],
            depends_on=[self.bucket.policy, delivery],  # CreateTrail checks both before it accepts the trail
        )
        suppress(
            self.trail,
            "CKV_AWS_252",
            "no SNS topic: nothing would consume a notification per delivered log file; the trail is watched "
            "through its CloudWatch Logs group",
        )
