"""The fixes of emulator/patches/iam.py, applied in-process: every test fails without its fix."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import patches


def test_tls_only_bucket_policy_does_not_deny_object_requests(aws: Any) -> None:
    patches.PATCHES["iam-deny-on-missing-condition-key"]()
    s3 = aws("s3")
    s3.create_bucket(Bucket="state")
    s3.put_object(Bucket="state", Key="kept", Body=b"x")
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::state/*"}
    s3.put_bucket_policy(
        Bucket="state",
        Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [deny | {"Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
        ),
    )
    assert s3.head_object(Bucket="state", Key="kept")["ContentLength"] == 1
    s3.put_bucket_policy(Bucket="state", Policy=json.dumps({"Version": "2012-10-17", "Statement": [deny]}))
    with pytest.raises(ClientError, match="403"):
        s3.head_object(Bucket="state", Key="kept")
