"""bootstrap: the S3 bucket (and its KMS key) holding the Terraform state of every other stack of an environment.

stack.py: BootstrapStack (the bucket, its key, and the local state file it keeps for itself).
"""

from stacks.bootstrap.stack import BootstrapStack

__all__ = ["BootstrapStack"]
