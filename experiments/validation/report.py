"""The validation table: a CSV of full-precision numbers and a Markdown file with a header.

The Markdown header records the mode, the time, the git commit and the validation code version
(:func:`experiments.validation.code_version`), which ``tests/validation/test_table_version.py``
compares with the code in the tree.
"""

from __future__ import annotations

import csv
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from experiments.validation.checks import Check

#: Columns of validation.csv, in order.
TABLE_COLUMNS = ("case", "point", "quantity", "simulated", "error", "theory", "low", "high",
                 "method", "status", "note")

#: Header key of the validation code version in the Markdown table.
CODE_VERSION_KEY = "validation code"


def format_number(value: float) -> str:
    """Four significant digits, whole numbers without decimals."""
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if float(value).is_integer() and abs(value) < 1e6:
        return f"{int(value)}"
    return f"{value:.4g}"


def simulated_text(check: Check) -> str:
    """``value ± SE`` (or the value alone when the model is deterministic here)."""
    value = format_number(check.simulated)
    if check.method == "binomial" or check.error <= 0:
        return value
    return f"{value} ± {check.error:.2g}"


def accepted_text(check: Check) -> str:
    """The passing range: ``= theory`` for exact checks, else ``[low, high]``."""
    if check.low == check.high:
        return "= " + format_number(check.low)
    return f"[{check.low:.4g}, {check.high:.4g}]"


def table_stem(quick: bool, subset: bool) -> str:
    """File name stem: ``validation`` for the full run of every case, else a marked variant.

    Quick or partial runs never overwrite the committed full table.
    """
    return "validation" + ("_quick" if quick else "") + ("_partial" if subset else "")


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it over ``path``."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_table(checks: list[Check], directory: str | Path, stem: str,
                header: dict[str, Any]) -> tuple[Path, Path]:
    """Write ``<stem>.csv`` and ``<stem>.md`` into ``directory`` atomically; return their paths.

    The Markdown file starts with ``header`` (mode, time, git commit, code version, wall time)
    so that a committed table says what produced it; the CSV holds full-precision numbers.
    """
    import io

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = directory / f"{stem}.csv", directory / f"{stem}.md"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=TABLE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for check in checks:
        record = check.record()
        writer.writerow({name: record[name] for name in TABLE_COLUMNS})
    failed = sum(not check.passed for check in checks)
    lines = ["# Validation: special cases of the model against published results", ""]
    lines += [f"- {key}: {value}" for key, value in header.items()]
    lines += [f"- result: {len(checks) - failed} of {len(checks)} checks pass", "",
              "Written by `datarovers validate`; see docs/validation.md for the cases. "
              "A check passes when the simulated value lies in the accepted range: "
              "theory ± 3 SE (plus a derived finite-size allowance where stated), the central "
              "99.73 % of a binomial count, exactly the theory, or at most a derived bound.",
              "",
              "| case | point | quantity | simulated ± SE | theory | accepted | method | status "
              "| note |",
              "|---|---|---|---|---|---|---|---|---|"]
    for check in checks:
        cells = (check.case, check.point, check.quantity, simulated_text(check),
                 format_number(check.theory), accepted_text(check), check.method,
                 "PASS" if check.passed else "**FAIL**", check.note)
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    _write_atomically(csv_path, buffer.getvalue())
    _write_atomically(md_path, "\n".join(lines) + "\n")
    return csv_path, md_path


def read_header(md_path: str | Path) -> dict[str, str]:
    """The ``- key: value`` lines at the top of a Markdown table written by :func:`write_table`."""
    header: dict[str, str] = {}
    for line in Path(md_path).read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            break
        if line.startswith("- ") and ": " in line:
            key, value = line[2:].split(": ", 1)
            header[key] = value
    return header
