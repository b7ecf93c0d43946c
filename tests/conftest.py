"""Shared fixtures. The provider bindings are imported and every stack synthesized ONCE per test session (it costs
~6-12 s and ~1 GB per process); the emulator is started once per session for the integration layer."""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from core import bindings

ROOT = Path(__file__).resolve().parent.parent
EPHEMERAL_SUFFIX = "pr42"
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
bindings.install()  # test modules importing modules/* at collection load the provider lazily (core/bindings.py)


@dataclass
class Synth:
    """Every stack of every environment (plus ephemeral copies), synthesized once."""

    outdir: Path
    stacks: dict[str, Any]  # stack name -> the WorkloadStack object (for cdktf Testing helpers)
    _json: dict[str, dict[str, Any]] = field(default_factory=dict)

    def json(self, name: str) -> dict[str, Any]:
        """The synthesized cdk.tf.json of stack `name` (with `//` metadata, exactly what Terraform reads)."""
        if name not in self._json:
            path = self.outdir / "stacks" / name / "cdk.tf.json"
            self._json[name] = json.loads(path.read_text(encoding="utf-8"))
        return self._json[name]

    def resources(self, name: str, rtype: str) -> dict[str, dict[str, Any]]:
        """{logical id: body} of every `rtype` resource in stack `name`."""
        return dict(self.json(name).get("resource", {}).get(rtype, {}))

    def only(self, name: str, rtype: str) -> dict[str, Any]:
        """The single `rtype` resource of stack `name` (fails when there is not exactly one)."""
        found = self.resources(name, rtype)
        assert len(found) == 1, f"{name}: expected one {rtype}, found {sorted(found)}"
        return next(iter(found.values()))


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    """Synthesize all workloads x all environments, and an ephemeral copy of each, into a session folder."""
    from config import Selection, load_catalog, load_environments  # pylint: disable=import-outside-toplevel
    from main import add_stacks, build_app  # pylint: disable=import-outside-toplevel
    outdir = tmp_path_factory.mktemp("cdktf.out")
    records, catalog = load_environments(), load_catalog()
    # TEST_WORKLOADS=a,b narrows the session to some workloads while developing one; CI always runs them all.
    workloads = selected_workloads()
    from core.bindings import paused_gc  # pylint: disable=import-outside-toplevel
    with paused_gc():
        app = build_app(Selection(workloads, tuple(records)), records, catalog, str(outdir))
        ephemeral = Selection(tuple(w for w in workloads if w != "bootstrap"), ("dev",), EPHEMERAL_SUFFIX)
        add_stacks(app, ephemeral, records, catalog)
        app.synth()
    stacks: dict[str, Any] = {}
    for child in app.node.children:
        stacks[child.node.id] = child
    return Synth(outdir, stacks)


@dataclass
class Validated:
    """`terraform validate` verdicts of every synthesized stack and of the HCL export of every dev and prod stack."""

    hcl_outdir: Path  # hcl.out of every stack but the ephemeral copies (tools/hcl_export.py)
    verdicts: dict[Path, dict[str, Any]]


@pytest.fixture(scope="session")
def validated(synth: Synth, tmp_path_factory: pytest.TempPathFactory) -> Validated:
    """Each configuration validated once per session: the JSON of every stack, and the HCL export of the dev and prod
    stacks (they span every structure), in batches side by side (tools.terraform.validate_all)."""
    from tools import hcl_export, terraform  # pylint: disable=import-outside-toplevel
    hcl_outdir = tmp_path_factory.mktemp("hcl.out")
    json_dirs = sorted((synth.outdir / "stacks").iterdir())
    exported = [d for d in json_dirs if not d.name.endswith(EPHEMERAL_SUFFIX)]
    assert hcl_export.export(exported, hcl_outdir, check=False) == 0  # rendered and `terraform fmt`-ed
    hcl_dirs = [hcl_outdir / "stacks" / d.name for d in exported if d.name.endswith(("-dev", "-prod"))]
    return Validated(hcl_outdir, terraform.validate_all([*json_dirs, *hcl_dirs], jobs=os.cpu_count() or 1))


@pytest.fixture(scope="session")
def loaded_bindings() -> None:
    """cdktf and the provider package loaded (lazily, seconds), for tests that build constructs without the synth."""
    bindings.load()


