"""event-processing: S3 object events through SQS into a Lambda processor, recorded in DynamoDB, announced on SNS.

stack.py: EventProcessingStack (bucket, queues, function, table, topic, alarms); handler: lambda_src/event_processor.
"""

from stacks.event_processing.stack import EventProcessingStack

__all__ = ["EventProcessingStack"]
