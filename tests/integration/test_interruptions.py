"""Interrupted, killed and failed runs against an emulator of their own, with real Terraform and the AWS provider:
SIGTERM mid-apply then a clean re-deploy; a killed apply's stale lock and lost state, released and adopted with the
project's commands; destroy that empties a versioned bucket (or says what is left) and drops the outputs entry.

The stack is a small one written here (an S3 backend with native locking and encryption exactly as every workload
stack has, an SQS queue whose ~25 s creation waiter is the "mid-apply" window, named resources that collide when
orphaned, a versioned bucket), so the three scenarios take about a minute instead of a workload's several."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from emulator.server import ROOT, Emulator
from tests.conftest import dev_emulator, emulator_client
from tools import deploy, parallel, recovery, terraform
from tools.targets import Target, local_target

pytestmark = pytest.mark.integration

STATE_BUCKET = "tfstate-dev-111111111111-us-east-1"
STATE_KEY = "runner-probe/dev/terraform.tfstate"
ROLE_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
STACK_JSON = {
    "terraform": {
        "required_providers": {"aws": {"source": "aws", "version": "5.100.0"}},
        "backend": {
            "s3": {
                "bucket": STATE_BUCKET,
                "key": STATE_KEY,
                "region": "us-east-1",
                "encrypt": True,
                "use_lockfile": True,
            }
        },
    },
    "provider": {"aws": [{"region": "us-east-1"}]},
    "resource": {
        "aws_sqs_queue": {"q": {"name": "runner-probe-queue-dev"}},
        "aws_iam_role": {"r": {"name": "runner-probe-role-dev", "assume_role_policy": ROLE_POLICY}},
        "aws_cloudwatch_log_group": {"g": {"name": "/runner-probe/dev", "retention_in_days": 7}},
        "aws_s3_bucket": {"b": {"bucket": "runner-probe-data-dev"}},
        "aws_s3_bucket_versioning": {
            "v": {"bucket": "${aws_s3_bucket.b.id}", "versioning_configuration": {"status": "Enabled"}}
        },
    },
    "output": {"queue_name": {"value": "${aws_sqs_queue.q.name}"}, "bucket": {"value": "${aws_s3_bucket.b.id}"}},
}
EXTRA_QUEUE = {"resource": {"aws_sqs_queue": {"q2": {"name": "runner-probe-queue2-dev"}}}}
LOG_WRITE_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::runner-probe-logs-dev/*",
            }
        ],
    }
)
# A bucket with server access logging into a log bucket, as every workload's data bucket has.
LOGGED_JSON = {
    "terraform": {
        **STACK_JSON["terraform"],
        "backend": {"s3": {**STACK_JSON["terraform"]["backend"]["s3"], "key": "runner-logged/dev/terraform.tfstate"}},
    },
    "provider": STACK_JSON["provider"],
    "resource": {
        "aws_s3_bucket": {"data": {"bucket": "runner-probe-logged-dev"}, "logs": {"bucket": "runner-probe-logs-dev"}},
        "aws_s3_bucket_policy": {"logs": {"bucket": "${aws_s3_bucket.logs.id}", "policy": LOG_WRITE_POLICY}},
        "aws_s3_bucket_logging": {
            "data": {
                "bucket": "${aws_s3_bucket.data.id}",
                "target_bucket": "${aws_s3_bucket_policy.logs.bucket}",
                "target_prefix": "data/",
            }
        },
    },
}


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with dev_emulator() as started:
        s3 = emulator_client(started.endpoint, "s3")
        s3.create_bucket(Bucket=STATE_BUCKET)  # what bootstrap-dev creates; the backend needs only the bucket
        s3.put_bucket_versioning(Bucket=STATE_BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield started


def stack(outdir: Path, name: str, body: dict[str, Any]) -> deploy.StackRef:
    """A stack folder `outdir`/stacks/`name` holding `body` as its cdk.tf.json (its old deploy log removed)."""
    (outdir / "stacks" / name).mkdir(parents=True)
    (outdir / "stacks" / name / "cdk.tf.json").write_text(json.dumps(body), encoding="utf-8")
    parallel.log_path("deploy", name).unlink(missing_ok=True)
    return deploy.StackRef(name, outdir / "stacks" / name)


@pytest.fixture(scope="module")
def probe(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> tuple[deploy.StackRef, Target]:
    outdir = tmp_path_factory.mktemp("cdktf.out")
    return stack(outdir, f"runner-probe-{emulator.port}", STACK_JSON), local_target(emulator, outdir / "state")


def wait_for(path: Path, text: str, after: int = 0) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(encoding="utf-8")[after:]:
            return
        time.sleep(0.2)
    pytest.fail(f"{text!r} never appeared in {path}")


def new_text(path: Path, start: int) -> str:
    return path.read_text(encoding="utf-8")[start:]


def lock_object(emulator: Emulator) -> dict[str, Any] | None:
    s3 = emulator_client(emulator.endpoint, "s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=STATE_BUCKET).get("Contents", [])]
    if f"{STATE_KEY}.tflock" not in keys:
        return None
    body = s3.get_object(Bucket=STATE_BUCKET, Key=f"{STATE_KEY}.tflock")["Body"].read()
    found: dict[str, Any] = json.loads(body)
    return found


DEPLOY_SCRIPT = """
import json, sys
from argparse import Namespace
from pathlib import Path
from tools import cli, deploy
from tools.targets import Target
name, directory, env, state, outputs = sys.argv[1:]
deploy.OUTPUTS_FILE = Path(outputs)
ref = deploy.StackRef(name, Path(directory))
args = Namespace(command="deploy", workloads="runner-probe", environments="dev", suffix=None, target="local",
                 jobs=None)
