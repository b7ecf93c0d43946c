"""healthcare-api: an API Gateway REST API with RDS PostgreSQL and Redis for health data, in its own region.

stack.py: HealthcareApiStack (key, network, database, cache, REST API, WAF, alarms).
"""

from stacks.healthcare_api.stack import HealthcareApiStack

__all__ = ["HealthcareApiStack"]
