"""CKV_AWSR_005: the KMS key of a CloudWatch Logs log group lets CloudWatch Logs of that region use it.

AWS documentation: Amazon CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS Key Management
Service" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html), step 2 "Set
permissions on the KMS key": the key policy must allow the principal `logs.<region>.amazonaws.com` kms:Encrypt*,
kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe*.

What fails (a stack rule): an `aws_cloudwatch_log_group` whose `kms_key_id` references an `aws_kms_key` of the stack
whose policy has no Allow for `logs.<region of the log group>.amazonaws.com` covering kms:Encrypt, kms:Decrypt,
kms:ReEncryptFrom, kms:GenerateDataKey and kms:DescribeKey. A key from outside the stack is not judged.

Why it matters: CreateLogGroup (or AssociateKmsKey) fails with AccessDeniedException on AWS; the emulator checks no
key policy. Fix: KmsKeyProps(service_principals=(f"logs.{region}.amazonaws.com", ...)).
"""

from __future__ import annotations

from typing import Iterator

from policies.aws_rules import Finding, Stack, StackRule, key_allows_service

ID = "CKV_AWSR_005"
ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey", "kms:DescribeKey")


def evaluate(stack: Stack) -> Iterator[Finding]:
    """A verdict per log group encrypted with a key of the stack."""
    for address, body in stack.resources("aws_cloudwatch_log_group"):
        key = stack.referenced(body.get("kms_key_id"), "aws_kms_key")
        if key is None:
            continue
        service = f"logs.{stack.region(body)}.amazonaws.com"
        yield Finding(
            address,
            key_allows_service(key[1], service, ACTIONS),
            f"the policy of {key[0]} does not let {service} use the key ({', '.join(ACTIONS)})",
        )


rule = StackRule(ID, "Ensure the KMS key of a log group allows logs.<region>.amazonaws.com to use it", evaluate)