original = deploy.deploy_stacks
deploy.deploy_stacks = lambda refs, target, **kw: original(refs, target, outputs_file=Path(outputs), **kw)
sys.exit(cli._operate(args, [ref], Target("local", json.loads(env), Path(state)), []))
"""


def test_sigterm_mid_apply_stops_cleanly_and_the_redeploy_is_clean(
    probe: tuple[deploy.StackRef, Target], emulator: Emulator, tmp_path: Path
) -> None:
    ref, target = probe
    log, outputs = parallel.log_path("deploy", ref.name), tmp_path / "flat-outputs.json"
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        [
            sys.executable,
            "-c",
            DEPLOY_SCRIPT,
            ref.name,
            str(ref.directory),
            json.dumps(target.env),
            str(target.bootstrap_state_dir),
            str(outputs),
        ],
        cwd=ROOT,
        env=terraform.terraform_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(log, "aws_sqs_queue.q: Creating...")
    os.kill(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=300)

    assert proc.returncode == 130, err
    assert (
        "interrupted (SIGTERM): Terraform stopped cleanly, wrote state and released the lock. Resume with the "
        "same command: python -m tools deploy --workloads runner-probe --environments dev"
    ) in err
    assert f"[1/1] {ref.name}: INTERRUPTED after" in err
    text = log.read_text(encoding="utf-8")
    assert text.count("Interrupt received") == 1 and "Gracefully shutting down" in text
    assert lock_object(emulator) is None  # released
    assert not outputs.exists()  # nothing deployed completely, nothing recorded
    assert deploy.interrupted_marker(ref).exists()

    start = len(text)
    results, collected = deploy.deploy_stacks([ref], target, outputs_file=outputs)
    assert [(r.status, r.summary) for r in results] == [("ok", "applied")], results[0].error
    again = new_text(log, start)
    assert "already exists" not in again and "Error acquiring the state lock" not in again
    assert not deploy.interrupted_marker(ref).exists()
    assert collected == {ref.name: {"bucket": "runner-probe-data-dev", "queue_name": "runner-probe-queue-dev"}}
    assert deploy.plan_summary(ref, target)[0] is False


def test_a_killed_apply_is_unlocked_and_its_orphans_adopted(
    probe: tuple[deploy.StackRef, Target], emulator: Emulator, tmp_path: Path
) -> None:
    ref, target = probe
    log, outputs = tmp_path / "killed.log", tmp_path / "flat-outputs.json"
    # A real stale lock: an apply (of one more queue) killed with SIGKILL while it holds the lock.
    extra = ref.directory / "zz_extra.tf.json"
    extra.write_text(json.dumps(EXTRA_QUEUE), encoding="utf-8")
    env = terraform.terraform_env(target.env)
    with log.open("w", encoding="utf-8") as out:
        killed = subprocess.Popen(  # pylint: disable=consider-using-with
            ["terraform", "apply", "-auto-approve", "-input=false", "-no-color"],
            cwd=ref.directory,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        wait_for(log, "aws_sqs_queue.q2: Creating...")
        killed.kill()
        killed.wait()
    extra.unlink()
    held = lock_object(emulator)
    assert held is not None and held["Operation"] == "OperationTypeApply"
    # State written before the kill lost two resources (a killed apply writes state every ~20 s at best).
    for address in ("aws_iam_role.r", "aws_cloudwatch_log_group.g"):
        terraform.run(ref.directory, ["state", "rm", "-lock=false", address], env=target.env)

    (locked,) = deploy.deploy_stacks([ref], target, outputs_file=outputs)[0]
    assert locked.status == "failed"
    assert locked.error.startswith(f"the state of {ref.name} is locked (lock {held['ID']}; ")
    assert f"    python -m tools unlock --stack {ref.name} --lock-id {held['ID']}\n" in locked.error
    assert f" force-unlock -force {held['ID']}\n" in locked.error
    assert f"`python -m tools recover --stack {ref.name}`" in locked.error

    recovery.unlock(ref, target, held["ID"])
    assert lock_object(emulator) is None
    (collided,) = deploy.deploy_stacks([ref], target, outputs_file=outputs)[0]
    assert collided.status == "failed" and "already exists" in collided.error

    # As the CLI names it: relative to the checkout (cdktf.out/stacks/<stack>), while Terraform runs in the folder.
    relative = deploy.StackRef(ref.name, Path(os.path.relpath(ref.directory)))
    found = recovery.recover(relative, target)
    assert found == {"aws_iam_role.r": "runner-probe-role-dev", "aws_cloudwatch_log_group.g": "/runner-probe/dev"}
    assert recovery.recover(ref, target, adopt=True) == found
    assert not (ref.directory / recovery.IMPORT_FILE).exists()
    assert recovery.orphans(ref, target) == {}

    start = len(parallel.log_path("deploy", ref.name).read_text(encoding="utf-8"))
    (result,) = deploy.deploy_stacks([ref], target, outputs_file=outputs)[0]
    assert result.status == "ok", result.error
    again = new_text(parallel.log_path("deploy", ref.name), start)
    assert "already exists" not in again and "Error acquiring the state lock" not in again
    assert deploy.plan_summary(ref, target) == (False, "No changes. Your infrastructure matches the configuration.")


def test_destroy_empties_a_versioned_bucket_only_when_allowed(
    probe: tuple[deploy.StackRef, Target], emulator: Emulator, tmp_path: Path
) -> None:
    ref, target = probe
    outputs = tmp_path / "flat-outputs.json"
    (deployed,) = deploy.deploy_stacks([ref], target, outputs_file=outputs)[0]  # already, after the tests above
    assert deployed.status == "ok", deployed.error
    deploy.record_outputs(outputs, "other-dev", {"kept": True})
    assert json.loads(outputs.read_text(encoding="utf-8"))[ref.name]["bucket"] == "runner-probe-data-dev"
    s3 = emulator_client(emulator.endpoint, "s3")
    for body in (b"one", b"two", b"three"):
        s3.put_object(Bucket="runner-probe-data-dev", Key="logs/a.txt", Body=body)
    s3.put_object(Bucket="runner-probe-data-dev", Key="logs/b.txt", Body=b"b")
    s3.delete_object(Bucket="runner-probe-data-dev", Key="logs/b.txt")  # a delete marker over b's version

    (protected,) = deploy.destroy_stacks([ref], target, empty=lambda r: False, outputs_file=outputs)
    assert protected.status == "failed"
    assert "BucketNotEmpty" in protected.error
    assert f"1 resource(s) are left in the state of {ref.name}\n    aws_s3_bucket.b\n" in protected.error
    assert "then run the same destroy again; it continues where it stopped" in protected.error
    assert len(s3.list_object_versions(Bucket="runner-probe-data-dev")["Versions"]) == 4  # never emptied
    assert ref.name in json.loads(outputs.read_text(encoding="utf-8"))

    (emptied,) = deploy.destroy_stacks([ref], target, empty=lambda r: True, outputs_file=outputs)
    assert (emptied.status, emptied.summary) == (
        "ok",
        "destroyed; emptied runner-probe-data-dev (5 object version(s) and delete marker(s))",
    )
    assert "runner-probe-data-dev" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert json.loads(outputs.read_text(encoding="utf-8")) == {"other-dev": {"kept": True}}
    assert terraform.run(ref.directory, ["state", "list"], env=target.env).stdout == ""


def test_destroy_empties_a_log_bucket_again_when_its_own_requests_refilled_it(
    emulator: Emulator, tmp_path: Path
) -> None:
    """Every request to a logged bucket writes an access log into its log bucket (moto at once, S3 within hours),
    the destroy's own requests too: emptied first, the log bucket is not empty when Terraform deletes it. Destroy
    empties what is left once more and finishes (`make destroy` of event-processing-dev stopped there before)."""
    ref, target = stack(tmp_path, f"runner-logged-{emulator.port}", LOGGED_JSON), local_target(emulator, tmp_path)
    outputs = tmp_path / "flat-outputs.json"
    (deployed,) = deploy.deploy_stacks([ref], target, outputs_file=outputs)[0]
    assert deployed.status == "ok", deployed.error
    s3 = emulator_client(emulator.endpoint, "s3")
    s3.put_object(Bucket="runner-probe-logged-dev", Key="a.txt", Body=b"a")
    assert s3.list_objects_v2(Bucket="runner-probe-logs-dev")["KeyCount"] > 0  # moto logged the request

    parallel.log_path("destroy", ref.name).unlink(missing_ok=True)
    (destroyed,) = deploy.destroy_stacks([ref], target, empty=lambda r: True, outputs_file=outputs)
    assert destroyed.status == "ok", destroyed.error
    assert re.fullmatch(
        r"destroyed; emptied runner-probe-logged-dev \(1 object version\(s\) and delete marker\(s\)\), "
        r"runner-probe-logs-dev \(\d+ object version\(s\) and delete marker\(s\)\)",
        destroyed.summary,
    ), destroyed.summary
    log = parallel.log_path("destroy", ref.name).read_text(encoding="utf-8")
    assert log.count("emptied before destroy: ") == 2 and log.count("BucketNotEmpty") == 1
    # the buckets come from `terraform state pull`; the state itself (sensitive values) never reaches the log
    assert log.count(": buckets in state: runner-probe-logged-dev, runner-probe-logs-dev\n") == 1  # before
    assert log.count(": buckets in state: runner-probe-logs-dev\n") == 1  # after the stop at the log bucket
    assert '"lineage"' not in log and '"values"' not in log
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert "runner-probe-logged-dev" not in names and "runner-probe-logs-dev" not in names


# Three named resources, none in state: g1 does not exist, g2 and g3 name themselves after it (so Terraform plans
# them after it), g2 does not exist, g3 does (left by a dead apply).
CHAIN_JSON = {
    "terraform": {
        **STACK_JSON["terraform"],
        "backend": {"s3": {**STACK_JSON["terraform"]["backend"]["s3"], "key": "runner-chain/dev/terraform.tfstate"}},
    },
    "provider": STACK_JSON["provider"],
    "resource": {
        "aws_cloudwatch_log_group": {
            "g1": {"name": "/runner-chain/dev"},
            "g2": {"name": "${aws_cloudwatch_log_group.g1.name}/two"},
            "g3": {"name": "${aws_cloudwatch_log_group.g1.name}/three"},
        }
    },
}


def test_an_orphan_is_only_what_a_plan_can_import(emulator: Emulator, tmp_path: Path) -> None:
    # A plan stops at the first import that fails: what depends on it is never tried, so it says nothing of g2
    # and g3 (seen: a deploy after an interrupted one imported a never-created alarm and failed).
    emulator_client(emulator.endpoint, "logs").create_log_group(logGroupName="/runner-chain/dev/three")
    ref = stack(tmp_path / "out", "runner-chain", CHAIN_JSON)
    found = recovery.orphans(ref, local_target(emulator, tmp_path / "state"))
    assert found == {"aws_cloudwatch_log_group.g3": "/runner-chain/dev/three"}
    assert not (ref.directory / recovery.IMPORT_FILE).exists()
