"""Load the AWS provider bindings fast: call `load()` before importing any stack or module.

The package `cdktf_cdktf_provider_aws/__init__.py` (20.1.0) ends with `from . import <submodule>` for all 2,135
submodules, so a plain `import cdktf_cdktf_provider_aws.s3_bucket` imports every one of them (~6 s and ~1.1 GB even
with the collector paused). `install()` puts a finder first on `sys.meta_path` that loads the package module from its
own `__init__.py` with exactly those submodule imports left out: everything else in it runs as published (the jsii
assembly is loaded by `from ._jsii import *`, `__all__`, `publication.publish()`). The submodules the code imports
are then imported by their own `import` statements, each when first named; any other submodule stays importable the
same way, and as an attribute of the package (PEP 562 `__getattr__`), so `cdktf_cdktf_provider_aws.xray_group` and
`from cdktf_cdktf_provider_aws import *` work as with the eager package. jsii's own generator made submodules lazy
the same way in 2026 (aws/jsii #5110); these bindings predate that. The synthesized JSON is byte-identical to the
eager import (tests/core/test_bindings.py compares every stack).

The JavaScript side had the same shape: loading the assembly in the jsii runtime requires the package's
lib/index.js, whose 2,135 lines `exports.<name> = require("./<dir>")` ran every submodule's JavaScript (1.3 of the
runtime's 1.4 s). `load()` starts the runtime with `lazy_provider.js` preloaded (NODE_OPTIONS `--require`, set only
while the runtime starts): each of those lines becomes a getter that requires its submodule when the kernel first
reads it. Synth of all 18 stacks: 4.9 -> 3.7 s, byte-identical. A runtime started before `load()` (something imported
cdktf first) runs the published file; `runtime_preloaded()` tells which.

Python's cyclic garbage collector is paused while the bindings load and the loaded objects are then frozen out of
later collections (gc.freeze): the generated modules are thousands of long-lived objects it would walk again and
again.

`load_all()` imports every submodule (what the eager package does), for code that inspects the whole provider
(policies/checks: the taggable resource types) and for the benchmark's eager floor.
"""

from __future__ import annotations

import ast
import gc
import importlib
import importlib.abc
import importlib.machinery
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator, Sequence

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
PACKAGE = "cdktf_cdktf_provider_aws"
_LOAD_SECONDS: list[float] = []


def _without_submodule_imports(source: str, filename: str) -> Any:
    """The package's `__init__` compiled without its top-level `from . import <submodule>` statements."""
    tree = ast.parse(source, filename=filename)
    tree.body = [
        node for node in tree.body if not (isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is None)
    ]
    return compile(tree, filename, "exec")


def _lazy_attributes(module: ModuleType) -> None:
    """PEP 562: a submodule named in the package's `__all__` is imported on first attribute access."""
    names = frozenset(getattr(module, "__all__", ()))

    def __getattr__(name: str) -> ModuleType:  # pylint: disable=invalid-name
        if name in names:
            return importlib.import_module(f"{PACKAGE}.{name}")
        raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}")

    def __dir__() -> list[str]:  # pylint: disable=invalid-name
        return sorted(set(vars(module)) | names)

    module.__getattr__ = __getattr__  # type: ignore[method-assign]
    module.__dir__ = __dir__  # type: ignore[method-assign]


class _LazyPackageLoader(importlib.abc.Loader):
    """Executes the package's `__init__.py` without the 2,135 submodule imports at its end."""

    def __init__(self, real: importlib.machinery.SourceFileLoader) -> None:
        self.real = real

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        """None: the import system creates the default module object."""
        return None

    def exec_module(self, module: ModuleType) -> None:
        """Run the package's `__init__` minus the submodule imports, then make submodules lazy attributes."""
        filename = self.real.get_filename(PACKAGE)
        source = _without_submodule_imports(self.real.get_source(PACKAGE) or "", filename)
        exec(source, module.__dict__)  # pylint: disable=exec-used
        _lazy_attributes(sys.modules[PACKAGE])  # publication.publish() registered a new, public module object

    def is_package(self, fullname: str) -> bool:
        """It is the package (submodules are found on its `__path__`)."""
        return fullname == PACKAGE

    def get_source(self, fullname: str) -> str | None:
        """The package's real source (for tracebacks and inspect)."""
        return self.real.get_source(fullname)


