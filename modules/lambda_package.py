"""Reproducible Lambda deployment packages: the same source folder always gives byte-identical zip bytes.

Defaults:
- files added in sorted order with a fixed timestamp (1980-01-01, the zip epoch) and fixed permissions (0644),
  deflated at level 9; caches (`__pycache__`, `.pytest_cache`, `.mypy_cache`, `*.pyc`) left out
- the zip written once, content-addressed, under .cache/lambda/
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache" / "lambda"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_SKIPPED_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache"}


@dataclass(frozen=True)
class Package:
    """A built package: where it is and its SHA-256 (base64, as Lambda's CodeSha256 and source_code_hash)."""

    #: the zip file written
    path: Path
    #: base64 SHA-256 of the zip (the function's source_code_hash)
    sha256_base64: str


def package_files(source_dir: Path) -> list[Path]:
    """The files that go into the package, in archive order."""
    return sorted(
        p
        for p in source_dir.rglob("*")
        if p.is_file() and p.suffix != ".pyc" and not _SKIPPED_DIRS & set(p.relative_to(source_dir).parts)
    )


def zip_bytes(source_dir: Path) -> bytes:
    """The package's bytes: deterministic for the same file names and contents."""
    files = package_files(source_dir)
    if not files:
        raise ValueError(f"{source_dir} holds no files to package")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(source_dir).as_posix(), date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    return buffer.getvalue()


def build_package(source_dir: Path, name: str, cache_dir: Path = CACHE_DIR) -> Package:
    """Zip `source_dir` into `cache_dir/<name>-<hash>.zip` (written only when missing) and return it."""
    data = zip_bytes(source_dir)
    digest = hashlib.sha256(data)
    path = cache_dir / f"{name}-{digest.hexdigest()[:16]}.zip"
    if not path.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(data)
        os.replace(partial, path)  # atomic: concurrent synths never see a half-written zip
    return Package(path, base64.b64encode(digest.digest()).decode("ascii"))
