"""Shared fixtures. The provider bindings are imported and every stack synthesized ONCE per test session (it costs
~6-12 s and ~1 GB per process); the emulator is started once per session for the integration layer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from core import bindings
from tests.prefetch import Prefetch
from tests.prefetch import python_json as prefetched_python_json

ROOT = Path(__file__).resolve().parent.parent
# The session's ephemeral copies: every workload in every environment with the longest suffix allowed (8 characters),
# so the unit, validate and scan layers check every copy at the names' limits (tests/core/test_suffix_names.py).
EPHEMERAL_SUFFIX = "pr123456"
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# cdktf and the provider, lazily (core/bindings.py), before any test module imports modules/* at collection: the
# jsii runtime then starts here, with the preload that makes the provider's JavaScript lazy too
bindings.load()


@dataclass
class Synth:
    """Every stack of every environment (plus ephemeral copies), synthesized once."""

    outdir: Path
    stacks: dict[str, Any]  # stack name -> the WorkloadStack object (for cdktf Testing helpers)
    _json: dict[str, dict[str, Any]] = field(default_factory=dict)

    def json(self, name: str) -> dict[str, Any]:
        """The synthesized cdk.tf.json of stack `name` (with `//` metadata, exactly what Terraform reads); skips the
        test when TEST_WORKLOADS left the stack's workload out of the session."""
        skip_unless_selected(name)
        if name not in self._json:
            path = self.outdir / "stacks" / name / "cdk.tf.json"
            self._json[name] = json.loads(path.read_text(encoding="utf-8"))
        return self._json[name]

    def dir(self, name: str) -> Path:
        """The synthesized folder of stack `name`; skips the test when TEST_WORKLOADS left its workload out."""
        skip_unless_selected(name)
        return self.outdir / "stacks" / name

    def file(self, name: str) -> str:
        """The path of stack `name`'s cdk.tf.json, as cdktf's Testing matchers take it (`received` may be a path):
        `Testing.to_have_resource_with_properties(synth.file(name), rtype, {...})` matches properties as a subset
        (scalars and list lengths exactly). Tests that check a whole set or a count read `json`/`resources`."""
        skip_unless_selected(name)
        return str(self.outdir / "stacks" / name / "cdk.tf.json")

    def resources(self, name: str, rtype: str) -> dict[str, dict[str, Any]]:
        """{logical id: body} of every `rtype` resource in stack `name`."""
        return dict(self.json(name).get("resource", {}).get(rtype, {}))

    def by_path(self, name: str, rtype: str) -> dict[str, tuple[str, dict[str, Any]]]:
        """{construct path below the stack: (logical id, body)} of every `rtype` resource in stack `name`."""
        return {
            body["//"]["metadata"]["path"].split("/", 1)[1]: (lid, body)
            for lid, body in self.resources(name, rtype).items()
        }

    def only(self, name: str, rtype: str) -> dict[str, Any]:
        """The single `rtype` resource of stack `name` (fails when there is not exactly one)."""
        found = self.resources(name, rtype)
        assert len(found) == 1, f"{name}: expected one {rtype}, found {sorted(found)}"
        return next(iter(found.values()))


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    """Synthesize all workloads x all environments, and an ephemeral copy (EPHEMERAL_SUFFIX) of each workload in
    every environment, into a session folder."""
    from config import Selection, load_catalog, load_environments  # pylint: disable=import-outside-toplevel
    from main import add_stacks, build_app  # pylint: disable=import-outside-toplevel

    outdir = tmp_path_factory.mktemp("cdktf.out")
    records, catalog = load_environments(), load_catalog()
    # TEST_WORKLOADS=a,b narrows the session to some workloads while developing one; CI always runs them all.
    workloads = selected_workloads()
    from core.bindings import paused_gc  # pylint: disable=import-outside-toplevel

    with paused_gc():
        app = build_app(Selection(workloads, tuple(records)), records, catalog, str(outdir))
        ephemeral = Selection(tuple(w for w in workloads if w != "bootstrap"), tuple(records), EPHEMERAL_SUFFIX)
        add_stacks(app, ephemeral, records, catalog)
        target = integration_target()
        if target.suffix is not None and target.suffix != EPHEMERAL_SUFFIX:  # DEPLOY_TARGET=aws: its own copies
            add_stacks(app, Selection(ephemeral.workloads, ("dev",), target.suffix), records, catalog)
        app.synth()
    stacks: dict[str, Any] = {}
    for child in app.node.children:
        stacks[child.node.id] = child
    return Synth(outdir, stacks)


