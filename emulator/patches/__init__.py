"""Small, named compatibility fixes for gaps of stock moto that the workloads hit (machine.md lists them).

Each fix is a function registered in PATCHES (emulator/patches/registry.py) with what moto gets wrong, in the
module of its AWS service (emulator/patches/<service>.py); tests/emulator/patches/test_<service>.py has a test per
fix that fails without it. They are applied only inside the emulator process (emulator/server.py serve).
"""

from __future__ import annotations

import pkgutil
from importlib import import_module

from emulator.patches.registry import PATCHES, patch

#: every module of this package but the registry is one AWS service's fixes (alphabetical); importing it registers
#: them, so a new service module is picked up without a list to extend
SERVICES = tuple(
    import_module(f"{__name__}.{module.name}") for module in pkgutil.iter_modules(__path__) if module.name != "registry"
)

__all__ = ["PATCHES", "SERVICES", "apply_all", "patch"]


def apply_all() -> list[str]:
    """Apply every registered fix; returns their names."""
    for func in PATCHES.values():
        func()
    return list(PATCHES)
