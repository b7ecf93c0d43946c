"""The modules the event-processing stack composes: reproducible packaging and props validation messages."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from cdktf import Testing

from modules.lambda_package import build_package, package_files, zip_bytes
from stacks.event_processing.stack import SOURCE_DIR
from tests.conftest import Synth, props_error


def test_package_is_byte_identical_whatever_the_file_times(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text("def handler(e, c):\n    return e\n", encoding="utf-8")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "handler.cpython-312.pyc").write_bytes(b"cache")
    first = zip_bytes(tmp_path)
    os.utime(tmp_path / "handler.py", (1_000_000, 1_000_000))
    assert zip_bytes(tmp_path) == first
    assert [p.name for p in package_files(tmp_path)] == ["handler.py"]
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
    assert len(infos) == 1
    info = infos[0]
    assert (info.filename, info.date_time, info.external_attr >> 16) == ("handler.py", (1980, 1, 1, 0, 0, 0), 0o644)


def test_package_changes_with_content_and_is_cached_by_hash(tmp_path: Path) -> None:
    source, cache = tmp_path / "src", tmp_path / "cache"
    source.mkdir()
    (source / "handler.py").write_text("A = 1\n", encoding="utf-8")
    one = build_package(source, "fn", cache)
    assert build_package(source, "fn", cache) == one
    assert one.sha256_base64 == base64.b64encode(hashlib.sha256(one.path.read_bytes()).digest()).decode()
    (source / "handler.py").write_text("A = 2\n", encoding="utf-8")
    assert build_package(source, "fn", cache).sha256_base64 != one.sha256_base64
    with pytest.raises(ValueError, match="holds no files"):
        build_package(tmp_path / "cache" / "missing", "fn", cache)


def test_synthesized_hash_is_the_hash_of_the_handler_folder(synth: Synth) -> None:
    function = synth.only("event-processing-dev", "aws_lambda_function")
    expected = base64.b64encode(hashlib.sha256(zip_bytes(SOURCE_DIR)).digest()).decode()
    received = synth.file("event-processing-dev")
    assert Testing.to_have_resource_with_properties(received, "aws_lambda_function", {"source_code_hash": expected})
    assert not Testing.to_have_resource_with_properties(
        received, "aws_lambda_function", {"source_code_hash": base64.b64encode(hashlib.sha256(b"").digest()).decode()}
    )
    shipped = synth.outdir / "stacks" / "event-processing-dev" / function["filename"]
    assert base64.b64encode(hashlib.sha256(shipped.read_bytes()).digest()).decode() == expected
    with zipfile.ZipFile(shipped) as archive:
        assert sorted(archive.namelist()) == ["__init__.py", "handler.py"]


@pytest.mark.usefixtures("loaded_bindings")
def test_function_rejects_a_runtime_outside_the_catalog() -> None:
    from modules.function import Function, FunctionProps  # pylint: disable=import-outside-toplevel

    props = FunctionProps(
        function_name="f",
        role_name="r",
        description="d",
        source_dir=SOURCE_DIR,
        handler="handler.handler",
        runtime="python3.9",
        supported_runtimes=("python3.12", "python3.13"),
        memory_mb=64,
        timeout_seconds=30,
        reserved_concurrency=1,
        kms_key_arn="k",
        log_retention_days=7,
        dead_letter_arn="d",
        policy_statements=({"Sid": "Any", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},),
    )
    assert props_error(Function, "Fn", props) == (
        "Function Fn: 3 invalid prop(s):\n"
        "  - runtime: Lambda runtime 'python3.9' is not supported for new functions; choose one of: python3.12, "
        "python3.13 (config/catalog.toml [lambda])\n"
        "  - memory_mb: 64 MB: Lambda takes 128 to 10240 MB\n"
        "  - statement Any has Resource '*'; name the ARNs"
    )


@pytest.mark.usefixtures("loaded_bindings")
def test_table_rejects_unindexed_attributes_and_replicas_without_streams() -> None:
    from modules.table import Replica, Table, TableProps  # pylint: disable=import-outside-toplevel

    props = TableProps(
        table_name="t",
        hash_key="id",
        attributes=(("id", "S"), ("extra", "X")),
        kms_key_arn="k",
        deletion_protection=False,
        replicas=(Replica(region="us-west-2", kms_key_arn="k2"),),
    )
    assert props_error(Table, "T", props) == (
        "Table T: 3 invalid prop(s):\n"
        "  - attributes must be exactly the key attributes ['id'] (DynamoDB rejects unindexed ones); "
        "got ['extra', 'id']\n"
        "  - attribute 'extra' has type 'X'; use one of S, N, B\n"
        "  - replicas need stream_view_type='NEW_AND_OLD_IMAGES' (global tables replicate through the stream)"
    )


@pytest.mark.usefixtures("loaded_bindings")
def test_table_replicas_synthesize_with_their_keys() -> None:
    from cdktf import App, TerraformStack  # pylint: disable=import-outside-toplevel

    from modules.table import Replica, Table, TableProps  # pylint: disable=import-outside-toplevel

    stack = TerraformStack(App(), "s")
    Table(
        stack,
        "T",
        props=TableProps(
            table_name="t",
            hash_key="id",
            attributes=(("id", "S"),),
            kms_key_arn="k",
            deletion_protection=True,
            stream_view_type="NEW_AND_OLD_IMAGES",
            replicas=(Replica(region="us-west-2", kms_key_arn="k2"),),
        ),
    )
    synthesized = Testing.synth(stack)
    replica = {"region_name": "us-west-2", "kms_key_arn": "k2", "point_in_time_recovery": True}
    expected = {"replica": [replica], "stream_enabled": True, "stream_view_type": "NEW_AND_OLD_IMAGES"}
    assert Testing.to_have_resource_with_properties(synthesized, "aws_dynamodb_table", expected)
    assert not Testing.to_have_resource_with_properties(
        synthesized, "aws_dynamodb_table", {"replica": [{**replica, "kms_key_arn": "k"}]}
    )
    (table,) = json.loads(synthesized)["resource"]["aws_dynamodb_table"].values()
    assert table["replica"] == [replica]  # exact: no other key in the replica block
