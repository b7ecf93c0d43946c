"""The event-processing workload's Lambda function (packaged from this folder; handler.handler)."""
