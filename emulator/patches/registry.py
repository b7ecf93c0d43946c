"""The registry of moto compatibility fixes: each is a function registered under its name with `patch`."""

from __future__ import annotations

from typing import Callable

PATCHES: dict[str, Callable[[], None]] = {}


def patch(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register a fix under `name`."""

    def register(func: Callable[[], None]) -> Callable[[], None]:
        PATCHES[name] = func
        return func

    return register
