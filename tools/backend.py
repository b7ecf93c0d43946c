"""When an environment's state backend is ready for its other stacks: tools/deploy.py starts them then, not only once
the bootstrap apply has ended.

Bootstrap's apply creates the state bucket with its protections and the account's trail within seconds (15 s on the
emulator, most of it the KMS keys), then waits in the provider for the old-version lifecycle rules of the state and
audit buckets to read back unchanged several polls in a row (aws_s3_bucket_lifecycle_configuration: 55 s of a 63 s
apply, on the emulator as on AWS). No other stack needs those rules. A stack whose backend is ready starts while that
waiter runs; ready means, all read from the target:
- the stack's backend bucket (`terraform.backend.s3` of its cdk.tf.json) exists, its versioning is Enabled, its
  default encryption is KMS (every new bucket has SSE-S3 until bootstrap's KMS configuration replaces it), all four
  public access block settings are on and it has a bucket policy (TLS only): state is never written without them;
- the trail of the environment's bootstrap stack (its aws_cloudtrail `name`) is logging, so every read and write of
  that state is recorded from the first one on.
A stack whose backend is not S3, or a bootstrap without a trail, waits for the bootstrap apply to end, as before; so
does one whose readings fail (a caller without s3:GetBucket*/cloudtrail:GetTrailStatus: AccessDenied is "not ready").

Defaults: POLL_SECONDS = 1.0 between two readings of an environment's backend (6 requests each), made by one
waiting stack at a time.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any, Callable

from tools.parallel import NotStarted
from tools.targets import Target

POLL_SECONDS = 1.0


def _stack_json(directory: Path) -> dict[str, Any]:
    try:
        found = json.loads((directory / "cdk.tf.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def backend_bucket(directory: Path) -> tuple[str, str] | None:
    """(bucket, region) of the stack's S3 backend, None when it has none."""
    s3 = _stack_json(directory).get("terraform", {}).get("backend", {}).get("s3")
    if not isinstance(s3, dict) or not s3.get("bucket"):
        return None
    return str(s3["bucket"]), str(s3.get("region") or "us-east-1")


def trail_name(directory: Path) -> str | None:
    """The `name` of the (first) aws_cloudtrail of a bootstrap stack, None when it has none."""
    trails = _stack_json(directory).get("resource", {}).get("aws_cloudtrail", {})
    names = [str(body["name"]) for body in trails.values() if isinstance(body, dict) and body.get("name")]
    return names[0] if names else None


def client(target: Target, service: str, region: str) -> Any:
    """A boto3 client for the target (the emulator's endpoint and test credentials, or the caller's own)."""
    import boto3  # pylint: disable=import-outside-toplevel

    env = target.env
    session = boto3.session.Session(
        aws_access_key_id=env.get("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY"),
        region_name=region,
    )
    return session.client(service, endpoint_url=env.get("AWS_ENDPOINT_URL"))


def _kms_encrypted(answer: dict[str, Any]) -> bool:
    rules = answer["ServerSideEncryptionConfiguration"]["Rules"]
    return any(r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm") == "aws:kms" for r in rules)


def missing(s3: Any, trails: Any, bucket: str, trail: str) -> list[str]:
    """What the backend still lacks (see the module docstring), read with an S3 and a CloudTrail client of its
    region; [] when it is ready."""
    from botocore.exceptions import BotoCoreError, ClientError  # pylint: disable=import-outside-toplevel

    checks: list[tuple[str, Callable[[], bool]]] = [
        ("bucket", lambda: bool(s3.head_bucket(Bucket=bucket))),
        ("versioning", lambda: s3.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled"),
        ("KMS encryption", lambda: _kms_encrypted(s3.get_bucket_encryption(Bucket=bucket))),
        (
            "public access block",
            lambda: all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values()),
        ),
        ("policy", lambda: bool(s3.get_bucket_policy(Bucket=bucket)["Policy"])),
        ("trail logging", lambda: trails.get_trail_status(Name=trail)["IsLogging"]),
    ]
    for name, check in checks:
        try:
            if not check():
                return [name]
        except (ClientError, BotoCoreError, KeyError):
            return [name]  # the first thing missing: everything after it is read on a later poll
    return []


class Backends:
    """The state backends of the bootstrap stacks being applied, for the stacks that wait on them.

    `finished(env, ok)` is called (any thread) when an environment's bootstrap apply ended; `wait(stack_dir, env)`
    (a worker thread) returns once the backend is ready or the bootstrap apply ended well, and raises NotStarted
    when the bootstrap failed first or `stopped()` turned true."""

    def __init__(
        self,
        target: Target,
        bootstraps: dict[str, Path],
        stopped: Callable[[], bool],
        lacking: Callable[[Any, Any, str, str], list[str]] = missing,
    ) -> None:
        self.target, self.bootstraps, self.stopped, self.lacking = target, bootstraps, stopped, lacking
        self._clients: dict[str, tuple[Any, Any]] = {}  # region -> (S3, CloudTrail): made once, not per reading
        self._ended: dict[str, bool] = {}
        self._ready: set[str] = set()
        self._next_reading: dict[str, float] = {}  # env -> when it may be read again (by one waiting thread)
        self._reading: set[str] = set()
        self._changed = threading.Condition()

    def finished(self, env: str, ok: bool) -> None:
        """The bootstrap apply of `env` ended (`ok`: it applied)."""
        with self._changed:
            self._ended[env] = ok
            self._changed.notify_all()

    def _verdict(self, env: str) -> str | None:
        """Go ahead ("bootstrap": it applied; "ready": its backend is), None: not yet; raises NotStarted: never."""
        with self._changed:
            if self.stopped():
                raise NotStarted("interrupted")
            if self._ended.get(env) is True:
                return "bootstrap"
            if env in self._ready:
                return "ready"
            if self._ended.get(env) is False:
                raise NotStarted(f"bootstrap-{env} did not deploy")
            return None

    def _claim(self, env: str) -> bool:
        """May this thread read the backend of `env` now? One thread at a time, at most once per POLL_SECONDS, so
        five waiting stacks add one reading per second to what bootstrap's apply asks of the API, not five."""
        with self._changed:
            now = time.monotonic()
            if env in self._reading or now < self._next_reading.get(env, 0.0):
                return False
            self._reading.add(env)
            self._next_reading[env] = now + POLL_SECONDS
            return True

    def _read(self, bucket: str, region: str, trail: str) -> bool:
        """Is the backend ready (one reading with the region's clients, made on its first reading)?"""
        if region not in self._clients:
            self._clients[region] = (client(self.target, "s3", region), client(self.target, "cloudtrail", region))
        return not self.lacking(*self._clients[region], bucket, trail)

    def wait(self, stack_dir: Path, env: str | None) -> str:
        """Block until the stack may start; returns how it was let in before its bootstrap applied, else ""."""
        if env is None or env not in self.bootstraps:
            return ""
        backend, trail = backend_bucket(stack_dir), trail_name(self.bootstraps[env])
        while (verdict := self._verdict(env)) is None:
            if backend is not None and trail is not None and self._claim(env):
                ready = False
                try:
                    ready = self._read(*backend, trail)
                finally:
                    with self._changed:
                        self._reading.discard(env)
                        if ready:
                            self._ready.add(env)
                        self._changed.notify_all()
                if ready:
                    continue
            with self._changed:
                self._changed.wait(POLL_SECONDS)
        return f"state backend of {env} ready; bootstrap-{env} still applying" if verdict == "ready" else ""