@dataclass
class Validated:
    """`terraform validate` verdicts, one per synthesized stack and each configuration validated once: the dev and
    prod stacks in their HCL export (tools/hcl_export.py), every other stack in its JSON. The JSON form of the dev
    and prod structures is validated in their ephemeral copies (same code, other names; bootstrap: staging), and
    tests/tools/test_hcl_export.py plans both forms of two stacks and compares every planned value."""

    hcl_outdir: Path  # hcl.out of every stack but the ephemeral copies
    forms: dict[str, Path]  # stack name -> the folder validated for it (its JSON stack folder or its HCL export)
    verdicts: dict[Path, dict[str, Any]]  # folder -> `terraform validate -json` verdict

    def verdict(self, stack: str) -> dict[str, Any]:
        """The verdict of the configuration validated for `stack`."""
        return self.verdicts[self.forms[stack]]


def validated_in_hcl(stack: str) -> bool:
    """Is `stack` validated in its HCL export (dev and prod) rather than in its JSON?"""
    return stack.endswith(("-dev", "-prod"))


# What `validated` runs, in a fresh interpreter (no test's monkeypatched environment or working folder reaches it):
# argv[1] = {"export": [[stack folder, HCL folder], ...], "validate": [folder, ...], "jobs": N}; prints the verdicts.
VALIDATE_RUN = """
import json, sys
from pathlib import Path
from tools import hcl_export, terraform
job = json.loads(sys.argv[1])
for source, target in job["export"]:  # rendered and `terraform fmt`-ed
    hcl_export.export_stack(Path(source), Path(target))
verdicts = terraform.validate_all([Path(d) for d in job["validate"]], jobs=job["jobs"])
print(json.dumps({str(folder): verdict for folder, verdict in verdicts.items()}))
"""


def _start_validation(jobs: Prefetch, request: pytest.FixtureRequest) -> None:
    """Start the validation of every stack (after the in-process synth)."""
    synth: Synth = request.getfixturevalue("synth")
    hcl_outdir = request.getfixturevalue("tmp_path_factory").mktemp("hcl.out")
    json_dirs = sorted((synth.outdir / "stacks").iterdir())
    forms = {d.name: hcl_outdir / "stacks" / d.name if validated_in_hcl(d.name) else d for d in json_dirs}
    exported = [
        [str(d), str(hcl_outdir / "stacks" / d.name)] for d in json_dirs if not d.name.endswith(EPHEMERAL_SUFFIX)
    ]
    job = json.dumps({"export": exported, "validate": [str(f) for f in forms.values()], "jobs": os.cpu_count() or 1})
    jobs.start_python(
        "validated",
        VALIDATE_RUN,
        job,
        cwd=ROOT,
        then=lambda verdicts: Validated(hcl_outdir, forms, {Path(f): verdict for f, verdict in verdicts.items()}),
    )


@pytest.fixture(scope="session")
def validated(prefetch: Prefetch, request: pytest.FixtureRequest) -> Validated:
    """Each stack validated once per session (Validated), in batches side by side (tools.terraform.validate_all),
    started in the background at the session's start (`prefetch`)."""
    result: Validated = _prefetched("validated", prefetch, request)
    return result


# What the fixture `synth` builds, with the published provider package imported first (before core.bindings can make
# it lazy: all 2,135 `from . import <submodule>` lines run), and the taggable resource types listed from it.
EAGER_RUN = f"""
import json, sys
import cdktf_cdktf_provider_aws
from config import Selection, load_catalog, load_environments
from core import bindings
from main import add_stacks, build_app
from policies.checks import taggable_types_from_bindings
workloads, outdir = tuple(sys.argv[1].split(",")), sys.argv[2]
records, catalog = load_environments(), load_catalog()
with bindings.paused_gc():
    app = build_app(Selection(workloads, tuple(records)), records, catalog, outdir)
    add_stacks(app, Selection(tuple(w for w in workloads if w != "bootstrap"), tuple(records), "{EPHEMERAL_SUFFIX}"),
               records, catalog)
    app.synth()
loaded = len(bindings.loaded_submodules())
print(json.dumps({{"lazy": bindings.is_lazy(), "loaded": loaded, "taggable": taggable_types_from_bindings()}}))
"""


@dataclass(frozen=True)
class EagerRun:
    """What one interpreter with the eagerly imported provider package synthesized and found."""

    outdir: Path  # the stacks it synthesized (what `synth` builds)
    lazy: bool  # core.bindings.is_lazy() in it (False: the published package ran whole)
    loaded: int  # provider submodules loaded
    taggable: list[str]  # policies.checks.taggable_types_from_bindings() there


