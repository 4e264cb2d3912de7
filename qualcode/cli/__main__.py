"""``python -m qualcode.cli``."""

import sys

from . import main

sys.exit(main())
