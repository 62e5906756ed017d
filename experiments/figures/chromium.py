"""The system's Chromium for static figure export (kaleido), never a downloaded one.

kaleido renders PNG, SVG and PDF in a headless Chromium that it looks up through
``BROWSER_PATH`` and then ``PATH``. :func:`ensure` finds the system's browser first and sets
``BROWSER_PATH`` to it, so kaleido neither downloads a browser nor picks another one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from experiments.errors import UsageError

#: Executable names tried in order (Debian's package is ``chromium``).
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find() -> Path | None:
    """``BROWSER_PATH`` if it is an executable, else the first of :data:`NAMES` on ``PATH``."""
    given = os.environ.get("BROWSER_PATH")
    if given and os.access(given, os.X_OK):
        return Path(given)
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def ensure() -> Path:
    """The Chromium kaleido will use; sets ``BROWSER_PATH`` to it.

    Raises:
        UsageError: None is installed.
    """
    path = find()
    if path is None:
        given = os.environ.get("BROWSER_PATH")
        where = f"BROWSER_PATH={given!r} is not an executable and " if given else ""
        raise UsageError(f"static figures (PNG, SVG, PDF): {where}no Chromium found on PATH; "
                         "expected a system Chromium: install Debian's package with "
                         "'sudo apt-get install chromium' or set BROWSER_PATH")
    os.environ["BROWSER_PATH"] = str(path)
    return path
