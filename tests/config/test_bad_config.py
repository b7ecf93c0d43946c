"""Every constraint a module or AWS enforces is checked on load: each bad value exits 2 with one exact message, no
traceback, and nothing written (no cdktf.out). Runs main.main in-process for each value, and the real CLIs
(`python -m tools synth`, `python main.py`) in subprocesses for a few."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any, Iterator

import pytest

import main
from config import catalog as catalog_module
from config import loader, rules
from tests.conftest import ROOT

ENV_FILE = "config/environments.toml"
HEADER = f"error: configuration has {{}} problem(s) in {ENV_FILE}:\n"
CERT = "arn:aws:acm:{}:222222222222:certificate/0f5e5c3a-1111-2222-3333-444455556666"
STG = "environments.staging"
BACKUP_CRON_HELP = (
    "write it like 'cron(0 23 ? * * *)': six fields (minutes hours day-of-month month day-of-week year, UTC), one of "
    "day-of-month and day-of-week '?', the minutes one number (AWS Backup runs a plan at most hourly)"
)


def dump_toml(data: dict[str, Any], prefix: str = "") -> str:
    """Plain TOML for environments.toml-shaped data (tables, strings, numbers, booleans, lists)."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list):
            return "[" + ", ".join(value(i) for i in v) + "]"
        return json.dumps(v) if isinstance(v, str) else str(v)

    lines = [f"{json.dumps(k)} = {value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    text = "\n".join(lines) + "\n"
    for key, table in ((k, v) for k, v in data.items() if isinstance(v, dict)):
        name = f"{prefix}{json.dumps(key)}"
        text += f"\n[{name}]\n" + dump_toml(table, f"{name}.")
    return text


def records_with(changes: dict[str, Any]) -> str:
    """environments.toml with each dotted path of `changes` set to its value."""
    data = tomllib.loads(loader.ENVIRONMENTS_FILE.read_text(encoding="utf-8"))
    for path, new in changes.items():
        *parents, key = path.split(".")
        table = data
        for part in parents:
            table = table.setdefault(part, {})
        table[key] = new
    return dump_toml(data)


@pytest.fixture
def records_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of environments.toml the loader reads instead of the real one; CDKTF_OUTDIR points at tmp/out."""
    path = tmp_path / "environments.toml"
    path.write_text(loader.ENVIRONMENTS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(loader, "ENVIRONMENTS_FILE", path)
    monkeypatch.setenv("CDKTF_OUTDIR", str(tmp_path / "out"))
    yield path


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    """main.main(argv) must exit 2 and write nothing; returns its stderr."""
    assert main.main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
    return err


ZONES = "must all be zones of eu-central-1 (region); write zones like 'eu-central-1a'"
BAD_VALUES: list[tuple[dict[str, Any], list[str]]] = [
    (
        {f"{STG}.region": "eu-central-1"},
        [
            f"{STG}.flask_api.network.availability_zones: ['us-east-1a', 'us-east-1b'] {ZONES}",
            f"{STG}.fraud_detection.network.availability_zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] {ZONES}",
        ],
    ),
    (
        {f"{STG}.healthcare_api.region": "us-east-1"},
        [
            f"{STG}.healthcare_api.network.availability_zones: ['eu-west-1a', 'eu-west-1b'] must all be zones of "
            "us-east-1 (healthcare_api.region); write zones like 'us-east-1a'"
        ],
    ),
    (
        {"environments.QA.account_id": "444444444444"},
        [
            "environments.QA.name: environment name 'QA' is invalid: use 1-10 lowercase letters and digits starting "
            "with a letter (e.g. 'qa'); it becomes part of every resource name; rename the table"
        ],
    ),
    (
        {"environments.integration1.account_id": "444444444444"},
        [
            "environments.integration1.name: environment name 'integration1' is invalid: use 1-10 lowercase letters "
            "and digits starting with a letter (e.g. 'qa'); it becomes part of every resource name; rename the table"
        ],
    ),
    (
        {f"{STG}.event_processing.notification_email": "platform-alerts"},
        [
            f"{STG}.event_processing.notification_email: 'platform-alerts' is not an e-mail address like "
            "'oncall@example.com'"
        ],
    ),
    (
        {f"{STG}.fraud_detection.alarm_email": "oncall@localhost"},
        [f"{STG}.fraud_detection.alarm_email: 'oncall@localhost' is not an e-mail address like 'oncall@example.com'"],
    ),
    (
        {f"{STG}.owner": "team <a>"},
        [f"{STG}.owner: 'team <a>' is not a tag value: use 1-256 letters, digits, spaces and _ . : / = + - @"],
    ),
    (
        {f"{STG}.flask_api.service.image_tag": "-latest"},
        [
            f"{STG}.flask_api.service.image_tag: '-latest' is not an image tag: use 1-128 letters, digits, '_', '.' "
            "and '-' (not first), like '1.0.0'"
        ],
    ),
    (
        {f"{STG}.flask_api.service.health_check_path": "/health check"},
        [
            f"{STG}.flask_api.service.health_check_path: '/health check': a load balancer health check path is at "
            "most 1024 printable characters without spaces"
        ],
    ),
    (
        {f"{STG}.flask_api.database.master_username": "db-admin"},
        [
            f"{STG}.flask_api.database.master_username: master username 'db-admin': use 1-63 letters, digits and '_', "
            "starting with a letter (e.g. 'dbadmin')"
        ],
    ),
    (
        {f"{STG}.healthcare_api.database.master_username": "1admin"},
        [
            f"{STG}.healthcare_api.database.master_username: master username '1admin': use 1-63 letters, digits and "
            "'_', starting with a letter (e.g. 'dbadmin')"
        ],
    ),
    (
        {f"{STG}.flask_api.database.instance_count": 17},
        [f"{STG}.flask_api.database.instance_count: 17: an Aurora cluster takes 1 to 16"],
    ),
    (
        {f"{STG}.event_processing.max_receive_count": 1001},
        [f"{STG}.event_processing.max_receive_count: 1001: an SQS redrive policy takes 1 to 1000"],
    ),
    (
        {f"{STG}.healthcare_api.database.allocated_storage_gb": 10},
        [f"{STG}.healthcare_api.database.allocated_storage_gb: 10: gp3 storage (GiB) takes 20 to 65536"],
    ),
    (
        {f"{STG}.healthcare_api.cache.num_cache_clusters": 7},
        [f"{STG}.healthcare_api.cache.num_cache_clusters: 7: a Redis replication group takes 1 to 6"],
    ),
    (
        {f"{STG}.healthcare_api.cache.engine_version": "6.2"},
        [
            f"{STG}.healthcare_api.cache.engine_version: '6.2': IAM authentication needs Redis 7 or later; choose a "
            "7.x version"
        ],
    ),
    (
        {f"{STG}.healthcare_api.cache.engine_version": "latest", f"{STG}.healthcare_api.cache.node_type": "t4g"},
        [
            f"{STG}.healthcare_api.cache.engine_version: engine version 'latest' does not exist for redis; choose "
            "one of: 6.2, 7.0, 7.1",
            f"{STG}.healthcare_api.cache.node_type: 't4g' is not like 'cache.t4g.small'",
        ],
    ),
    (
        {f"{STG}.healthcare_api.cache.num_cache_clusters": 1},
        [
            f"{STG}.healthcare_api.cache.automatic_failover: needs num_cache_clusters >= 2 (a replica to promote); "
            "num_cache_clusters is 1"
        ],
    ),
    (
        {f"{STG}.healthcare_api.cache.automatic_failover": False},
        [f"{STG}.healthcare_api.cache.multi_az: needs automatic_failover = true"],
    ),
    (
        {f"{STG}.healthcare_api.throttling_burst_limit": 10},
        [
            f"{STG}.healthcare_api.throttling_burst_limit: 10 is below throttling_rate_limit 50; the burst must be at "
            "least the rate"
        ],
    ),
    (
        {f"{STG}.event_processing.noncurrent_version_transition_days": 20},
        [
            f"{STG}.event_processing.noncurrent_version_transition_days: 20 must be >= 30 (S3's STANDARD_IA minimum) "
            "and below noncurrent_version_expiration_days (90)"
        ],
    ),
    (
        {f"{STG}.event_processing.noncurrent_version_transition_days": 90},
        [
            f"{STG}.event_processing.noncurrent_version_transition_days: 90 must be >= 30 (S3's STANDARD_IA minimum) "
            "and below noncurrent_version_expiration_days (90)"
        ],
    ),
    (
        {f"{STG}.flask_api.certificate_arn": CERT.format("eu-west-1")},
        [
            f"{STG}.flask_api.certificate_arn: the certificate is in eu-west-1 / 222222222222; the load balancer needs "
            "one in us-east-1 / 222222222222 (region, account_id)"
        ],
    ),
    (
        {f"{STG}.flask_api.certificate_arn": "arn:aws:iam::222222222222:server-certificate/x"},
        [
            f"{STG}.flask_api.certificate_arn: 'arn:aws:iam::222222222222:server-certificate/x' is not an ACM "
            "certificate ARN like 'arn:aws:acm:us-east-1:111111111111:certificate/"
            "0f5e5c3a-1111-2222-3333-444455556666'"
        ],
    ),
    (
        {"environments.dev.flask_api.hosted_zone_id": "Z0123456789ABC"},
        [
            "environments.dev.flask_api: set both hosted_zone_id and domain_name (the ALB's alias record and the "
            "ACM DNS validation), or neither"
        ],
    ),
    (
        {f"{STG}.flask_api.hosted_zone_id": "zone-1", f"{STG}.flask_api.domain_name": "api.example.com"},
        [f"{STG}.flask_api.hosted_zone_id: 'zone-1' is not a hosted zone id like 'Z0123456789ABC'"],
    ),
    (
        {f"{STG}.flask_api.hosted_zone_id": "Z0123456789ABC", f"{STG}.flask_api.domain_name": "api..example.com"},
        [f"{STG}.flask_api.domain_name: 'api..example.com' is not a domain like 'dr.example.com'"],
    ),
    (
        {f"{STG}.disaster_recovery.hosted_zone_id": "z123"},
        [f"{STG}.disaster_recovery.hosted_zone_id: 'z123' is not a hosted zone id like 'Z0123456789ABC'"],
    ),
    (
        {f"{STG}.backup.schedule": "rate(1 day)"},
        [f"{STG}.backup.schedule: 'rate(1 day)' is not an AWS Backup cron expression; {BACKUP_CRON_HELP}"],
    ),
    (
        {f"{STG}.backup.schedule": "cron(*/15 * ? * * *)"},
        [f"{STG}.backup.schedule: 'cron(*/15 * ? * * *)': {BACKUP_CRON_HELP}"],
    ),
    (
        {f"{STG}.backup.schedule": "cron(0 23 * * * *)"},
        [f"{STG}.backup.schedule: 'cron(0 23 * * * *)': {BACKUP_CRON_HELP}"],
    ),
    (
        {f"{STG}.backup.retention_days": 0},
        [f"{STG}.backup.retention_days: 0: an AWS Backup retention (days) takes 1 to 36500"],
    ),
    (
        {f"{STG}.backup.retention_days": "90"},
        [f"{STG}.backup.retention_days: expected an integer, got '90'"],
    ),
    (
        {f"{STG}.backup.start": "now"},
        [f"{STG}.backup.start: unknown key; valid keys here: retention_days, schedule"],
    ),
    (
        {f"{STG}.api_stage.cache_size_gb": "1"},
        [
            f"{STG}.api_stage.cache_size_gb: '1' is not an API Gateway cache size; choose one of: 0.5, 1.6, 6.1, "
            "13.5, 28.4, 58.2, 118, 237"
        ],
    ),
    (
        {f"{STG}.api_stage.cache_ttl_seconds": 0},
        [f"{STG}.api_stage.cache_ttl_seconds: 0: an API Gateway response cache TTL (seconds) takes 1 to 3600"],
    ),
]


@pytest.mark.parametrize(("changes", "expected"), BAD_VALUES, ids=[next(iter(c)) for c, _ in BAD_VALUES])
def test_each_bad_value_exits_2_with_its_message(
    changes: dict[str, Any], expected: list[str], records_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    records_file.write_text(records_with(changes), encoding="utf-8")
    err = run_main(["--environments", "staging"], capsys, tmp_path)
    assert err == HEADER.format(len(expected)) + "".join(f"  - {p}\n" for p in expected)


def test_the_rewritten_records_are_valid_unchanged(records_file: Path) -> None:
    """dump_toml loses nothing: the records read from its output equal those of the real file."""
    records_file.write_text(records_with({}), encoding="utf-8")
    real = (ROOT / ENV_FILE).read_text(encoding="utf-8")
    assert loader.load_environments() == loader.load_environments(real)
    assert records_file.read_text(encoding="utf-8") != real  # really rewritten


@pytest.mark.parametrize(
    ("suffix", "shown"),
    [("Pr42", "'Pr42'"), ("pr123456789", "'pr123456789'"), ("42pr", "'42pr'"), ("pr-42", "'pr-42'")],
)
def test_bad_suffix_exits_2(
    suffix: str, shown: str, records_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    del records_file
    err = run_main(["--suffix", suffix], capsys, tmp_path)
    assert err == (
        "error: configuration has 1 problem(s):\n"
        f"  - ENVIRONMENT_SUFFIX {shown} is invalid: use 1-8 lowercase letters and digits starting with "
        "a letter (e.g. 'pr42'); it becomes part of every resource name and state key\n"
    )


def test_missing_records_file_exits_2(records_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    records_file.unlink()
    err = run_main([], capsys, tmp_path)
    assert err == (
        "error: configuration has 1 problem(s):\n"
        f"  - {records_file}: cannot read the environment records (No such file or directory); restore "
        "it from git (git checkout -- config/environments.toml)\n"
    )


@pytest.fixture
def catalog_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of catalog.toml read instead of the real one (the per-process cache is cleared around the test)."""
    path = tmp_path / "catalog.toml"
    path.write_text(catalog_module.CATALOG_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(catalog_module, "CATALOG_FILE", path)
    monkeypatch.setenv("CDKTF_OUTDIR", str(tmp_path / "out"))
    catalog_module.load_catalog.cache_clear()
    yield path
    catalog_module.load_catalog.cache_clear()


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_catalog_errors_exit_2_naming_the_file_and_key(
    catalog_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _replace(catalog_file, "[lambda]\n", "")
    _replace(catalog_file, 'runtimes = ["python3.11", "python3.12", "python3.13"]\n', "")  # no [lambda] at all
    _replace(catalog_file, 'redis = ["6.2", "7.0", "7.1"]', 'redis = "7.1"')
    _replace(catalog_file, "256 = [512, 1024, 2048]", "small = [512]")
    err = run_main([], capsys, tmp_path)
    assert err == (
        "error: configuration has 3 problem(s):\n"
        f"  - {catalog_file} engine_versions.redis: expected a non-empty list of strings, got '7.1'\n"
        f"  - {catalog_file}: missing [lambda] table\n"
        f"  - {catalog_file} fargate.task_memory_mib.small: 'small' is not a number of CPU units\n"
    )


def test_invalid_or_missing_catalog_exits_2(
    catalog_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    catalog_file.write_text("[regions\nallowed = 1\n", encoding="utf-8")
    err = run_main([], capsys, tmp_path)
    assert err == (
        "error: configuration has 1 problem(s):\n"
        f"  - {catalog_file} is not valid TOML: Expected ']' at the end of a table declaration (at line "
        "1, column 9); fix the line named\n"
    )
    catalog_module.load_catalog.cache_clear()
    catalog_file.unlink()
    err = run_main([], capsys, tmp_path)
    assert err == (
        "error: configuration has 1 problem(s):\n"
        f"  - {catalog_file}: cannot read the catalog (No such file or directory); restore it from git "
        "(git checkout -- config/catalog.toml)\n"
    )


def test_a_props_check_the_loader_missed_is_reported_through_the_same_path(
    records_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The last line of defence: with the loader's zone check switched off, the Network module's own check fires,
    and main reports it as a configuration error naming the environment's table, with nothing written."""
    monkeypatch.setattr(rules, "_zone_problems", lambda *_: [])
    records_file.write_text(records_with({f"{STG}.region": "eu-central-1"}), encoding="utf-8")
    err = run_main(["--workloads", "flask-api", "--environments", "staging"], capsys, tmp_path)
    assert err == (
        "error: configuration has 1 problem(s):\n"
        "  - config/environments.toml [environments.staging] (flask-api): Network Network: 1 invalid "
        "prop(s): availability_zones: ['us-east-1a', 'us-east-1b'] must all be zones of eu-central-1 (region); "
        "write zones like 'eu-central-1a'; fix the value named (see docs/modules/)\n"
    )


WRAPPER = (
    "import pathlib, sys; import config.loader as l; l.ENVIRONMENTS_FILE = pathlib.Path(sys.argv[1]); "
    "import {module}; sys.exit({module}.main(sys.argv[2:]))"
)


@pytest.mark.parametrize("command", [["tools.cli", "synth"], ["main"]])
def test_the_real_clis_exit_2_on_the_issue_example(command: list[str], tmp_path: Path) -> None:
    """Issue 14's example: region eu-central-1 with zones us-east-1a/b (a traceback before)."""
    records = tmp_path / "environments.toml"
    records.write_text(records_with({f"{STG}.region": "eu-central-1"}), encoding="utf-8")
    module, *args = command
    env = {**os.environ, "CDKTF_OUTDIR": str(tmp_path / "out"), "ENVIRONMENTS": "staging"}
    proc = subprocess.run(
        [sys.executable, "-c", WRAPPER.format(module=module), str(records), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == HEADER.format(2) + "".join(f"  - {p}\n" for p in BAD_VALUES[0][1])
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [["-m", "tools", "synth"], ["main.py"]])
def test_the_real_clis_exit_2_on_a_bad_suffix(command: list[str], tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CDKTF_OUTDIR": str(tmp_path / "out"),
        "ENVIRONMENTS": "staging",
        "ENVIRONMENT_SUFFIX": "PR_42",
    }
    proc = subprocess.run([sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert (proc.returncode, "Traceback" in proc.stderr) == (2, False)
    assert proc.stderr == (
        "error: configuration has 1 problem(s):\n  - ENVIRONMENT_SUFFIX 'PR_42' is invalid: use "
        "1-8 lowercase letters and digits starting with a letter (e.g. 'pr42'); it becomes part "
        "of every resource name and state key\n"
    )
    assert not (tmp_path / "out").exists()
