"""tools/synthesis.py: the CLI skips a synth only while its folder holds what the same inputs synthesized."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools import cli, synthesis

SELECTION, RECORDS, CATALOG = ("bootstrap",), {"dev": "record"}, "catalog"


def tree(root: Path) -> Path:
    """A source tree of the shape synthesis.SOURCES names."""
    for name, text in {
        "main.py": "print()\n",
        "stacks/a.py": "A = 1\n",
        "stacks/__pycache__/a.cpython-311.pyc": "bytecode",
        "config/environments.toml": "[defaults]\n",
        "docs/README.md": "not an input\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def digest(root: Path, outdir: Path, **changed: object) -> str:
    given = {"selection": SELECTION, "records": RECORDS, "catalog": CATALOG, **changed}
    return synthesis.inputs_digest(given["selection"], given["records"], given["catalog"], outdir, root=root)


def test_the_inputs_are_the_sources_the_resolved_configuration_the_folder_and_cdktf_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = tree(tmp_path / "src"), tmp_path / "out"
    first = digest(root, out)
    assert digest(root, out) == first
    (root / "stacks/__pycache__/a.cpython-311.pyc").write_text("other bytecode", encoding="utf-8")
    (root / "docs/README.md").write_text("edited\n", encoding="utf-8")
    monkeypatch.setenv("CDKTF_OUTDIR", "elsewhere")  # the folder is an input by its own argument
    monkeypatch.setenv("UNRELATED", "1")
    assert digest(root, out) == first
    changes = {
        "a source file": lambda: (root / "stacks/a.py").write_text("A = 2\n", encoding="utf-8"),
        "a new source file": lambda: (root / "stacks/b.py").write_text("", encoding="utf-8"),
        "a configuration file": lambda: (root / "config/environments.toml").write_text("", encoding="utf-8"),
        "a cdktf setting": lambda: monkeypatch.setenv("CDKTF_CONTEXT_JSON", "{}"),
        "a jsii setting": lambda: monkeypatch.setenv("JSII_RUNTIME", "node"),
    }
    seen = {first}
    for what, change in changes.items():
        change()
        now = digest(root, out)
        assert now not in seen, what
        seen.add(now)
    for what, now in {
        "selection": digest(root, out, selection=("bootstrap", "flask-api")),
        "records": digest(root, out, records={"dev": "other"}),
        "catalog": digest(root, out, catalog="other"),
        "folder": digest(root, tmp_path / "other"),
    }.items():
        assert now not in seen, what


def synthesized(outdir: Path) -> Path:
    """A folder shaped like cdktf's output: manifest, one stack with an asset."""
    stack = outdir / "stacks" / "s"
    (stack / "assets" / "A" / "H").mkdir(parents=True)
    (outdir / "manifest.json").write_text(json.dumps({"stacks": {"s": {}}}), encoding="utf-8")
    (stack / "cdk.tf.json").write_text("{}", encoding="utf-8")
    (stack / "assets" / "A" / "H" / "code.zip").write_bytes(b"zip")
    return stack


def test_a_record_holds_while_the_written_files_are_unchanged(tmp_path: Path) -> None:
    stack = synthesized(tmp_path)
    assert synthesis.unchanged(tmp_path, "in") is None  # no record
    synthesis.remember(tmp_path, "in", ["s"])
    assert synthesis.unchanged(tmp_path, "in") == ["s"]
    assert synthesis.unchanged(tmp_path, "other inputs") is None
    (stack / ".terraform").mkdir()  # what Terraform writes beside the synth is not the synth's
    (stack / ".terraform" / "init.sha256").write_text("x", encoding="utf-8")
    (stack / ".terraform.lock.hcl").write_text("x", encoding="utf-8")
    assert synthesis.unchanged(tmp_path, "in") == ["s"]
    for path, content in [
        (stack / "cdk.tf.json", "{ }"),
        (stack / "assets" / "A" / "H" / "code.zip", "other"),
        (stack / "assets" / "A" / "H" / "extra.txt", ""),
        (tmp_path / "manifest.json", json.dumps({"stacks": {"s": {}, "t": {}}})),  # t was never written
    ]:
        saved = path.read_bytes() if path.exists() else None
        path.write_text(content, encoding="utf-8")
        assert synthesis.unchanged(tmp_path, "in") is None, path
        path.unlink()
        if saved is not None:
            path.write_bytes(saved)
        assert synthesis.unchanged(tmp_path, "in") == ["s"], path
    (stack / "cdk.tf.json").unlink()
    assert synthesis.unchanged(tmp_path, "in") is None


def test_an_unreadable_or_incomplete_record_means_a_synth(tmp_path: Path) -> None:
    synthesized(tmp_path)
    for text in ["", "[]", '{"inputs": "in"}', '{"inputs": "in", "outputs": null, "stacks": ["s"]}']:
        (tmp_path / synthesis.RECORD).write_text(text, encoding="utf-8")
        assert synthesis.unchanged(tmp_path, "in") is None, text
    synthesis.forget(tmp_path)
    synthesis.forget(tmp_path)  # nothing to forget is no error
    assert not (tmp_path / synthesis.RECORD).exists()
    (tmp_path / "manifest.json").unlink()
    synthesis.remember(tmp_path, "in", ["s"])  # nothing was written: the record can never hold
    assert synthesis.unchanged(tmp_path, "in") is None


def test_the_cli_synthesizes_again_only_when_the_folder_differs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["--workloads", "bootstrap", "--environments", "dev", "--outdir", str(out)]
    stack = out / "stacks" / "bootstrap-dev" / "cdk.tf.json"
    assert cli.main(["synth", *args]) == 0
    assert "<== synth 1 stack(s): done in" in capsys.readouterr().err
    written = stack.read_bytes()
    assert cli.main(["synth", *args]) == 0
    assert f"==> synth 1 stack(s): skipped, {out}/ holds the synth of these sources and settings\n" in (
        capsys.readouterr().err
    )
    stack.write_text("{}", encoding="utf-8")  # an edited synth is synthesized again
    assert cli.main(["synth", *args]) == 0
    assert "<== synth 1 stack(s): done in" in capsys.readouterr().err
    assert stack.read_bytes() == written
    assert cli.main(["synth", *args[:2], "--environments", "staging", "--outdir", str(out)]) == 0
    assert "<== synth 1 stack(s): done in" in capsys.readouterr().err  # another selection
    assert json.loads((out / synthesis.RECORD).read_text(encoding="utf-8"))["stacks"] == ["bootstrap-staging"]
