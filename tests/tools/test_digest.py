"""tools/digest.py: the framing keeps apart what plain concatenation would join."""

import hashlib

from tools.digest import framed


def test_parts_that_concatenate_alike_hash_apart() -> None:
    assert framed([("a", b"bc")]) != framed([("ab", b"c")])
    assert framed([("a", b"b"), ("c", b"")]) != framed([("a", b"bc")])
    assert framed([("x", b"1"), ("y", b"2")]) != framed([("y", b"2"), ("x", b"1")])  # order counts


def test_the_framing_is_label_length_data() -> None:
    # the stamps and records already written stay valid only while these bytes stay the same
    assert framed([("args", b"init")]) == hashlib.sha256(b"args\x004\x00init").hexdigest()
