"""Print the keyword arguments of a provider binding class: `python scripts/sig.py s3_bucket_policy S3BucketPolicy`.

A quick way to read the bindings' argument names (and which nested blocks are lists) before writing a resource.
"""

import importlib
import inspect
import os
import re
import sys

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
_SKIP = {
    "self",
    "scope",
    "id",
    "connection",
    "count",
    "depends_on",
    "for_each",
    "lifecycle",
    "provider",
    "provisioners",
}


def main(module: str, cls: str) -> None:
    """Print `name: type` per argument of `cls` in `module`."""
    target = getattr(importlib.import_module(f"cdktf_cdktf_provider_aws.{module}"), cls)
    for name, param in inspect.signature(target.__init__).parameters.items():
        if name not in _SKIP:
            kind = re.sub(
                r"_cdktf_9a9027ec\.IResolvable, |typing\.|builtins\.|_cdktf_9a9027ec\.|ForwardRef",
                "",
                str(param.annotation),
            )
            print(f"{name}: {kind}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
