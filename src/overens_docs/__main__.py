"""``python -m overens_docs`` runs the ``overens`` command."""

import sys

from overens_docs._cli import main

# Guarded: worker processes started with "spawn" import the main module again.
if __name__ == "__main__":
    sys.exit(main())
