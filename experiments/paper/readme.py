"""``<paper dir>/README.md``: each figure and table with its caption, spec and command."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from experiments.paper.figures import FIGURES
from experiments.paper.tables import TABLES


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it, else absolute."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(Path(path).resolve())


def write_readme(paper: Path, quick: bool, studies: Mapping[str, Any],
                 figures: Mapping[str, Mapping[str, Path]],
                 tables: Mapping[str, Mapping[str, Path]]) -> Path:
    """Write the README of the paper directory (atomically) and return its path.

    Args:
        paper: The paper directory.
        quick: Whether this is the quick set.
        studies: ``{study name: StudyRun}`` (:func:`experiments.paper.build.run_studies`).
        figures: ``{figure name: {format: path}}`` as written.
        tables: ``{table name: {format: path}}`` as written.
    """
    from experiments.provenance import code_state, describe_code, now
    from experiments.storage import atomic_write

    command = "datarovers paper" + (" --quick" if quick else "")
    code = code_state()
    version = f"datarovers {code['version']}, {describe_code(code)}"
    lines = [
        "# The paper's figures and tables" + (" (quick set)" if quick else ""),
        "",
        f"Written by `{command}` ({version}) on {now()}. Every figure and table "
        "is drawn from the saved results of the run directories listed below; running the "
        "command again recomputes nothing that is on disk and redraws them.",
        "",
    ]
    if quick:
        lines += ["This is the quick set: small populations and few replications, to check "
                  "the pipeline. Its numbers are not the paper's; run `datarovers paper` for "
                  "those.", ""]

    def source(study_name: str) -> list[str]:
        done = studies[study_name]
        spec = _relative(done.spec_path, paper)
        return [f"- Spec: [`{spec}`]({spec}) (study `{study_name}`, from "
                f"`experiments/paper/specs/{study_name}.toml`); on its own: "
                f"`{done.study.command(_shown(done.spec_path))}` (with the same `--results`)",
                f"- Runs: `{_relative(done.run_directory, paper)}`"]

    for heading, items, written, note in (("Figure", FIGURES, figures, ""),
                                          ("Table", TABLES, tables,
                                           " (LaTeX needs `\\usepackage{booktabs}`)")):
        lines += [f"## {heading}s", ""]
        for number, item in enumerate(items, start=1):
            links = ", ".join(f"[{fmt.upper()}]({_relative(path, paper)})"
                              for fmt, path in written[item.name].items())
            lines += [f"### {heading} {number}: `{item.name}`", "", item.caption, "",
                      f"- Files: {links}{note}", *source(item.study), ""]
    lines += ["## Time spent on each study in the last session", "",
              "| Study | Kind | Seconds |", "|---|---|---|"]
    lines += [f"| {name} | {done.study.kind} | {done.seconds:.1f} |"
              for name, done in studies.items()]
    path = paper / "README.md"
    text = "\n".join(lines) + "\n"
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path
