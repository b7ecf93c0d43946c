"""Run independent stack operations side by side: deploy, plan, destroy, drift, validate.

Defaults and settings:
    jobs       --jobs N or JOBS=N; default min(4 x CPU count, number of stacks): a stack's time is spent in the
               provider's waiters and the API's answers, not in CPU (a Terraform with its provider takes a few
               hundred MB, so memory, not cores, bounds it); with 2 cores all five independent dev stacks start
               together, and the deploy takes bootstrap + the slowest stack
    order      stacks start largest first (most resources in their cdk.tf.json: the longest applies), so a stack
               that has to wait for a free worker is a short one; results are still reported in the given order
    progress   one whole line per stack on stderr when it starts and when it ends, never interleaved mid-line:
               `[3/6] flask-api-dev: applied in 91 s`; every stack's result is reported, also when others fail
    logs       Terraform's whole output per stack in reports/<command>/<stack>.log (tools/terraform.py writes it);
               STACK_LOGS_DIR=<folder> puts them in <folder>/<command>/ instead (the test gate's side-by-side runs)
    interrupt  the first SIGINT or SIGTERM is forwarded once, as SIGINT, to every running Terraform, which then
               finishes its in-flight operations, writes state and releases the lock; no further stack starts and
               the command exits 130 (a second signal only repeats that it is waiting)
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Callable, Iterator, Mapping, Sequence, TypeVar

from config import ConfigError
from tools import terraform
from tools.progress import say

REPORTS = Path(os.environ["STACK_LOGS_DIR"]) if os.environ.get("STACK_LOGS_DIR") else terraform.ROOT / "reports"
INTERRUPTED = 130
T = TypeVar("T")


def default_jobs(count: int) -> int:
    """min(4 x CPU count, count), at least 1."""
    return max(1, min(4 * (os.cpu_count() or 1), count))


def resource_count(ref: StackRef) -> int:
    """Resources in the stack's synthesized cdk.tf.json (0 when it is missing or not a stack's JSON): the start
    order."""
    try:
        resources = json.loads((ref.directory / "cdk.tf.json").read_text(encoding="utf-8")).get("resource", {})
        return sum(len(group) for group in resources.values() if isinstance(group, dict))
    except (OSError, ValueError, AttributeError):  # not a stack's JSON: it starts last, its run reports why
        return 0


def jobs_setting(value: int | str | None, count: int, environ: Mapping[str, str] | None = None) -> int:
    """The worker count: `value` (--jobs), else JOBS, else the default; raises ConfigError for a bad value."""
    raw = value if value is not None else (os.environ if environ is None else environ).get("JOBS")
    if raw is None or raw == "":
        return default_jobs(count)
    try:
        jobs = int(raw)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise ConfigError(
            [
                f"--jobs / JOBS: {raw!r} is not a whole number >= 1; pass e.g. --jobs 4 or JOBS=4 "
                "(default: min(4 x CPU count, stacks))"
            ]
        )
    return jobs


@dataclass(frozen=True)
class StackRef:
    """A synthesized stack: its name and folder (tools.deploy.StackRef is this class)."""

    name: str
    directory: Path
    bootstrap: bool = False


def log_path(command: str, stack: str) -> Path:
    """reports/<command>/<stack>.log (the folder is created on first write)."""
    return REPORTS / command / f"{stack}.log"


@dataclass
class Result:
    """What happened to one stack."""

    name: str
    status: str  # "ok" | "failed" | "interrupted" | "skipped"
    summary: str = ""  # e.g. "applied", "no changes", "Plan: 3 to add, 0 to change, 0 to destroy."
    seconds: float = 0.0
    error: str = ""
    value: Any = None


class NotStarted(Exception):
    """Raised by a work function before it began: the item is reported `skipped` with this message."""


class Stop:
    """Set once a SIGINT/SIGTERM arrived: nothing new starts."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signal_name = ""

    def __bool__(self) -> bool:
        return self.event.is_set()


@contextmanager
def forwarding_signals() -> Iterator[Stop]:
    """While inside: SIGINT/SIGTERM to this process are forwarded once to every running terraform (as SIGINT)."""
    stop = Stop()
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield stop
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        del frame
        first = not stop
        stop.signal_name = stop.signal_name or signal.Signals(signum).name
        stop.event.set()
        pids = terraform.interrupt_all()
        if first:
            say(
                f"{signal.Signals(signum).name}: asked {len(pids)} running terraform(s) to stop cleanly (they finish "
                "in-flight operations, write state and release the lock); no further stack starts"
            )
        else:
            say(
                f"still waiting for {terraform.running_count()} terraform(s) to write state and stop "
                "(killing them now would lose state and leave the lock)"
            )

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@dataclass
class Options:
    """How `run_all` runs and reports a batch of stacks."""

    jobs: int = 1
    stop: Stop | None = None
    done: Callable[[Result], None] | None = None  # called in the calling thread per result, as each arrives
    verb: str = "started"  # the start line: "  <stack>: <verb> ..."
    total: int = 0  # the N of "[i/N]" (default: the number of items)
    first: int = 1  # the first i
    weight: Callable[[Any], int] | None = None  # start the heaviest items first (default: in the given order)


