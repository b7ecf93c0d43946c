"""The Terraform runner: backend-less commands never load a backend that a deploy initialised in the same folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import Synth, Validated
from tools import terraform
from tools.progress import ToolError

STACK = "event-processing-dev"


def _deployed_copy(synth: Synth, tmp_path: Path) -> Path:
    """A copy of a synthesized stack whose `.terraform/` holds what `terraform init` with the S3 backend leaves."""
    stack_dir = tmp_path / STACK
    shutil.copytree(synth.dir(STACK), stack_dir, ignore=shutil.ignore_patterns(".terraform*"))
    backend = json.loads((stack_dir / "cdk.tf.json").read_text(encoding="utf-8"))["terraform"]["backend"]["s3"]
    (stack_dir / ".terraform").mkdir()
    (stack_dir / ".terraform" / "terraform.tfstate").write_text(
        json.dumps(
            {"version": 3, "terraform_version": "1.11.4", "backend": {"type": "s3", "config": backend, "hash": 1}}
        ),
        encoding="utf-8",
    )
    return stack_dir


@pytest.mark.terraform
def test_validate_ignores_a_backend_initialised_by_a_deploy(
    synth: Synth, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No credentials at all: the S3 backend, were it loaded, would fail with "No valid credential sources found".
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    stack_dir = _deployed_copy(synth, tmp_path)

    verdict = terraform.validate(stack_dir)

    assert verdict["valid"] is True, verdict["diagnostics"]
    assert (stack_dir / terraform.OFFLINE_DATA_DIR / "providers").is_dir()
    kept = json.loads((stack_dir / ".terraform" / "terraform.tfstate").read_text(encoding="utf-8"))
    assert kept["backend"]["hash"] == 1  # the deploy's backend settings are left as they were


def test_offline_env_is_absolute_so_it_holds_in_the_stack_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = terraform.offline_env(Path("relative") / STACK)
    assert settings == {"TF_DATA_DIR": str(tmp_path / "relative" / STACK / terraform.OFFLINE_DATA_DIR)}


@pytest.mark.terraform
def test_batched_validation_gives_each_stack_its_own_verdict(
    synth: Synth, validated: Validated, tmp_path: Path
) -> None:
    """validate_all: one init + validate per batch, each folder's verdict as `validate` gives it alone. The clean
    batches are the session's (`validated`: every stack, in side-by-side batches); a broken batch is built here."""
    assert len(validated.verdicts) > 1
    assert [v["diagnostics"] for v in validated.verdicts.values()] == [[]] * len(validated.verdicts)  # root's dropped
    assert all((d / terraform.LOCK_FILE).read_text(encoding="utf-8").count("5.100.0") == 2 for d in validated.verdicts)

    names = ["bootstrap-dev", STACK]  # small stacks: the batching, not their size, is tested
    dirs = []
    for name in names:
        dirs.append(tmp_path / name)
        shutil.copytree(synth.dir(name), dirs[-1], ignore=shutil.ignore_patterns(".terraform*"))
    stack = json.loads((dirs[1] / "cdk.tf.json").read_text(encoding="utf-8"))
    stack["provider"]["aws"][0]["nonsense"] = True  # an argument the provider schema does not have
    (dirs[1] / "cdk.tf.json").write_text(json.dumps(stack), encoding="utf-8")
    verdicts = terraform.validate_all(dirs, jobs=1)  # one batch: the broken folder's error must stay its own
    assert list(verdicts) == dirs
    broken = verdicts[dirs[1]]
    assert (broken["valid"], broken["error_count"]) == (False, 1)
    assert broken["diagnostics"][0]["summary"] == "Extraneous JSON object property"
    assert broken == terraform.validate(dirs[1])
    assert (verdicts[dirs[0]]["valid"], verdicts[dirs[0]]["diagnostics"]) == (True, [])
    assert all((d / terraform.LOCK_FILE).read_text(encoding="utf-8").count("5.100.0") == 2 for d in dirs)


def test_terraform_and_its_providers_collect_garbage_less_often_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOGC", raising=False)
    assert terraform.terraform_env()["GOGC"] == terraform.GO_GC == "400"
    monkeypatch.setenv("GOGC", "100")  # the user's own setting wins
    assert terraform.terraform_env()["GOGC"] == "100"
    assert terraform.terraform_env({"GOGC": "off"})["GOGC"] == "off"


def _inits(log: Path) -> list[str]:
    """Each init's line in the log: "skipped" or "ran"."""
    return [
        "skipped" if line.endswith("): skipped, initialised with these inputs") else "ran"
        for line in log.read_text(encoding="utf-8").splitlines()
        if line.startswith("$ terraform init ")
    ]


@pytest.mark.terraform
def test_init_is_skipped_only_while_its_inputs_and_results_are_unchanged(tmp_path: Path) -> None:
    stack_dir, log = tmp_path / "stack", tmp_path / "init.log"
    stack_dir.mkdir()
    config = {"terraform": {"backend": {"local": {}}}, "output": {"x": {"value": 1}}}
    (stack_dir / "cdk.tf.json").write_text(json.dumps(config), encoding="utf-8")

    def init(path: str = "a.tfstate", **settings: str) -> str:
        terraform.init(stack_dir, backend=True, env=settings, backend_config={"path": path}, log=log)
        return _inits(log)[-1]

    assert init() == "ran"
    assert (stack_dir / ".terraform" / terraform.INIT_STAMP).is_file()
    assert init() == "skipped"
    other = tmp_path / "recover" / "stack.log"  # another command's log, in a folder not made yet
    terraform.init(stack_dir, backend=True, backend_config={"path": "a.tfstate"}, log=other)
    assert _inits(other) == ["skipped"]
    assert init(AWS_SECRET_ACCESS_KEY="one") == "ran"  # a setting of the target
    assert init(AWS_SECRET_ACCESS_KEY="two") == "skipped"  # a secret: by name only
    assert init(AWS_SECRET_ACCESS_KEY="two", AWS_REGION="eu-west-1") == "ran"
    assert init(AWS_SECRET_ACCESS_KEY="two", AWS_REGION="eu-west-1") == "skipped"
    assert init("b.tfstate") == "ran"  # the backend's configuration
    config["output"]["y"] = {"value": 2}
    (stack_dir / "cdk.tf.json").write_text(json.dumps(config), encoding="utf-8")
    assert init("b.tfstate") == "ran"  # the configuration
    (stack_dir / "plan.tfplan").write_text("x", encoding="utf-8")
    state = {"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "l", "outputs": {}, "resources": []}
    (stack_dir / "b.tfstate").write_text(json.dumps(state), encoding="utf-8")
    assert init("b.tfstate") == "skipped"  # a plan file or a local state is not the configuration
    (stack_dir / ".terraform" / "terraform.tfstate").unlink()
    assert init("b.tfstate") == "ran"  # what the init left
    with pytest.raises(ToolError):
        terraform.init(stack_dir, backend=True, backend_config={"no_such_argument": "1"}, log=log)
    assert not (stack_dir / ".terraform" / terraform.INIT_STAMP).exists()  # a failed init leaves no stamp
    assert init("b.tfstate") == "ran"
    terraform.init(stack_dir, backend=False, log=log)
    assert (stack_dir / terraform.OFFLINE_DATA_DIR / terraform.INIT_STAMP).is_file()
    assert _inits(log)[-1] == "ran" and init("b.tfstate") == "skipped"  # each data folder has its own stamp