class _LazyPackageFinder(importlib.abc.MetaPathFinder):
    """Finds the provider package as the path finder does, then loads it with _LazyPackageLoader."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        """The package's own spec with the lazy loader; None (not ours) for every other module."""
        if fullname != PACKAGE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None and isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            spec.loader = _LazyPackageLoader(spec.loader)
        return spec


def install() -> None:
    """Make the next import of the provider package lazy (idempotent; cheap: nothing is imported here)."""
    if not any(isinstance(finder, _LazyPackageFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _LazyPackageFinder())


def is_lazy() -> bool:
    """True when the provider package in this process was loaded lazily (by this module's loader)."""
    module = sys.modules.get(PACKAGE)
    return module is not None and isinstance(getattr(module, "__loader__", None), _LazyPackageLoader)


def loaded_submodules() -> list[str]:
    """The provider submodules imported in this process so far."""
    prefix = f"{PACKAGE}."
    return sorted(name[len(prefix) :] for name in sys.modules if name.startswith(prefix) and name.count(".") == 1)


@contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


NODE_PRELOAD = Path(__file__).with_name("lazy_provider.js")


def node_options(current: str | None) -> str:
    """NODE_OPTIONS for the jsii runtime: `current` plus the preload that makes the provider's JavaScript lazy."""
    preload = f'--require "{NODE_PRELOAD}"'
    return preload if not current else f"{current} {preload}"


@contextmanager
def _node_preload() -> Iterator[None]:
    """NODE_OPTIONS carries the preload only while the jsii runtime starts (the first `import cdktf`), so no other
    process this one starts (Terraform, Checkov, a fresh interpreter) inherits it."""
    before = os.environ.get("NODE_OPTIONS")
    os.environ["NODE_OPTIONS"] = node_options(before)
    try:
        yield
    finally:
        if before is None:
            del os.environ["NODE_OPTIONS"]
        else:
            os.environ["NODE_OPTIONS"] = before


def runtime_preloaded() -> bool | None:
    """Was this process's jsii runtime started with the preload (its environment, read from /proc)? None when no
    runtime runs yet or its environment cannot be read (not Linux)."""
    if "constructs._jsii" not in sys.modules:  # the first assembly loaded: until then no runtime was started
        return None
    from jsii import _runtime  # pylint: disable=import-outside-toplevel

    process = getattr(_runtime.kernel.provider, "_process")._process  # pylint: disable=protected-access
    try:
        environ = Path(f"/proc/{process.pid}/environ").read_bytes()
    except OSError:
        return None
    return any(
        entry.startswith(b"NODE_OPTIONS=") and str(NODE_PRELOAD).encode() in entry for entry in environ.split(b"\0")
    )


def load() -> float:
    """Import cdktf and the provider package (lazily, unless something imported it eagerly before) once per
    process; returns the seconds the first call took. When this starts the jsii runtime (nothing imported cdktf
    before), the runtime preloads lazy_provider.js: the provider's JavaScript is required submodule by submodule
    too."""
    if not _LOAD_SECONDS:
        started = time.perf_counter()
        install()
        with _collector_paused():
            with _node_preload():
                import cdktf  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
            import cdktf_cdktf_provider_aws  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
        _LOAD_SECONDS.append(time.perf_counter() - started)
    return _LOAD_SECONDS[0]


def load_all() -> float:
    """`load()`, then import every provider submodule (what the eager package does); returns the seconds taken."""
    started = time.perf_counter()
    load()
    with _collector_paused():
        for name in sys.modules[PACKAGE].__all__:
            importlib.import_module(f"{PACKAGE}.{name}")
    return time.perf_counter() - started


@contextmanager
def paused_gc() -> Iterator[None]:
    """Build and synthesize with the cyclic collector paused (the construct tree is thousands of long-lived jsii
    proxies it would walk again and again); what was built is then frozen out of later collections."""
    with _collector_paused():
        yield
