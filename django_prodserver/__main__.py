"""``python -m django_prodserver``: the ``prodserver`` console script."""

import sys

from .command.console import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m django_prodserver"))
