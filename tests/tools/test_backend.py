"""tools/backend.py: what a state backend must have before a stack writes state to it (read with boto3 from moto
in-process), and how the stacks of an environment wait on its bootstrap (Backends)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from tools import backend
from tools.parallel import NotStarted
from tools.targets import Target

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
BUCKET, TRAIL = "tfstate-dev-111111111111-us-east-1", "bootstrap-trail-dev"


def stack_dir(root: Path, name: str, body: dict[str, Any]) -> Path:
    """A synthesized stack folder holding `body` as its cdk.tf.json."""
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "cdk.tf.json").write_text(json.dumps(body), encoding="utf-8")
    return folder


def workload(root: Path, name: str = "flask-api-dev") -> Path:
    return stack_dir(root, name, {"terraform": {"backend": {"s3": {"bucket": BUCKET, "region": "us-east-1"}}}})


def bootstrap(root: Path) -> Path:
    return stack_dir(root, "bootstrap-dev", {"resource": {"aws_cloudtrail": {"AuditTrail": {"name": TRAIL}}}})


def test_the_names_come_from_the_synthesized_json(tmp_path: Path) -> None:
    assert backend.backend_bucket(workload(tmp_path)) == (BUCKET, "us-east-1")
    assert backend.trail_name(bootstrap(tmp_path)) == TRAIL
    local = stack_dir(tmp_path, "x", {"terraform": {"backend": {"local": {"path": "s"}}}})
    assert (backend.backend_bucket(local), backend.trail_name(local)) == (None, None)
    assert backend.backend_bucket(tmp_path / "missing") is None


def test_a_backend_is_ready_only_with_every_protection_and_the_trail_logging(aws: Callable[[str], Any]) -> None:
    s3, trails = aws("s3"), aws("cloudtrail")

    def lacking() -> list[str]:
        return backend.missing(s3, trails, BUCKET, TRAIL)

    assert lacking() == ["bucket"]
    s3.create_bucket(Bucket=BUCKET)
    assert lacking() == ["versioning"]
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    assert lacking() == ["KMS encryption"]  # a new bucket's own SSE-S3 default is not bootstrap's KMS configuration
    s3.put_bucket_encryption(
        Bucket=BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "k"}}]
        },
    )
    assert lacking() == ["public access block"]
    settings = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    s3.put_public_access_block(
        Bucket=BUCKET, PublicAccessBlockConfiguration={k: k != "RestrictPublicBuckets" for k in settings}
    )
    assert lacking() == ["public access block"]  # three of four is not blocked
    s3.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration={k: True for k in settings})
    assert lacking() == ["policy"]
    statement = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    assert lacking() == ["trail logging"]
    trails.create_trail(Name=TRAIL, S3BucketName=BUCKET)
    assert lacking() == ["trail logging"]  # created, not yet logging
    trails.start_logging(Name=TRAIL)
    assert not lacking()


class Bootstrap:
    """A bootstrap apply as Backends sees it: its backend becomes ready, or it ends."""

    def __init__(self, tmp_path: Path) -> None:
        self.ready = threading.Event()
        self.stopped = False
        self.readings = 0
        self.clients: list[tuple[Any, Any]] = []
        self.backends = backend.Backends(
            Target("local"), {"dev": bootstrap(tmp_path)}, lambda: self.stopped, lacking=self.lacking
        )

    def lacking(self, s3: Any, trails: Any, bucket: str, trail: str) -> list[str]:
        regions = (s3.meta.region_name, trails.meta.region_name)
        assert (s3.meta.service_model.service_name, trails.meta.service_model.service_name) == ("s3", "cloudtrail")
        assert (bucket, regions, trail) == (BUCKET, ("us-east-1", "us-east-1"), TRAIL)
        self.readings += 1
        self.clients.append((s3, trails))  # kept: an id could be reused once a client is gone
        return [] if self.ready.is_set() else ["versioning"]

    def waiting(self, folder: Path) -> tuple[threading.Thread, list[Any]]:
        """`wait` of the stack in `folder` running in a thread; the list receives its answer or exception."""
        answer: list[Any] = []

        def run() -> None:
            try:
                answer.append(self.backends.wait(folder, "dev"))
            except NotStarted as exc:
                answer.append(exc)

        thread = threading.Thread(target=run, daemon=True)  # a failed assertion must not leave pytest waiting on it
        thread.start()
        return thread, answer


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend, "POLL_SECONDS", 0.01)


def test_a_stack_starts_once_the_backend_is_ready_while_bootstrap_still_applies(tmp_path: Path) -> None:
    boot = Bootstrap(tmp_path)
    thread, answer = boot.waiting(workload(tmp_path))
    thread.join(0.3)
    assert thread.is_alive() and boot.readings > 1  # polled, still waiting
    assert all(c[0] is boot.clients[0][0] and c[1] is boot.clients[0][1] for c in boot.clients)  # made once
    boot.ready.set()
    thread.join(5)
    assert answer == ["state backend of dev ready; bootstrap-dev still applying"]
    other, second = boot.waiting(workload(tmp_path, "event-processing-dev"))
    other.join(5)
    assert second == answer  # let in by the same reading: no second one
    readings = boot.readings
    boot.backends.finished("dev", ok=False)  # bootstrap failed after its backend was ready: what started goes on
    assert boot.backends.wait(workload(tmp_path, "fraud-detection-dev"), "dev") == answer[0]
    assert boot.readings == readings


def test_waiting_stacks_read_the_backend_one_at_a_time_once_per_poll(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backend, "POLL_SECONDS", 0.05)
    boot, active, most = Bootstrap(tmp_path), [0], [0]
    lacking = boot.lacking

    def slow(s3: Any, trails: Any, bucket: str, trail: str) -> list[str]:
        active[0] += 1
        most[0] = max(most[0], active[0])
        time.sleep(0.02)  # a reading takes a while: others arriving meanwhile must not read too
        active[0] -= 1
        return lacking(s3, trails, bucket, trail)

    boot.backends.lacking = slow
    waiting = [boot.waiting(workload(tmp_path, f"w{i}-dev")) for i in range(5)]
    time.sleep(0.5)
    readings = boot.readings
    boot.ready.set()
    for thread, _ in waiting:
        thread.join(5)
    assert most[0] == 1
    assert 1 <= readings <= 12  # at most one per 0.05 s in 0.5 s, not five stacks x that
    assert [answer for _, answer in waiting] == [["state backend of dev ready; bootstrap-dev still applying"]] * 5


def test_a_failed_bootstrap_before_the_backend_was_ready_starts_nothing(tmp_path: Path) -> None:
    boot = Bootstrap(tmp_path)
    thread, answer = boot.waiting(workload(tmp_path))
    boot.backends.finished("dev", ok=False)
    thread.join(5)
    assert [str(a) for a in answer] == ["bootstrap-dev did not deploy"]
    assert isinstance(answer[0], NotStarted)


def test_a_bootstrap_that_applied_lets_every_stack_in(tmp_path: Path) -> None:
    boot = Bootstrap(tmp_path)
    local = stack_dir(tmp_path, "local-dev", {"terraform": {"backend": {"local": {"path": "s"}}}})
    thread, answer = boot.waiting(local)  # no S3 backend: nothing to read, it waits for bootstrap's end
    thread.join(0.2)
    assert thread.is_alive() and boot.readings == 0
    boot.backends.finished("dev", ok=True)
    thread.join(5)
    assert answer == [""]


def test_a_signal_ends_the_wait(tmp_path: Path) -> None:
    boot = Bootstrap(tmp_path)
    thread, answer = boot.waiting(workload(tmp_path))
    boot.stopped = True
    thread.join(5)
    assert [str(a) for a in answer] == ["interrupted"]


def test_a_stack_of_an_environment_without_its_bootstrap_starts_at_once(tmp_path: Path) -> None:
    boot = Bootstrap(tmp_path)
    assert boot.backends.wait(workload(tmp_path), "prod") == ""
    assert boot.backends.wait(workload(tmp_path, "x"), None) == ""
    assert boot.readings == 0


@pytest.mark.terraform
def test_deploy_stacks_starts_nothing_of_an_environment_whose_bootstrap_failed_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tools.deploy import deploy_stacks, stack_refs  # pylint: disable=import-outside-toplevel

    stacks = tmp_path / "out" / "stacks"
    stack_dir(stacks, "bootstrap-dev", {}).joinpath("cdk.tf.json").write_text("{ not json", encoding="utf-8")
    workload(stacks)
    refs = stack_refs(tmp_path / "out", ["flask-api-dev", "bootstrap-dev"])
    closed = Target("local", {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", **CREDENTIALS})  # nothing answers there
    results, _ = deploy_stacks(refs, closed, outputs_file=tmp_path / "outputs.json")
    assert [(r.name, r.status) for r in results] == [("flask-api-dev", "skipped"), ("bootstrap-dev", "failed")]
    assert results[0].error == "bootstrap-dev did not deploy"
    assert "[2/2] flask-api-dev: not started (bootstrap-dev did not deploy)" in capsys.readouterr().err
