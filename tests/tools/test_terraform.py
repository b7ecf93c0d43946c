"""The Terraform runner: backend-less commands never load a backend that a deploy initialised in the same folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import Synth
from tools import terraform

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
def test_batched_validation_gives_each_stack_its_own_verdict(synth: Synth, tmp_path: Path) -> None:
    """validate_all: one init + validate per batch, each folder's verdict as `validate` gives it alone."""
    names = ["bootstrap-dev", STACK, "bootstrap-staging"]  # small stacks: the batching, not their size, is tested
    dirs = []
    for name in names:
        dirs.append(tmp_path / name)
        shutil.copytree(synth.dir(name), dirs[-1], ignore=shutil.ignore_patterns(".terraform*"))
    verdicts = terraform.validate_all(dirs, jobs=2)
    assert list(verdicts) == dirs
    assert [v["valid"] for v in verdicts.values()] == [True, True, True]
    assert [v["diagnostics"] for v in verdicts.values()] == [[], [], []]  # the batch root's own warnings dropped
    assert all((d / terraform.LOCK_FILE).read_text(encoding="utf-8").count("5.100.0") == 2 for d in dirs)

    stack = json.loads((dirs[1] / "cdk.tf.json").read_text(encoding="utf-8"))
    stack["provider"]["aws"][0]["nonsense"] = True  # an argument the provider schema does not have
    (dirs[1] / "cdk.tf.json").write_text(json.dumps(stack), encoding="utf-8")
    verdicts = terraform.validate_all(dirs, jobs=1)
    broken = verdicts[dirs[1]]
    assert (broken["valid"], broken["error_count"]) == (False, 1)
    assert broken["diagnostics"][0]["summary"] == "Extraneous JSON object property"
    assert broken == terraform.validate(dirs[1])
    assert verdicts[dirs[0]]["valid"] is True and verdicts[dirs[2]]["valid"] is True
