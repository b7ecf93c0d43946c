"""S3 cross-region replication from a source bucket to a replica bucket, with its least-privilege role.

Defaults:
- one rule over the whole bucket (empty prefix filter), priority 1, replicating delete markers and objects
  encrypted with SSE-KMS (source_selection_criteria sse_kms_encrypted_objects), re-encrypted at the destination
  with `replica_kms_key_arn`; the replica keeps the STANDARD storage class
- replication metrics on (ReplicationLatency, OperationsFailedReplication: what the alarms watch); Replication Time
  Control (15-minute SLA) only when `replication_time_control=True`
- role: only s3.amazonaws.com of this account may assume it; it may read the source bucket's replication
  configuration and object versions, replicate into the replica bucket, decrypt with the source key and encrypt
  with the replica key, each only through S3 of that key's region
- both buckets must be versioned first: pass their versioning resources in `depends_on`
- created through `provider` (the source bucket's region) when given
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdktf import TerraformProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationA,
    S3BucketReplicationConfigurationRule as Rule,
    S3BucketReplicationConfigurationRuleDeleteMarkerReplication as DeleteMarkers,
    S3BucketReplicationConfigurationRuleDestination as Destination,
    S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration as ReplicaEncryption,
    S3BucketReplicationConfigurationRuleDestinationMetrics as Metrics,
    S3BucketReplicationConfigurationRuleDestinationMetricsEventThreshold as MetricsThreshold,
    S3BucketReplicationConfigurationRuleDestinationReplicationTime as ReplicationTime,
    S3BucketReplicationConfigurationRuleDestinationReplicationTimeTime as ReplicationTimeMinutes,
    S3BucketReplicationConfigurationRuleFilter as Filter,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteria as SourceSelection,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects as KmsObjects,
)
from constructs import Construct

from config import limits
from core.props import policy_json, prop_problem, raise_problems

RULE_ID = "replicate-everything"
SLA_MINUTES = 15


@dataclass(frozen=True, kw_only=True)
class BucketReplicationProps:  # pylint: disable=too-many-instance-attributes
    """Props of BucketReplication."""

    #: name of the IAM role S3 assumes to replicate
    role_name: str
    #: account of both buckets
    account_id: str
    #: name of the bucket replicated from
    source_bucket_id: str
    #: ARN of the bucket replicated from
    source_bucket_arn: str
    #: KMS key of the source bucket (the role decrypts with it)
    source_kms_key_arn: str
    #: region of the source bucket
    source_region: str
    #: ARN of the bucket replicated into
    replica_bucket_arn: str
    replica_kms_key_arn: str
    #: region of the replica bucket (another region than the source)
    replica_region: str
    replication_time_control: bool
    depends_on: tuple[Any, ...] = ()
    provider: TerraformProvider | None = None


class BucketReplication(Construct):
    """`role`, `role_policy` and `configuration` are public."""

    def __init__(self, scope: Construct, id_: str, *, props: BucketReplicationProps) -> None:
        super().__init__(scope, id_)
        raise_problems(
            f"BucketReplication {id_}",
            [
                prop_problem(
                    "replica_region", limits.another_region(props.replica_region, props.source_region, "source_region")
                )
            ],
        )
        self.role = IamRole(
            self,
            "Role",
            name=props.role_name,
            provider=props.provider,
            description="S3 replication of one bucket into its replica",
            assume_role_policy=policy_json(
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"Service": "s3.amazonaws.com"},
                    "Condition": {"StringEquals": {"aws:SourceAccount": props.account_id}},
                }
            ),
        )
        self.role_policy = IamRolePolicy(
            self,
            "Policy",
            name="replicate",
            role=self.role.id,
            provider=props.provider,
            policy=policy_json(*statements(props)),
        )
        enabled = "Enabled" if props.replication_time_control else "Disabled"
        self.configuration = S3BucketReplicationConfigurationA(
            self,
            "Configuration",
            bucket=props.source_bucket_id,
            role=self.role.arn,
            provider=props.provider,
            rule=[
                Rule(
                    id=RULE_ID,
                    status="Enabled",
                    priority=1,
                    filter=Filter(prefix=""),
                    delete_marker_replication=DeleteMarkers(status="Enabled"),
                    source_selection_criteria=SourceSelection(sse_kms_encrypted_objects=KmsObjects(status="Enabled")),
                    destination=Destination(
                        bucket=props.replica_bucket_arn,
                        storage_class="STANDARD",
                        encryption_configuration=ReplicaEncryption(replica_kms_key_id=props.replica_kms_key_arn),
                        metrics=Metrics(status="Enabled", event_threshold=MetricsThreshold(minutes=SLA_MINUTES)),
                        replication_time=ReplicationTime(
                            status=enabled, time=ReplicationTimeMinutes(minutes=SLA_MINUTES)
                        ),
                    ),
                )
            ],
            depends_on=[self.role_policy, *props.depends_on],
        )


def statements(props: BucketReplicationProps) -> list[dict[str, Any]]:
    """The replication role's permissions (AWS's documented minimum for SSE-KMS replication)."""
    source, replica = props.source_bucket_arn, props.replica_bucket_arn
    return [
        {
            "Sid": "ReadReplicationConfiguration",
            "Effect": "Allow",
            "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            "Resource": source,
        },
        {
            "Sid": "ReadSourceVersions",
            "Effect": "Allow",
            "Resource": f"{source}/*",
            "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
        },
        {
            "Sid": "WriteReplicas",
            "Effect": "Allow",
            "Resource": f"{replica}/*",
            "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
        },
        {
            "Sid": "DecryptSource",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": props.source_kms_key_arn,
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{props.source_region}.amazonaws.com"}},
        },
        {
            "Sid": "EncryptReplica",
            "Effect": "Allow",
            "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
            "Resource": props.replica_kms_key_arn,
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{props.replica_region}.amazonaws.com"}},
        },
    ]
