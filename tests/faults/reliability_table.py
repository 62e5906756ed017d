"""Regenerate the table of docs/reliability.md from a run of the fault-injection suite.

Runs ``tests/faults/`` (slow cases included) and writes, between the table markers of
docs/reliability.md, one table per test module headed by its area (the module's first docstring
line), with one row per case: the fault or input in words (the test's name and its parameters)
and its outcome. Run it from the
repository root after changing the suite::

    .venv/bin/python tests/faults/reliability_table.py

``test_reliability_doc.py`` fails when a test of the suite is missing from the table or a row
is not ``passed``, so the table cannot silently go stale.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DOC = HERE.parents[1] / "docs" / "reliability.md"
BEGIN, END = "<!-- faults:begin -->", "<!-- faults:end -->"


def area(module: Path) -> str:
    """The first line of a test module's docstring."""
    doc = ast.get_docstring(ast.parse(module.read_text(encoding="utf-8"))) or module.stem
    return doc.splitlines()[0].rstrip(".")


def sentence(nodeid: str) -> str:
    """``test_a_bad_thing_is_refused[x-y]`` as ``A bad thing is refused (x-y)``."""
    name = nodeid.split("::")[-1]
    base, _, params = name.partition("[")
    words = base.removeprefix("test_").replace("_", " ")
    text = words[:1].upper() + words[1:]
    if params:
        shown = params[:-1]
        text += f" (`{shown[:70] + '...' if len(shown) > 70 else shown}`)"
    return text


class Outcomes:
    """A pytest plugin that keeps each test's outcome."""

    def __init__(self) -> None:
        self.outcomes: dict[str, str] = {}

    def pytest_runtest_logreport(self, report) -> None:
        if report.when == "call" or report.outcome != "passed":
            if self.outcomes.get(report.nodeid) in (None, "passed"):
                self.outcomes[report.nodeid] = report.outcome


def table(outcomes: dict[str, str]) -> str:
    """One Markdown table per test module (headed by its area), one row per case."""
    parts: list[str] = []
    current = None
    for nodeid, outcome in outcomes.items():
        module = nodeid.split("::")[0]
        if module != current:
            current = module
            parts += ["", f"### {area(HERE.parents[1] / module)}", "",
                      f"`{module}`", "", "| Fault or bad input | Result | Test |", "|---|---|---|"]
        parts.append(f"| {sentence(nodeid)} | {outcome} | `{nodeid.split('::')[-1]}` |")
    return "\n".join(parts)


def main() -> int:
    plugin = Outcomes()
    status = pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:randomly", str(HERE),
                          "--ignore", str(HERE / "test_reliability_doc.py")], plugins=[plugin])
    outcomes = {nodeid.replace(str(HERE.parents[1]) + "/", ""): outcome
                for nodeid, outcome in plugin.outcomes.items()
                if "test_reliability_doc" not in nodeid}
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    passed = sum(outcome == "passed" for outcome in outcomes.values())
    summary = f"\n{passed} of {len(outcomes)} cases pass.\n"
    DOC.write_text(f"{head}{BEGIN}{summary}{table(outcomes)}\n{END}{tail}", encoding="utf-8")
    print(f"{DOC}: {len(outcomes)} rows, {passed} passed")
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
