"""``python -m screening``: see screening/cli.py."""

import sys

from screening.cli import main

sys.exit(main())
