"""``python -m discourse ...`` is the ``discourse`` command line."""
from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":  # pragma: no branch
    sys.exit(main())
