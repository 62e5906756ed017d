"""The committed validation table was made by the validation code in this tree.

``datarovers validate`` records :func:`experiments.validation.code_version` (a hash of the
validation package's source) in the table's header. If a check, case, theory or the table format
changed after the table was written, the hashes differ and this test fails: rerun
``datarovers validate`` (full mode) and commit ``results/validation/``. No git is needed.
"""

from __future__ import annotations

import csv
from pathlib import Path

from experiments import validation
from experiments.validation.report import CODE_VERSION_KEY, read_header

TABLE = Path(__file__).resolve().parents[2] / "results" / "validation"


def test_committed_table_is_from_the_current_validation_code():
    header = read_header(TABLE / "validation.md")
    assert header.get(CODE_VERSION_KEY) == validation.code_version(), (
        "results/validation/validation.md is older than experiments/validation/: "
        "run `datarovers validate` and commit the table")


def test_committed_table_is_a_full_passing_run_with_its_csv():
    header = read_header(TABLE / "validation.md")
    assert header["mode"] == "full"
    assert header["cases"] == ", ".join(validation.CASE_NAMES)
    with (TABLE / "validation.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert header["result"] == f"{len(rows)} of {len(rows)} checks pass"
    assert {row["status"] for row in rows} == {"PASS"}


def test_code_version_changes_with_the_source(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    package.mkdir()
    init = Path(validation.__file__)
    (package / "__init__.py").write_bytes(init.read_bytes())
    (package / "cases.py").write_text("A = 1\n")
    monkeypatch.setattr(validation, "__file__", str(package / "__init__.py"))
    before = validation.code_version()
    (package / "cases.py").write_text("A = 2\n")
    after = validation.code_version()
    assert after != before
    (package / "cases.py").write_bytes(b"A = 2\r\n")  # line endings do not count
    assert validation.code_version() == after
