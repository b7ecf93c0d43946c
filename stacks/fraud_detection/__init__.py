"""fraud-detection: a fraud-scoring container on ECS Fargate behind an ALB, with Aurora PostgreSQL, a DynamoDB
global rules table and CloudWatch monitoring.

stack.py: FraudDetectionStack (keys, network, registry, load balancer, Fargate service, database, WAF, rules table).
monitoring.py: Monitoring, the workload's dashboard, alarms and alarm topic (scoring service, database, rules table).
"""

from stacks.fraud_detection.stack import FraudDetectionStack

__all__ = ["FraudDetectionStack"]