def props_error(construct: Callable[..., Any], id_: str, props: Any) -> str:
    """The PropsError text `construct` raises when built with `props` in a throwaway stack (the `synth` fixture must
    have loaded the bindings); fails when it builds."""
    from cdktf import App, TerraformStack  # pylint: disable=import-outside-toplevel

    from core.props import PropsError  # pylint: disable=import-outside-toplevel
    with pytest.raises(PropsError) as caught:
        construct(TerraformStack(App(), "s"), id_, props=props)
    return str(caught.value)


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

    def client(self, service: str, region: str = "us-east-1") -> Any:
        """A boto3 client talking to the emulator."""
        return emulator_client(self.endpoint, service, region)


def emulator_client(endpoint: str, service: str, region: str = "us-east-1") -> Any:
    """A boto3 client talking to the emulator at `endpoint`."""
    import boto3  # pylint: disable=import-outside-toplevel
    return boto3.client(service, region_name=region, endpoint_url=endpoint, aws_access_key_id="test",
                        aws_secret_access_key="test")


@contextmanager
def dev_emulator() -> Iterator[Any]:
    """A new emulator on a free port, emulating the dev environment's account; stopped (state gone) on exit."""
    from config import load_environments  # pylint: disable=import-outside-toplevel
    from tools.emulator import Emulator, free_port  # pylint: disable=import-outside-toplevel
    emulator = Emulator(port=free_port(), account_id=load_environments()["dev"].account_id).start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture(scope="session")
def emulator_deployment(synth: Synth, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """A fresh emulator for the session (account of the dev environment)."""
    from tools.deploy import OUTPUTS_FILE  # pylint: disable=import-outside-toplevel
    from tools.targets import local_target  # pylint: disable=import-outside-toplevel

    OUTPUTS_FILE.unlink(missing_ok=True)  # outputs of an earlier run describe resources that no longer exist

    state = tmp_path_factory.mktemp("bootstrap-state")
    with dev_emulator() as emulator:
        yield Deployment(local_target(emulator, state), emulator.endpoint, synth.outdir)


# Stacks the collected tests deploy (their module's STACK): the first deploy applies all of them side by side.
DEPLOYED_BY_TESTS: set[str] = set()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Note every stack the collected tests deploy (a test module using `deploy` names it in STACK)."""
    for item in items:
        stack = getattr(getattr(item, "module", None), "STACK", None)
        if "deploy" in getattr(item, "fixturenames", ()) and isinstance(stack, str):
            DEPLOYED_BY_TESTS.add(stack)


def _environment(stack: str) -> str:
    return stack.split("-")[-1] if not stack.endswith(EPHEMERAL_SUFFIX) else stack.split("-")[-2]


@pytest.fixture(scope="session")
def deploy(emulator_deployment: Deployment) -> Callable[[str], dict[str, Any]]:
    """`deploy("<stack>")` applies the environment's bootstrap stack and then `<stack>` (once per session) and
    returns the stack's outputs, as also written to cfn-outputs/flat-outputs.json. The first call of an environment
    applies every stack of it that the collected tests deploy, side by side (tools.deploy.deploy_stacks)."""
    from tools.deploy import OUTPUTS_FILE, deploy_stacks, stack_refs  # pylint: disable=import-outside-toplevel

    def _deploy(name: str) -> dict[str, Any]:
        env, done = _environment(name), {**emulator_deployment.outputs, **emulator_deployment.failed}
        together = sorted(s for s in DEPLOYED_BY_TESTS
                          if _environment(s) == env and (emulator_deployment.outdir / "stacks" / s).is_dir())
        wanted = [n for n in dict.fromkeys((f"bootstrap-{env}", name, *together)) if n not in done]
        if wanted:
            results, _ = deploy_stacks(stack_refs(emulator_deployment.outdir, wanted), emulator_deployment.target,
                                       outputs_file=OUTPUTS_FILE)
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


def selected_workloads() -> tuple[str, ...]:
    """The workloads this session synthesizes (all, unless TEST_WORKLOADS narrows them)."""
    from stacks import WORKLOADS  # pylint: disable=import-outside-toplevel
    wanted = os.environ.get("TEST_WORKLOADS", ",".join(WORKLOADS)).split(",")
    return tuple(w for w in WORKLOADS if w in wanted)


def all_stack_names() -> list[str]:
    """Every stack the `synth` fixture produces, known at collection time (for parametrize)."""
    from config import load_environments  # pylint: disable=import-outside-toplevel
    envs = list(load_environments())
    workloads = selected_workloads()
    return ([f"{w}-{e}" for e in envs for w in workloads]
            + [f"{w}-dev-{EPHEMERAL_SUFFIX}" for w in workloads if w != "bootstrap"])


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
