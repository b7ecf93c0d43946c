"""Small, named compatibility fixes for gaps of stock moto that the workloads hit (machine.md lists them).

Each fix is a function registered in PATCHES with what moto gets wrong; tests/tools/test_moto_patches.py has a test
per fix that fails without it. They are applied only inside the emulator process (tools/emulator.py serve).
"""
from __future__ import annotations

from typing import Callable

PATCHES: dict[str, Callable[[], None]] = {}


def patch(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register a fix under `name`."""
    def register(func: Callable[[], None]) -> Callable[[], None]:
        PATCHES[name] = func
        return func
    return register


def apply_all() -> list[str]:
    """Apply every registered fix; returns their names."""
    for func in PATCHES.values():
        func()
    return list(PATCHES)