def _start_eager_run(jobs: Prefetch, request: pytest.FixtureRequest) -> None:
    """Start the eager-import synth in a fresh interpreter."""
    outdir = request.getfixturevalue("tmp_path_factory").mktemp("eager")
    jobs.start_python(
        "eager_run",
        EAGER_RUN,
        ",".join(selected_workloads()),
        str(outdir),
        cwd=ROOT,
        then=lambda found: EagerRun(outdir, found["lazy"], found["loaded"], found["taggable"]),
    )


@pytest.fixture(scope="session")
def eager_run(prefetch: Prefetch, request: pytest.FixtureRequest) -> EagerRun:
    """ONE fresh interpreter importing the whole provider package (seconds, ~0.5 GB: never in the test process), for
    the byte-identity test (tests/core/test_bindings.py) and the taggable-types test (tests/policies/test_pack.py);
    started in the background at the session's start (`prefetch`)."""
    result: EagerRun = _prefetched("eager_run", prefetch, request)
    return result


# What `real_results` runs, in a fresh interpreter: argv[1] = the stack files (JSON list); prints every StackResult.
SCAN_RUN = """
import dataclasses, json, sys
from pathlib import Path
from policies import scan
results = scan.evaluate([Path(f) for f in json.loads(sys.argv[1])])
print(json.dumps({"results": [dataclasses.asdict(result) for result in results]}))
"""


def _start_scan(jobs: Prefetch, request: pytest.FixtureRequest) -> None:
    """Start the scan of every synthesized stack (policies.scan.evaluate, after the in-process synth)."""
    from policies.scan import StackResult  # pylint: disable=import-outside-toplevel

    synth: Synth = request.getfixturevalue("synth")
    files = json.dumps([str(synth.outdir / "stacks" / name / "cdk.tf.json") for name in all_stack_names()])
    jobs.start_python(
        "real_results", SCAN_RUN, files, cwd=ROOT, then=lambda found: [StackResult(**r) for r in found["results"]]
    )


@pytest.fixture(scope="session")
def real_results(prefetch: Prefetch, request: pytest.FixtureRequest) -> Any:
    """policies.scan.evaluate over every synthesized stack (one Checkov run, tests/policies/test_scan_wrapper.py),
    started in the background at the session's start (`prefetch`)."""
    return _prefetched("real_results", prefetch, request)


# Session fixtures whose work `prefetch` starts in the background at the session's start when a selected test uses
# them (PREFETCHED_BY_TESTS: noted at collection); `_phase` runs those tests after the other unit tests.
PREFETCHED = {"eager_run": _start_eager_run, "validated": _start_validation, "real_results": _start_scan}
PREFETCHED_BY_TESTS: set[str] = set()


def _prefetched(name: str, jobs: Prefetch, request: pytest.FixtureRequest) -> Any:
    """The result of the PREFETCHED job `name`, started now if `prefetch` did not (a fixture reached only through
    `request.getfixturevalue`)."""
    if not jobs.started(name):
        PREFETCHED[name](jobs, request)
    return jobs.result(name)


@pytest.fixture(scope="session", autouse=True)
def prefetch(request: pytest.FixtureRequest) -> Iterator[Prefetch]:
    """Start the session's long subprocess work at once, in the background (tests/prefetch.py): the eager-import
    synth (`eager_run`), and after the in-process synth the validation (`validated`) and the scan (`real_results`)
    of every stack, when a selected test uses them. Stopped at the session's end (what still runs is killed)."""
    jobs = Prefetch()
    try:
        for name in sorted(PREFETCHED_BY_TESTS):
            PREFETCHED[name](jobs, request)
        yield jobs
    finally:
        jobs.stop()


