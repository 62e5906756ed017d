"""``datarovers paper``: run what is missing of every study, then write the figure set.

Layout of the paper directory (``<results>/paper/``, or ``<results>/paper/quick/`` with
``--quick``, so a quick check never overwrites the full set)::

    README.md              every figure and table with its caption, spec and command
    specs/<study>.toml     the spec each study ran (see :mod:`experiments.paper.studies`)
    figures/<name>.{html,png,svg,pdf}
    tables/<name>.{csv,tex}

The runs themselves live in the usual run directories under ``<results>/<spec name>/<hash>/``
(resumable: a rerun computes only what is missing). Figures and tables are drawn from those
directories' saved files alone (:mod:`experiments.paper.figures`,
:mod:`experiments.paper.tables`), after every study has finished.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.paper.studies import STUDIES, Study, run_study, write_spec

PAPER_DIR = "paper"
QUICK_DIR = "quick"


def paper_directory(results_root: Path, quick: bool) -> Path:
    """``<results>/paper`` or ``<results>/paper/quick``."""
    directory = Path(results_root) / PAPER_DIR
    return directory / QUICK_DIR if quick else directory


@dataclass(frozen=True)
class StudyRun:
    """Where one study's spec and runs are, and how long this session spent on it."""

    study: Study
    spec_path: Path
    run_directory: Path
    seconds: float


def run_studies(results_root: Path, quick: bool, *,
                on_study: Callable[[Study], None] | None = None, **run: Any
                ) -> dict[str, StudyRun]:
    """Write each study's spec into the paper directory and run what is missing of it.

    Args:
        results_root: Where run directories (and the paper directory) go.
        quick: Apply the studies' quick changes.
        on_study: Called with each study before it runs (progress).
        **run: ``executor``, ``slots``, ``label``, ``on_result`` for the model runs.
    """
    paper = paper_directory(results_root, quick)
    done: dict[str, StudyRun] = {}
    for study in STUDIES:
        if on_study is not None:
            on_study(study)
        raw = study.document(quick)
        spec_path = paper / "specs" / f"{study.name}.toml"
        write_spec(raw, spec_path)
        start = time.perf_counter()
        directory = run_study(study, raw, spec_path, Path(results_root), **run)
        done[study.name] = StudyRun(study, spec_path, directory, time.perf_counter() - start)
    return done


def build_paper(results_root: Path, quick: bool, *, formats: tuple[str, ...] | None = None,
                on_study: Callable[[Study], None] | None = None, **run: Any
                ) -> dict[str, Any]:
    """Run what is missing, then write every figure, table and the README.

    Returns:
        ``{"directory": paper dir, "figures": {name: {format: path}}, "tables": {name:
        {format: path}}, "readme": path, "studies": {name: StudyRun}}``.
    """
    from experiments.paper import figures, readme, tables

    studies = run_studies(results_root, quick, on_study=on_study, **run)
    paper = paper_directory(results_root, quick)
    directories = study_directories(studies)
    written_figures = figures.write_figures(directories, paper / "figures", formats)
    written_tables = tables.write_tables(directories, paper / "tables")
    readme_path = readme.write_readme(paper, quick, studies, written_figures, written_tables)
    return {"directory": paper, "figures": written_figures, "tables": written_tables,
            "readme": readme_path, "studies": studies}


def study_directories(studies: Mapping[str, StudyRun]) -> dict[str, Path]:
    """``{study name: run directory}``."""
    return {name: done.run_directory for name, done in studies.items()}
