"""HCL export: every stack exports to HCL that validates, and plans exactly what its JSON plans."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EPHEMERAL_SUFFIX, Deployment, Synth, Validated, validated_in_hcl
from tools import cli, hcl_export, terraform
from tools.progress import ToolError

LOCAL_BACKEND = "backend_override.tf.json"


def stack_dirs(synth: Synth) -> list[Path]:
    """Every synthesized stack of the session but the ephemeral copies (the same code as dev)."""
    return sorted(d for d in (synth.outdir / "stacks").iterdir() if not d.name.endswith(EPHEMERAL_SUFFIX))


@pytest.fixture(scope="module")
def exported(validated: Validated) -> Path:
    """Every stack but the ephemeral copies exported (rendered and `terraform fmt`-ed) by the session's `validated`
    fixture, which validates the dev and prod exports in place of their JSON: no stack is validated twice."""
    return validated.hcl_outdir


def test_exports_validate(synth: Synth, exported: Path, validated: Validated) -> None:
    """dev and prod span every structure (prod adds zones, replicas, providers); `make export-hcl` validates all."""
    checked = [d for d in stack_dirs(synth) if validated_in_hcl(d.name)]
    assert len(checked) == 2 * len({d.name.rsplit("-", 1)[0] for d in stack_dirs(synth)})
    for stack_dir in checked:
        assert validated.forms[stack_dir.name] == exported / "stacks" / stack_dir.name
        verdict = validated.verdict(stack_dir.name)
        assert verdict["valid"] is True, (stack_dir.name, verdict["diagnostics"])


def test_every_stack_exports_to_plain_hcl(synth: Synth, exported: Path) -> None:
    for stack_dir in stack_dirs(synth):
        target = exported / "stacks" / stack_dir.name
        assert sorted(p.name for p in target.iterdir() if not p.name.startswith(".")) == sorted(
            ["main.tf", *(["assets"] if (stack_dir / "assets").exists() else [])]
        )
        text = (target / "main.tf").read_text(encoding="utf-8")
        assert '"//"' not in text and "cdktf" not in text.replace('"cdktf"', "")  # only the ManagedBy tag value
    bootstrap = (exported / "stacks" / "bootstrap-dev" / "main.tf").read_text(encoding="utf-8")
    assert "target_key_id = aws_kms_key.StateKey_D2B02354.key_id" in bootstrap
    assert "depends_on = [aws_s3_bucket_public_access_block.StateBucket_PublicAccessBlock_6DFB41B0]" in bootstrap
    assert '\\"Resource\\": [\\"${aws_s3_bucket.StateBucket_3A0A90D0.arn}\\"' in bootstrap  # policy kept intact
    assert "# checkov:skip=CKV_AWS_18: every read and write of a state object is recorded by the" in bootstrap
    assert '  versioning_configuration {\n    status = "Enabled"\n  }' in bootstrap  # a block, per the schema
    recovery = (exported / "stacks" / "disaster-recovery-dev" / "main.tf").read_text(encoding="utf-8")
    assert 'ephemeral "aws_secretsmanager_random_password" ' in recovery  # the DR master password, never in state


def planned(stack_dir: Path, env: dict[str, str], state: Path) -> dict[str, Any]:
    """`terraform plan -refresh=false` of `stack_dir` on an empty local state: what would be created, as JSON."""
    (stack_dir / LOCAL_BACKEND).write_text(
        json.dumps({"terraform": {"backend": {"local": {"path": str(state)}}}}), encoding="utf-8"
    )
    terraform.init(stack_dir, backend=True, env=env)
    terraform.run(stack_dir, ["plan", "-refresh=false", "-input=false", "-no-color", "-out=plan.tfplan"], env=env)
    shown = json.loads(terraform.run(stack_dir, ["show", "-json", "plan.tfplan"], env=env).stdout)
    return {key: shown.get(key) for key in ("planned_values", "resource_changes", "output_changes")}


@pytest.mark.integration
def test_hcl_plans_exactly_what_the_json_plans(
    synth: Synth, exported: Path, emulator_deployment: Deployment, tmp_path: Path
) -> None:
    env = emulator_deployment.target.env  # the emulator emulates the dev account
    # bootstrap-dev (local backend) and event-processing-dev (S3 backend, a Lambda asset), the four plans side by
    # side; every dev stack of the five workloads was compared the same way once (10 min).
    copies = {}
    for stack_dir in [d for d in stack_dirs(synth) if d.name in ("bootstrap-dev", "event-processing-dev")]:
        json_copy, hcl_copy = tmp_path / "json" / stack_dir.name, tmp_path / "hcl" / stack_dir.name
        shutil.copytree(stack_dir, json_copy, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
        shutil.copytree(exported / "stacks" / stack_dir.name, hcl_copy, ignore=shutil.ignore_patterns(".terraform*"))
        copies[(stack_dir.name, "json")], copies[(stack_dir.name, "hcl")] = json_copy, hcl_copy
    with ThreadPoolExecutor(max_workers=len(copies)) as pool:
        plans = dict(
            zip(copies, pool.map(lambda k: planned(copies[k], env, tmp_path / f"{k[0]}-{k[1]}.tfstate"), copies))
        )
    for stack_dir in [d for d in stack_dirs(synth) if d.name in ("bootstrap-dev", "event-processing-dev")]:
        from_json, from_hcl = plans[(stack_dir.name, "json")], plans[(stack_dir.name, "hcl")]
        addresses = [c["address"] for c in from_json["resource_changes"]]
        assert addresses and all(c["change"]["actions"] == ["create"] for c in from_json["resource_changes"])
        assert [c["address"] for c in from_hcl["resource_changes"]] == addresses
        assert from_hcl == from_json, stack_dir.name


def test_expressions_keep_their_terraform_meaning() -> None:
    assert hcl_export.expression("${a.b.c}") == "a.b.c"
    assert hcl_export.expression("x-${a.b}") == '"x-${a.b}"'
    assert hcl_export.expression('say "hi"\n') == '"say \\"hi\\"\\n"'
    # one whole interpolation with quotes and braces inside is its native expression, not an escaped string
    assert hcl_export.expression('${jsonencode({u = "a}b", p = e.x.y})}') == 'jsonencode({u = "a}b", p = e.x.y})'
    assert hcl_export.expression("${a.b}-${c.d}") == '"${a.b}-${c.d}"'
    assert hcl_export.expression({"aws:SourceArn": [1, True, None]}, 0) == (
        '{\n  "aws:SourceArn" = [\n    1,\n    true,\n    null,\n  ]\n}'
    )
    assert hcl_export.reference(["a.b", "${c.d}"]) == "[a.b, c.d]"
    with pytest.raises(ToolError, match="cannot express"):
        hcl_export.expression({1, 2})
    with pytest.raises(ToolError, match="does not handle top-level"):
        hcl_export.render({"module": {}}, {})


@pytest.mark.terraform
def test_cli_export_hcl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(hcl_export, "OUTDIR", tmp_path / "hcl.out")
    argv = ["export-hcl", "--workloads", "bootstrap", "--environments", "prod", "--outdir", str(tmp_path / "out")]
    assert cli.main(argv) == 0
    assert (tmp_path / "hcl.out" / "stacks" / "bootstrap-prod" / "main.tf").exists()
    assert "[1/1] bootstrap-prod:" in capsys.readouterr().err
