"""Load the AWS provider bindings fast: call `load()` before importing any stack or module.

Importing cdktf-cdktf-provider-aws creates ~2,000 modules; most of the ~12 s it costs is Python's cyclic garbage
collector walking them. Collection is paused during the import, and the loaded objects are then frozen out of
future collections (gc.freeze), which halves the time with byte-identical output (see README, "Performance").
"""
from __future__ import annotations

import gc
import os
import time
from contextlib import contextmanager
from typing import Iterator

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
_LOAD_SECONDS: list[float] = []


def load() -> float:
    """Import the bindings once per process; returns the seconds the first import took."""
    if not _LOAD_SECONDS:
        started = time.perf_counter()
        gc.disable()
        try:
            import cdktf  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
            import cdktf_cdktf_provider_aws  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
        finally:
            gc.freeze()
            gc.enable()
        _LOAD_SECONDS.append(time.perf_counter() - started)
    return _LOAD_SECONDS[0]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Build and synthesize with the cyclic collector paused (the construct tree is thousands of long-lived jsii
    proxies it would walk again and again); what was built is then frozen out of later collections."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
