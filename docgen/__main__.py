"""Entry point of `python -m docgen [--check] [--docs DIR]` (`python -m tools docs` and `make docs` run the same)."""

import sys

from docgen import main

sys.exit(main())