def python_json(code: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `code` in a fresh interpreter in the project folder (`env` added to this one's); its last stdout line is
    JSON, returned parsed; fails the test with its stderr when it exits non-zero."""
    return prefetched_python_json(code, *args, cwd=ROOT, env={**os.environ, **(env or {})})


@pytest.fixture(scope="session")
def loaded_bindings() -> None:
    """cdktf and the provider package loaded (lazily, seconds), for tests that build constructs without the synth."""
    bindings.load()


def props_error(construct: Callable[..., Any], id_: str, props: Any) -> str:
    """The PropsError text `construct` raises when built with `props` in a throwaway stack (the test uses the
    `loaded_bindings` fixture); fails when it builds."""
    from cdktf import App, TerraformStack  # pylint: disable=import-outside-toplevel

    from core.props import PropsError  # pylint: disable=import-outside-toplevel

    with pytest.raises(PropsError) as caught:
        construct(TerraformStack(App(), "s"), id_, props=props)
    return str(caught.value)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """moto in-process (mock_aws) with test credentials and no endpoint: `aws("s3")` is a boto3 client of it
    (us-east-1 unless a region follows: `aws("dynamodb", "us-west-2")`), and any client the code under test makes
    without an endpoint reaches it too."""
    import boto3  # pylint: disable=import-outside-toplevel
    from moto import mock_aws  # pylint: disable=import-outside-toplevel

    for key, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield lambda service, region="us-east-1": boto3.client(service, region_name=region)


# ---------------------------------------------------------------- integration layer (the local AWS emulator)


@pytest.fixture(scope="session", autouse=True)
def emulator_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The long-lived emulator's state folder for the whole session (EMULATOR_STATE_DIR): no test ever reads,
    reuses or stops the user's own emulator recorded in .emulator/emulator.json."""
    folder = tmp_path_factory.mktemp("emulator-state")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EMULATOR_STATE_DIR", str(folder))
        patch.delenv("EMULATOR_PORT", raising=False)
        yield folder


@dataclass
class Deployment:
    """The session's emulator and the stacks deployed to it so far."""

    target: Any
    endpoint: str
    outdir: Path
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # stack -> why it did not deploy
    plans: dict[str, bool | str] = field(default_factory=dict)  # stack -> second plan has changes, or why it failed
    background: Any = None  # tests.integration.session_deploy.Background: the deploy started at the session's start

    def client(self, service: str, region: str = "us-east-1") -> Any:
        """A boto3 client talking to the emulator (or, for DEPLOY_TARGET=aws, to AWS with the caller's own
        credentials)."""
        if not self.endpoint:
            import boto3  # pylint: disable=import-outside-toplevel

            return boto3.client(service, region_name=region)
        return emulator_client(self.endpoint, service, region)


def emulator_client(endpoint: str, service: str, region: str = "us-east-1") -> Any:
    """A boto3 client talking to the emulator at `endpoint`."""
    import boto3  # pylint: disable=import-outside-toplevel

    return boto3.client(
        service, region_name=region, endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test"
    )


@contextmanager
def dev_emulator() -> Iterator[Any]:
    """A new emulator on a free port, emulating the dev environment's account; stopped (state gone) on exit."""
    from config import load_environments  # pylint: disable=import-outside-toplevel
    from emulator.server import Emulator, free_port  # pylint: disable=import-outside-toplevel

    emulator = Emulator(port=free_port(), account_id=load_environments()["dev"].account_id).start()
    try:
        yield emulator
    finally:
        emulator.stop()


def tools_cli(
    *args: str, state_dir: Path, port: int, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python -m tools <args>` in a fresh process, as `make <command>` runs it, for a checkout whose emulator state
    folder is `state_dir` (EMULATOR_STATE_DIR) and whose port is `port` (EMULATOR_PORT); `env` adds variables (e.g.
    WORKLOADS, CDKTF_OUTDIR). Never raises for the exit code."""
    return subprocess.run(
        [sys.executable, "-m", "tools", *args],
        cwd=ROOT,
        env={**os.environ, "EMULATOR_STATE_DIR": str(state_dir), "EMULATOR_PORT": str(port), **(env or {})},
        text=True,
        capture_output=True,
        check=False,
        timeout=timeout,
    )


def emulator_record(state_dir: Path) -> dict[str, Any]:
    """What the emulator state file in `state_dir` records (pid, port, account_id, root, token)."""
    return dict(json.loads((state_dir / "emulator.json").read_text(encoding="utf-8")))


def integration_target() -> Any:
    """Where the integration suite runs (tests/integration/target.py): local unless DEPLOY_TARGET=aws with an
    ephemeral ENVIRONMENT_SUFFIX and a real dev account id. An unusable request falls back to local here and is
    refused by pytest_collection_finish as soon as an integration test is selected."""
    from config import load_environments  # pylint: disable=import-outside-toplevel
    from tests.integration.target import TargetError, select_target  # pylint: disable=import-outside-toplevel

    account_id = load_environments()["dev"].account_id
    try:
        return select_target(os.environ, account_id)
    except TargetError:
        return select_target({}, account_id)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Refuse an unusable integration target before anything is deployed (exit 2, one message), when the run
    selected integration tests (unit runs are not affected by DEPLOY_TARGET)."""
    from config import load_environments  # pylint: disable=import-outside-toplevel
    from tests.integration.target import TargetError, select_target  # pylint: disable=import-outside-toplevel

    _note_deployed_stacks(session.items)  # the final selection (after -m / -k deselection)
    PREFETCHED_BY_TESTS.clear()
    PREFETCHED_BY_TESTS.update(
        f for item in session.items for f in getattr(item, "fixturenames", ()) if f in PREFETCHED
    )
    if not any(item.get_closest_marker("integration") for item in session.items):
        return
    try:
        select_target(os.environ, load_environments()["dev"].account_id)
    except TargetError as error:
        pytest.exit(f"error: {error}", returncode=2)


# What a test needs, from the fixtures it uses (directly or through other fixtures); tests that run a tool
# themselves carry the mark by hand. `pytest -m "not terraform and not checkov and not emulator and not
# integration"` is then the pure-Python layer (no terraform on PATH needed, no emulator started).
FIXTURE_NEEDS = {
    "validated": "terraform",
    "shared_scan": "checkov",  # tests/policies/conftest.py: ONE Checkov run over every small policy fixture stack
    "fixtures": "checkov",  # tests/policies/conftest.py: the policy fixture stacks' verdicts from `shared_scan`
    "verdicts": "checkov",  # tests/policies/test_aws_rules.py: the AWS-rules fixture stacks' verdicts from it
    "real_results": "checkov",  # every synthesized stack scanned once (tests/policies/test_scan_wrapper.py)
    "emulator_deployment": "emulator",
    "deploy": "emulator",
}


def _skip_unselected_workloads(items: list[pytest.Item]) -> None:
    """Tests under tests/stacks/<workload>/ skip when TEST_WORKLOADS leaves that workload out."""
    from stacks import WORKLOADS  # pylint: disable=import-outside-toplevel

    selected, folders = selected_workloads(), {w.replace("-", "_"): w for w in WORKLOADS}
    for item in items:
        parts = Path(str(item.path)).relative_to(ROOT).parts
        workload = folders.get(parts[2]) if parts[:2] == ("tests", "stacks") and len(parts) > 3 else None
        if workload is not None and workload not in selected:
            reason = f"workload {workload} not selected (TEST_WORKLOADS={os.environ.get('TEST_WORKLOADS')})"
            item.add_marker(pytest.mark.skip(reason=reason))


def _mark_needs(items: list[pytest.Item]) -> None:
    """Add the `terraform` / `checkov` / `emulator` marks FIXTURE_NEEDS derives from each test's fixtures."""
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            if fixture in FIXTURE_NEEDS:
                item.add_marker(FIXTURE_NEEDS[fixture])


SESSION_FIXTURES = ("emulator_deployment", "deploy", "second_plan")


def _phase(item: Any) -> int:
    """0: integration tests on emulators of their own (or none); 1: the rest but 2: the tests reading what `prefetch`
    started in the background at the session's start (PREFETCHED), 3: integration tests that read the session's
    deployment, which is applied in the background meanwhile (session_deployment_in_background); 4: tests marked
    `session_end` (e.g. the check of a destroy that ran in the background meanwhile)."""
    fixtures = getattr(item, "fixturenames", ())
    if item.get_closest_marker("session_end"):
        return 4
    if not item.get_closest_marker("integration"):
        return 2 if any(f in PREFETCHED for f in fixtures) else 1
    return 3 if any(f in fixtures for f in SESSION_FIXTURES) else 0


def in_phases(items: list[Any]) -> list[Any]:
    """`items` by `_phase`, keeping the order within each phase."""
    return sorted(items, key=_phase)


class _SessionOrder:  # pylint: disable=too-few-public-methods
    """Orders the final selection (`_phase`): registered as a plugin so that it runs after -m/-k deselection and
    pytest's own ordering, while the marks below are set before deselection."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """The session's deployment (minutes of provider waiters) overlaps everything else: tests that read it
        come last (the order within each phase is kept)."""
        items[:] = in_phases(items)


def _interrupt(signum: int, frame: Any) -> None:
    del frame
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config: pytest.Config) -> None:
    """Register the session's test order (_SessionOrder). SIGTERM and SIGHUP interrupt the session as Ctrl-C does,
    so every fixture's teardown runs: the emulators the tests started (each in a process group of its own, which a
    signal to pytest never reaches) are stopped, the background deploy is stopped, instead of running on."""
    config.pluginmanager.register(_SessionOrder(), "session-order")
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _interrupt)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Marks what each test needs (FIXTURE_NEEDS). On AWS, tests marked `emulator_only` are skipped (they assert
    what only the emulator does); locally the `aws_only` ones are (they need what the emulator cannot run)."""
    del config
    _mark_needs(items)
    _skip_unselected_workloads(items)
    target = integration_target().name
    for item in items:
        if target == "aws" and item.get_closest_marker("emulator_only"):
            item.add_marker(pytest.mark.skip(reason="emulator-only assertion (DEPLOY_TARGET=aws)"))
        if target == "local" and item.get_closest_marker("aws_only"):
            item.add_marker(pytest.mark.skip(reason="needs a real AWS account (DEPLOY_TARGET=aws)"))


@pytest.fixture(scope="session")
def emulator_deployment(synth: Synth, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """A fresh emulator for the session (account of the dev environment); with DEPLOY_TARGET=aws the real account,
    and every workload stack the session deployed is destroyed at its end (also when tests failed)."""
    from tools.deploy import OUTPUTS_FILE  # pylint: disable=import-outside-toplevel
    from tools.targets import Target, local_target  # pylint: disable=import-outside-toplevel

    OUTPUTS_FILE.unlink(missing_ok=True)  # outputs of an earlier run describe resources that no longer exist
    if integration_target().name == "aws":
        deployment = Deployment(Target("aws"), "", synth.outdir)
        try:
            yield deployment
        finally:
            destroy_deployed(deployment)
        return

    state = tmp_path_factory.mktemp("bootstrap-state")
    with dev_emulator() as emulator:
        yield Deployment(local_target(emulator, state), emulator.endpoint, synth.outdir)


# Stacks the collected tests deploy (their module's STACK): the first deploy applies all of them side by side.
DEPLOYED_BY_TESTS: set[str] = set()


def _note_deployed_stacks(items: list[pytest.Item]) -> None:
    """Note every stack the selected tests deploy (a test module using `deploy` names it in STACK)."""
    DEPLOYED_BY_TESTS.clear()
    for item in items:
        stack = getattr(getattr(item, "module", None), "STACK", None)
        if "deploy" in getattr(item, "fixturenames", ()) and isinstance(stack, str):
            DEPLOYED_BY_TESTS.add(stack)


def _environment(stack: str) -> str:
    """The environment of a stack name: its last part, or the one before an ephemeral suffix (the unit synth's, or
    the integration target's on AWS)."""
    suffixes = {EPHEMERAL_SUFFIX, integration_target().suffix or EPHEMERAL_SUFFIX}
    return stack.split("-")[-2] if stack.split("-")[-1] in suffixes else stack.split("-")[-1]


@pytest.fixture(scope="session")
def deploy(emulator_deployment: Deployment) -> Callable[[str], dict[str, Any]]:
    """`deploy("<stack>")` applies the environment's bootstrap stack and then `<stack>` (once per session) and
    returns the stack's outputs, as also written to cfn-outputs/flat-outputs.json. The first call of an environment
    applies every stack of it that the collected tests deploy, side by side (tools.deploy.deploy_stacks)."""
    from tools.deploy import OUTPUTS_FILE, deploy_stacks, stack_refs  # pylint: disable=import-outside-toplevel

    def state_bucket_exists_for(name: str, env: str) -> bool:
        suffix = integration_target().suffix
        return bool(suffix) and name.endswith(f"-{suffix}") and state_bucket_exists(emulator_deployment, env)

    def _deploy(name: str) -> dict[str, Any]:
        env = _environment(name)
        background = emulator_deployment.background
        if background is not None and name in background.names:
            _collect(emulator_deployment, background.results())
        if state_bucket_exists_for(name, env):  # an earlier run (another runner) bootstrapped it
            emulator_deployment.outputs.setdefault(f"bootstrap-{env}", {})
        done = {**emulator_deployment.outputs, **emulator_deployment.failed}
        together = sorted(
            s
            for s in DEPLOYED_BY_TESTS
            if _environment(s) == env and (emulator_deployment.outdir / "stacks" / s).is_dir()
        )
        wanted = [n for n in dict.fromkeys((f"bootstrap-{env}", name, *together)) if n not in done]
        if wanted:
            results, _ = deploy_stacks(
                stack_refs(emulator_deployment.outdir, wanted), emulator_deployment.target, outputs_file=OUTPUTS_FILE
            )
            for result in results:
                if result.status == "ok":
                    emulator_deployment.outputs[result.name] = result.value
                else:
                    emulator_deployment.failed[result.name] = f"{result.status}: {result.error}"
        if name in emulator_deployment.failed:
            pytest.fail(f"{name} did not deploy: {emulator_deployment.failed[name]}")
        flat = json.loads(OUTPUTS_FILE.read_text(encoding="utf-8"))
        return dict(flat[name])

    return _deploy


def _collect(deployment: Deployment, results: dict[str, Any]) -> None:
    """Merge the background deployment's results (tests/integration/session_deploy.py) into `deployment`."""
    for name, result in results["deployed"].items():
        if result["status"] == "ok":
            deployment.outputs.setdefault(name, result["value"])
        else:
            deployment.failed.setdefault(name, f"{result['status']}: {result['error']}")
    for name, result in results["planned"].items():
        deployment.plans.setdefault(name, result["value"] if result["status"] == "ok" else result["error"])


@pytest.fixture(scope="session", autouse=True)
def session_deployment_in_background(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """When the selected tests deploy stacks to the local emulator, start applying all of them at the session's
    start, in a process of its own (tests/integration/session_deploy.py: bootstrap first, the others side by side,
    then every second plan side by side); the tests that read the deployment run last (`_phase`), so its minutes of
    provider waiters overlap every other test. `deploy(...)` waits for it. Stopped cleanly at the session's end."""
    if not DEPLOYED_BY_TESTS or integration_target().name != "local":
        yield None  # nothing deployed, or a real account (DEPLOY_TARGET=aws): `deploy` applies on first use
        return
    from tests.integration.session_deploy import Background, Request  # pylint: disable=import-outside-toplevel
    from tools.deploy import OUTPUTS_FILE  # pylint: disable=import-outside-toplevel

    deployment: Deployment = request.getfixturevalue("emulator_deployment")
    stacks = deployment.outdir / "stacks"
    envs = sorted({_environment(s) for s in DEPLOYED_BY_TESTS if (stacks / s).is_dir()})
    # a bootstrap stack is also a tested stack: named twice here, applied once (tools.deploy.stack_refs)
    names = [*(f"bootstrap-{e}" for e in envs), *sorted(s for s in DEPLOYED_BY_TESTS if (stacks / s).is_dir())]
    target = deployment.target
    folder = tmp_path_factory.mktemp("session-deploy")
    deployment.background = Background(
        Request(deployment.outdir, tuple(names), target.name, target.env, target.bootstrap_state_dir, OUTPUTS_FILE),
        folder,
    )
    try:
        yield deployment.background
    finally:
        deployment.background.stop()


@pytest.fixture(scope="session")
def second_plan(emulator_deployment: Deployment, deploy: Callable[[str], dict[str, Any]]) -> Callable[[str], bool]:
    """`second_plan("<stack>")`: does a plan of the deployed stack have changes? The background deployment planned
    every stack it applied, side by side, once all of them had applied; any other stack is planned here."""
    from tools.deploy import plan, stack_refs  # pylint: disable=import-outside-toplevel

    def _plan(name: str) -> bool:
        deploy(name)
        if name not in emulator_deployment.plans:
            (ref,) = stack_refs(emulator_deployment.outdir, [name])
            emulator_deployment.plans[name] = plan(ref, emulator_deployment.target)
        verdict = emulator_deployment.plans[name]
        if isinstance(verdict, str):
            pytest.fail(f"the second plan of {name} failed: {verdict}")
        return verdict

    return _plan


@dataclass
class BackgroundDestroys:
    """Stacks of the session's deployment destroyed in a process of their own while later tests run."""

    deployment: Deployment
    folder: Path
    started: dict[str, Any] = field(default_factory=dict)  # stack -> session_deploy.Background

    def start(self, name: str) -> None:
        """Start destroying `name` (once; tools.deploy.destroy, buckets not emptied, outputs file left as is)."""
        from tests.integration.session_deploy import Background, Request  # pylint: disable=import-outside-toplevel
        from tools.deploy import OUTPUTS_FILE  # pylint: disable=import-outside-toplevel
        from tools.parallel import REPORTS  # pylint: disable=import-outside-toplevel

        if name in self.started:
            return
        target, folder = self.deployment.target, self.folder / name
        folder.mkdir(parents=True)
        request = Request(
            self.deployment.outdir,
            (name,),
            target.name,
            target.env,
            target.bootstrap_state_dir,
            OUTPUTS_FILE,
            "destroy",
        )
        self.started[name] = Background(request, folder, log=REPORTS / f"session-destroy-{name}.log")

    def wait(self, name: str) -> None:
        """Wait for the destroy of `name` (starting it if needed); fails the test with its error."""
        self.start(name)
        result = self.started[name].results()["destroyed"][name]
        if result["status"] != "ok":
            pytest.fail(f"destroy of {name} failed: {result['error']}")


@pytest.fixture(scope="session")
def background_destroy(
    emulator_deployment: Deployment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BackgroundDestroys]:
    """`background_destroy.start("<stack>")` once the tests reading a stack ran; a test marked `session_end` (run
    after every other) calls `.wait("<stack>")` and checks what is left. Stopped cleanly at the session's end."""
    destroys = BackgroundDestroys(emulator_deployment, tmp_path_factory.mktemp("session-destroy"))
    try:
        yield destroys
    finally:
        for background in destroys.started.values():
            background.stop()


def state_bucket_exists(deployment: Deployment, env: str) -> bool:
    """True when the environment's state bucket already exists in the target account (aws: the bootstrap stack's
    local state does not survive a CI runner, the bucket does; bootstrap is then not applied again)."""
    from botocore.exceptions import ClientError  # pylint: disable=import-outside-toplevel

    from config import load_environments  # pylint: disable=import-outside-toplevel
    from core.naming import state_bucket_name  # pylint: disable=import-outside-toplevel

    record = load_environments()[env]
    try:
        deployment.client("s3", record.region).head_bucket(
            Bucket=state_bucket_name(env, record.account_id, record.region)
        )
    except ClientError:
        return False
    return True


def destroy_deployed(deployment: Deployment) -> None:
    """Destroy every workload stack `deployment` applied, newest first (never the bootstrap state bucket)."""
    from tools.deploy import destroy, stack_refs  # pylint: disable=import-outside-toplevel

    names = [n for n in reversed(list(deployment.outputs)) if not n.startswith("bootstrap-")]
    failed = []
    for ref in stack_refs(deployment.outdir, names):
        try:
            destroy(ref, deployment.target)
        except Exception as error:  # pylint: disable=broad-exception-caught  # destroy the others, then report
            failed.append(f"{ref.name}: {error}")
    assert not failed, "destroy failed (run `make destroy` with the same selection):\n" + "\n".join(failed)


def selected_workloads() -> tuple[str, ...]:
    """The workloads this session synthesizes (all, unless TEST_WORKLOADS narrows them)."""
    from stacks import WORKLOADS  # pylint: disable=import-outside-toplevel

    wanted = os.environ.get("TEST_WORKLOADS", ",".join(WORKLOADS)).split(",")
    return tuple(w for w in WORKLOADS if w in wanted)


def workload_of(stack: str) -> str | None:
    """The workload a stack name belongs to (`flask-api-dev-pr42` -> `flask-api`), or None."""
    from stacks import WORKLOADS  # pylint: disable=import-outside-toplevel

    return next((w for w in WORKLOADS if stack.startswith(f"{w}-")), None)


def skip_unless_selected(stack: str) -> None:
    """Skip the calling test when TEST_WORKLOADS narrowed the session and left `stack`'s workload out."""
    workload = workload_of(stack)
    if workload is not None and workload not in selected_workloads():
        pytest.skip(f"{stack}: workload {workload} not selected (TEST_WORKLOADS={os.environ.get('TEST_WORKLOADS')})")


def all_stack_names() -> list[str]:
    """Every stack the `synth` fixture produces, known at collection time (for parametrize)."""
    from config import load_environments  # pylint: disable=import-outside-toplevel

    envs = list(load_environments())
    workloads = selected_workloads()
    return [f"{w}-{e}" for e in envs for w in workloads] + ephemeral_stack_names()


def ephemeral_stack_names() -> list[str]:
    """The ephemeral copies the `synth` fixture produces: every workload but bootstrap in every environment, with
    EPHEMERAL_SUFFIX (bootstrap is one per environment: it holds the copies' state too)."""
    from config import load_environments  # pylint: disable=import-outside-toplevel

    return [
        f"{w}-{e}-{EPHEMERAL_SUFFIX}" for e in load_environments() for w in selected_workloads() if w != "bootstrap"
    ]


def config_problems(path: str, value: Any) -> list[str]:
    """The ConfigError problems of the real environments.toml with the value at dotted `path` replaced by `value`
    (e.g. `config_problems("defaults.flask_api.database.engine_version", "15.3")`); fails if nothing is wrong."""
    import tomllib  # pylint: disable=import-outside-toplevel

    from config import ConfigError  # pylint: disable=import-outside-toplevel
    from config.loader import ENVIRONMENTS_FILE, records_from_data  # pylint: disable=import-outside-toplevel

    data = tomllib.loads(ENVIRONMENTS_FILE.read_text(encoding="utf-8"))
    *parents, key = path.split(".")
    table = data
    for part in parents:
        table = table.setdefault(part, {})
    assert key in table or parents[0] == "environments", f"{path} is not in environments.toml"
    table[key] = value
    with pytest.raises(ConfigError) as caught:
        records_from_data(data)
    return caught.value.problems
