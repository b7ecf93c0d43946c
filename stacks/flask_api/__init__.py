"""flask-api: a Flask API on ECS Fargate behind an internet-facing ALB, with Aurora PostgreSQL.

stack.py: FlaskApiStack (keys, network, registry, load balancer, Fargate service, database, WAF, alarms).
"""

from stacks.flask_api.stack import FlaskApiStack

__all__ = ["FlaskApiStack"]
