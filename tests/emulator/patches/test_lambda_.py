"""The fixes of emulator/patches/lambda_.py, applied in-process: every test fails without its fix."""

from __future__ import annotations

from typing import Any

from emulator import patches


def test_lambda_keeps_its_dead_letter_config(aws: Any) -> None:
    patches.PATCHES["lambda-dead-letter-config"]()
    import io  # pylint: disable=import-outside-toplevel
    import zipfile  # pylint: disable=import-outside-toplevel

    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    role = aws("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    sqs = aws("sqs")
    queues = [
        sqs.get_queue_attributes(QueueUrl=sqs.create_queue(QueueName=n)["QueueUrl"], AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        for n in ("a", "b")
    ]
    lam = aws("lambda")
    lam.create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": code.getvalue()},
        DeadLetterConfig={"TargetArn": queues[0]},
    )
    assert lam.get_function_configuration(FunctionName="fn")["DeadLetterConfig"] == {"TargetArn": queues[0]}
    lam.update_function_configuration(FunctionName="fn", DeadLetterConfig={"TargetArn": queues[1]})
    assert lam.get_function(FunctionName="fn")["Configuration"]["DeadLetterConfig"] == {"TargetArn": queues[1]}
