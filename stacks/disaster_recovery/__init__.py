"""disaster-recovery: two regions, active/passive, with Aurora Global Database, S3 replication, a DynamoDB global
table and Route 53 failover.

stack.py: DisasterRecoveryStack (both providers, the global cluster, replication, global table, failover DNS).
site.py: Site, one region's key, VPC, data bucket, health function and API, alarm topic (built twice).
alarms.py: ReplicationAlarms, the replication and site-health alarms and their dashboard.
"""

from stacks.disaster_recovery.stack import DisasterRecoveryStack

__all__ = ["DisasterRecoveryStack"]
