"""Validation: special cases of the disclosure model against published results.

Modules:
    checks: the check primitives (:class:`~experiments.validation.checks.Check` and the
        statistical, binomial and exact rules by which a row passes).
    cases: the validation cases, ``CASES``, each running the model reduced to a published
        setting.
    report: the CSV and Markdown table.
    theory: the analytic results, pure functions independent of the simulation code.

Importing this package is cheap (no numpy, scipy or model): the command line reads
:data:`CASE_NAMES` and :func:`code_version` from here and imports the cases only to run them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

#: The validation cases, in the order they run and appear in the table (see ``cases.CASES``).
CASE_NAMES = ("watts_2002", "granovetter_1978", "unraveling", "verrecchia_1983", "leakage",
              "complex_contagion", "state_access", "degroot_concern")


def code_version() -> str:
    """A hash of the validation package's source: ``sha256:`` and 16 hex digits.

    Computed from the bytes of every ``*.py`` file of this package (sorted by name, line endings
    normalised), so it needs neither git nor a checkout and changes whenever a check, case,
    theory or the table format changes. The table records it; a test compares it with the tree.
    """
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
    return "sha256:" + digest.hexdigest()[:16]
