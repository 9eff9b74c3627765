"""``python -m skmusic``: the ``skmusic`` command."""

import sys

from .cli import main

sys.exit(main())