class _Batch:  # pylint: disable=too-few-public-methods
    def __init__(self, name: Callable[[Any], str], options: Options, count: int) -> None:
        self.name, self.options = name, options
        self.stop = options.stop if options.stop is not None else Stop()
        self.total = options.total or count
        self.counter = options.first - 1
        self.results: dict[int, Result] = {}

    def finish(self, index: int, result: Result) -> None:
        """Record and print one stack's result (the calling thread only)."""
        self.counter += 1
        self.results[index] = result
        if result.status == "ok":
            text = f"{result.summary} in {result.seconds:.0f} s"
        elif result.status == "skipped":
            text = f"not started ({result.error})"
        else:
            text = f"{result.status.upper()} after {result.seconds:.0f} s ({result.error.splitlines()[0]})"
        say(f"[{self.counter}/{self.total}] {result.name}: {text}")
        if self.options.done is not None:
            self.options.done(result)

    def start_reason(self) -> str:
        """Why not to start the next item ("" to start it; work that finds a reason later raises NotStarted)."""
        return "interrupted" if self.stop else ""


def _start_order(items: Sequence[T], weight: Callable[[T], int] | None) -> list[tuple[int, T]]:
    """(index, item) in the order to start them: heaviest first when `weight` is given (ties keep the order)."""
    pending = list(enumerate(items))
    if weight is not None:
        pending.sort(key=lambda pair: -weight(pair[1]))
    return pending


@contextmanager
def _stopping_on_error(stop: Stop) -> Iterator[None]:
    """An exception in the calling thread (KeyboardInterrupt where no handler forwards signals) sets `stop` before
    the pool waits for its workers: nothing new starts, and work waiting on `stop` (tools/backend.py) gives up."""
    try:
        yield
    except BaseException:
        stop.event.set()
        raise


def run_all(
    items: Sequence[T],
    work: Callable[[T], tuple[str, Any]],
    *,
    name: Callable[[T], str],
    options: Options | None = None,
    **settings: Any,
) -> list[Result]:
    """Run `work(item)` -> (summary, value) for every item, at most `jobs` at once; one line per start and end.

    A raising item is `failed` (its message kept), the others go on. Once `stop` is set, items not started are
    `skipped` and running ones that fail are `interrupted`. Results come back in the order of `items`. `settings`
    are Options fields (jobs=, stop=, done=, verb=, total=, first=, weight=)."""
    options = options or Options(**settings)
    batch = _Batch(name, options, len(items))
    pending = _start_order(items, options.weight)
    running: dict[Future[tuple[str, Any]], tuple[int, T, float]] = {}
    with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool, _stopping_on_error(batch.stop):
        while pending or running:
            while pending and len(running) < max(1, options.jobs):
                index, item = pending.pop(0)
                reason = batch.start_reason()
                if reason:
                    batch.finish(index, Result(name(item), "skipped", error=reason))
                    continue
                say(f"  {name(item)}: {options.verb} ...")
                running[pool.submit(work, item)] = (index, item, time.monotonic())
            finished, _ = wait(list(running), timeout=0.5, return_when=FIRST_COMPLETED) if running else ((), ())
            for future in finished:
                index, item, started = running.pop(future)
                seconds = time.monotonic() - started
                try:
                    summary, value = future.result()
                    batch.finish(index, Result(name(item), "ok", summary, seconds, value=value))
                except NotStarted as exc:
                    batch.finish(index, Result(name(item), "skipped", error=str(exc)))
                except Exception as exc:  # pylint: disable=broad-exception-caught  # every stack reports
                    status = "interrupted" if batch.stop else "failed"
                    batch.finish(
                        index, Result(name(item), status, seconds=seconds, error=str(exc) or type(exc).__name__)
                    )
    return [batch.results[i] for i in range(len(items))]


def exit_code(results: Sequence[Result], stop: Stop | None = None) -> int:
    """130 when interrupted, else 1 when any stack failed, else 0."""
    if stop or any(r.status == "interrupted" for r in results):
        return INTERRUPTED
    return 1 if any(r.status in ("failed", "skipped") for r in results) else 0


def report_failures(results: Sequence[Result], command: str) -> None:
    """Each failed stack's whole message and its log, after the progress lines (so it is read in one piece)."""
    for result in results:
        if result.status in ("failed", "interrupted") and result.error:
            say(f"--- {result.name} ({result.status}; full log: {log_path(command, result.name)}):\n{result.error}")
