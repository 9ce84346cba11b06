"""``python -m overens_docs`` runs the ``overens`` command."""

import sys

from overens_docs.cli import main

sys.exit(main())
