"""Helpers for the analysis tests: small specs written to files, commands run in-process."""

from __future__ import annotations

import concurrent.futures as cf
import textwrap
from pathlib import Path

#: A sweep head shared by the small analysis specs: 100 citizens, 12 steps.
HEAD = """
name = "{name}"
root_seed = 5
replications = {replications}
steps = 12

[fixed]
n_citizens = 100

[outcomes]
final = ["mean_disclosure", "sharing_rate"]
"""


def write(directory: Path, text: str, name: str = "spec.toml") -> Path:
    """Write a spec file and return its path."""
    path = directory / name
    path.write_text(textwrap.dedent(text))
    return path


def head(name: str, replications: int = 2) -> str:
    """The sweep part of a small analysis spec."""
    return textwrap.dedent(HEAD.format(name=name, replications=replications))


def datarovers(*argv: object) -> int:
    """Run the ``datarovers`` command line in this process; return its exit status."""
    from experiments.cli import main

    return main([*map(str, argv)])


def assert_one_line_error(load, command: str, path: Path, results: Path, capsys,
                          message: str) -> None:
    """``load(path)`` raises a UsageError with ``message`` that starts with the file, and
    ``datarovers COMMAND path`` prints it as one line on stderr with exit status 2."""
    import pytest

    from experiments.errors import UsageError

    with pytest.raises(UsageError) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert datarovers(command, path, "--results", results) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


class RefusingExecutor(cf.Executor):
    """An executor that fails the test if anything is submitted (nothing must be recomputed)."""

    def submit(self, *args, **kwargs):
        raise AssertionError("a task was submitted although every result is on disk")
