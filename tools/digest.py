"""One hash of labelled parts, framed so that no two different lists of parts give the same input to sha256.

Each part is written as `<label> NUL <length> NUL <data>`: the length ends the data, so a part's bytes can never be
read as the next label (the init stamp of tools/terraform.py and the synth record of tools/synthesis.py).
"""

from __future__ import annotations

import hashlib
from typing import Iterable


def framed(parts: Iterable[tuple[str, bytes]]) -> str:
    """The sha256 hex digest of `parts`, (label, data) pairs in the given order."""
    digest = hashlib.sha256()
    for label, data in parts:
        digest.update(f"{label}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()
