"""core/bindings.py: the provider package loaded lazily gives byte-identical output to the eager package for every
stack; main.py, the CLI and the tests load it lazily; a submodule nobody listed still imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import bindings
from tests.conftest import EagerRun, Synth, python_json
from tools.bench import named_submodules

REPORT = """
from core import bindings
print(json.dumps({"lazy": bindings.is_lazy(), "loaded": bindings.loaded_submodules()}))
"""
ENTRIES = {
    "main.py": "import json, main\nassert main.main(['--workloads=bootstrap', '--environments=dev']) == 0\n",
    "the CLI": (
        "import json, os\nfrom tools import cli\nassert cli.main(['synth', '--workloads=bootstrap', "
        "'--environments=dev', '--outdir', os.environ['CDKTF_OUTDIR']]) == 0\n"
    ),
}


def synthesized_files(outdir: Path) -> list[Path]:
    """What the synth wrote below `outdir`/stacks: not the Terraform working files that validate, plan or deploy
    add to the session's stack folders later (`.terraform/`, `.terraform-offline/`, `.terraform.lock.hcl`)."""
    files = (p.relative_to(outdir) for p in (outdir / "stacks").rglob("*") if p.is_file())
    return sorted(p for p in files if not any(part.startswith(".terraform") for part in p.parts))


@pytest.mark.slow
def test_every_stack_is_byte_identical_to_the_eager_import(synth: Synth, eager_run: EagerRun) -> None:
    assert (eager_run.lazy, eager_run.loaded) == (False, 2135 + 2)
    eager, lazy = synthesized_files(eager_run.outdir), synthesized_files(synth.outdir)
    assert eager == lazy
    assert len([p for p in eager if p.name == "cdk.tf.json"]) == len(synth.stacks)
    different = [str(p) for p in eager if (eager_run.outdir / p).read_bytes() != (synth.outdir / p).read_bytes()]
    assert not different


@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_main_and_the_cli_load_only_the_named_submodules(entry: str, tmp_path: Path) -> None:
    found = python_json(ENTRIES[entry] + REPORT, env={"CDKTF_OUTDIR": str(tmp_path)})
    assert (tmp_path / "stacks" / "bootstrap-dev" / "cdk.tf.json").exists()
    assert found["lazy"] is True
    loaded = set(str(name) for name in found["loaded"])  # type: ignore[attr-defined]
    assert {"_jsii", "_private", "provider", "s3_bucket", "kms_key"} <= loaded
    assert loaded - {"_jsii", "_private"} <= set(named_submodules())


def test_the_test_session_loads_lazily_and_any_submodule_still_imports(loaded_bindings: None) -> None:
    del loaded_bindings
    assert bindings.is_lazy()
    import cdktf_cdktf_provider_aws as aws  # pylint: disable=import-outside-toplevel

    assert len(aws.__all__) == 2135
    assert aws.xray_group.XrayGroup.TF_RESOURCE_TYPE == "aws_xray_group"  # attribute access imports it (PEP 562)
    from cdktf_cdktf_provider_aws import wafv2_ip_set  # pylint: disable=import-outside-toplevel
    from cdktf_cdktf_provider_aws.worklink_fleet import WorklinkFleet  # pylint: disable=import-outside-toplevel

    assert (wafv2_ip_set.Wafv2IpSet.TF_RESOURCE_TYPE, WorklinkFleet.TF_RESOURCE_TYPE) == (
        "aws_wafv2_ip_set",
        "aws_worklink_fleet",
    )
    assert {"xray_group", "wafv2_ip_set", "worklink_fleet"} <= set(bindings.loaded_submodules())
    assert "xray_sampling_rule" in dir(aws)
    with pytest.raises(AttributeError, match="^module 'cdktf_cdktf_provider_aws' has no attribute 'nope'$"):
        getattr(aws, "nope")
