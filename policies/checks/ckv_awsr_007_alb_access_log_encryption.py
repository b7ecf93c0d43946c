"""CKV_AWSR_007: the bucket of load-balancer access logs uses SSE-S3, not SSE-KMS.

AWS documentation: Elastic Load Balancing, Application Load Balancers, "Access logs for your Application Load
Balancer", section "Access log files" / "Step 1: Create an S3 bucket"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html): "The only
server-side encryption option that's supported is Amazon S3-managed keys (SSE-S3)".

What fails (a stack rule): an `aws_lb` with `access_logs.enabled = true` whose `access_logs.bucket` references an
`aws_s3_bucket` of the stack that has an `aws_s3_bucket_server_side_encryption_configuration` with an algorithm
other than AES256.

Why it matters: the load balancer's access-log delivery fails (AWS rejects the attribute change with "Access
Denied for bucket" or delivers nothing); the emulator writes no logs at all. Fix: SSE-S3 (AES256) on the log
bucket, as modules/load_balancer.py does.
"""

from __future__ import annotations

from typing import Iterator

from policies.aws_rules import Finding, Stack, StackRule

ID = "CKV_AWSR_007"


def _algorithms(stack: Stack, bucket_address: str) -> list[str]:
    name = bucket_address.split(".", 1)[1]
    found = []
    for _, body in stack.resources("aws_s3_bucket_server_side_encryption_configuration"):
        if str(body.get("bucket", "")).startswith(f"${{aws_s3_bucket.{name}."):
            for entry in body.get("rule") or []:
                default = entry.get("apply_server_side_encryption_by_default") or {}
                found.append(str(default.get("sse_algorithm", "")))
    return found


def evaluate(stack: Stack) -> Iterator[Finding]:
    """A verdict per load balancer writing access logs to a bucket of the stack."""
    for address, body in stack.resources("aws_lb"):
        logs = body.get("access_logs") or {}
        if not logs.get("enabled"):
            continue
        bucket = stack.referenced(logs.get("bucket"), "aws_s3_bucket")
        if bucket is None:
            continue
        wrong = [a for a in _algorithms(stack, bucket[0]) if a != "AES256"]
        yield Finding(
            address,
            not wrong,
            f"{bucket[0]} is encrypted with {', '.join(wrong)}: ELB access logs support only SSE-S3 (AES256)",
        )


rule = StackRule(ID, "Ensure load balancer access-log buckets use SSE-S3 (the only encryption ELB supports)", evaluate)
