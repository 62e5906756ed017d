"""Where results go by default; light enough for ``--help`` (no pandas, no model)."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that overrides the results root.
RESULTS_ENV = "DATAROVERS_RESULTS"


def default_results_root() -> Path:
    """``$DATAROVERS_RESULTS`` if set, else ``results/`` in the current directory.

    Results go where the user stands (``make run`` stands in the checkout, so there they land
    in the repository's ``results/``), never beside the installed package.
    """
    given = os.environ.get(RESULTS_ENV)
    return Path(given) if given else Path.cwd() / "results"


#: How ``--help`` describes the default results root.
DEFAULT_RESULTS_HELP = f"./results, or ${RESULTS_ENV} if set"
