"""The table of docs/reliability.md lists every case of this suite, each passed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = HERE.parents[1] / "docs" / "reliability.md"


def _suite_tests() -> set[str]:
    names = set()
    for module in HERE.glob("test_*.py"):
        if module.name == Path(__file__).name:
            continue
        for node in ast.parse(module.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names.add(node.name)
    return names


def test_every_case_of_the_suite_is_in_the_table_and_passed():
    rows = re.findall(r"^\| .* \| (\w+) \| `(test_\w+)(?:\[.*\])?` \|$",
                      DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert rows, "no table in docs/reliability.md"
    listed = {name for _, name in rows}
    missing = _suite_tests() - listed
    assert not missing, (f"not in docs/reliability.md: {sorted(missing)}; run "
                         ".venv/bin/python tests/faults/reliability_table.py")
    assert not listed - _suite_tests(), "the table lists tests that no longer exist"
    assert {outcome for outcome, _ in rows} == {"passed"}
