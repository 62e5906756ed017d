"""The paper's studies: one spec each, run (or resumed) like the command of its kind.

A study is a spec file under ``experiments/paper/specs/`` and the analysis that runs it:
``sweep`` (:func:`experiments.analysis.evaluation.evaluate`), ``compare``
(:func:`experiments.analysis.compare.run_compare`), ``sensitivity``
(:func:`experiments.analysis.sensitivity.run_sensitivity`) or ``tipping``
(:func:`experiments.analysis.tipping.run_tipping`). ``--quick`` applies the study's
:attr:`Study.quick` changes to the spec document (smaller populations, fewer replications, a
coarser design). Either way the spec that ran is written beside the paper's outputs
(``<paper dir>/specs/<study>.toml``): running that file with the study's own command opens the
same run directory (its name is the hash of the document) and recomputes nothing.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPEC_DIR = Path(__file__).with_name("specs")
#: The command that runs a study of each kind on its own.
COMMANDS = {"sweep": "datarovers sweep", "compare": "datarovers compare",
            "sensitivity": "datarovers sensitivity", "tipping": "datarovers tipping"}


@dataclass(frozen=True)
class Study:
    """One spec of the paper and how it runs.

    Attributes:
        name: Short name (``specs/<name>.toml``).
        kind: One of :data:`COMMANDS`.
        quick: Changes for ``--quick``, as dotted keys of the spec document
            (``"fixed.n_citizens"``) and their values.
    """

    name: str
    kind: str
    quick: Mapping[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> Path:
        """The bundled spec file."""
        return SPEC_DIR / f"{self.name}.toml"

    def document(self, quick: bool) -> dict[str, Any]:
        """The spec document that runs: the bundled file, with :attr:`quick` if ``quick``."""
        raw = tomllib.loads(self.source.read_text(encoding="utf-8"))
        return with_changes(raw, self.quick) if quick else raw

    def command(self, spec_path: str | Path) -> str:
        """The stand-alone command that runs (or reads back) this study's spec file."""
        return f"{COMMANDS[self.kind]} {spec_path}"


@dataclass(frozen=True)
class Product:
    """A figure or table of the set.

    Attributes:
        name: Its file name without suffix.
        study: The study whose results it reads.
        make: Draws it (a ``Figure``) or builds it (a ``DataFrame``) from ``{study name: run
            directory}``.
        caption: Its caption.
    """

    name: str
    study: str
    make: Callable[[Mapping[str, Path]], Any]
    caption: str


def with_changes(raw: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` with each dotted key of ``changes`` set (its tables must exist).

    Raises:
        KeyError: A dotted key's table is missing (a mistake in :data:`STUDIES`).
    """
    out = copy.deepcopy(dict(raw))
    for dotted, value in changes.items():
        *tables, key = dotted.split(".")
        target = out
        for table in tables:
            target = target[table]
        target[key] = value
    return out


#: The studies, in the order they run. The quick set takes about a minute of compute on 2
#: cores; the full set's time is stated in results/paper/README.md and docs/experiments.md.
STUDIES: tuple[Study, ...] = (
    Study("drift", "compare", {"replications": 10, "fixed.n_citizens": 300}),
    Study("phase", "sweep", {"replications": 2, "steps": 100, "fixed.n_citizens": 300,
                             "grid.inference_skepticism": [0.0, 0.25, 0.5, 0.75, 1.0],
                             "grid.privacy_mu": [-5.0, -4.0, -3.0, -2.0, -1.0]}),
    Study("watts", "sweep", {"replications": 30, "fixed.n_citizens": 2000}),
    Study("sobol", "sensitivity", {"replications": 1, "steps": 60, "fixed.n_citizens": 200,
                                   "sensitivity.n": 32, "sensitivity.bootstrap": 200}),
    Study("unraveling", "sweep", {"replications": 4, "fixed.n_citizens": 300}),
    Study("tipping", "tipping", {"replications": 30, "fixed.n_citizens": 2000,
                                 "tipping.rounds": 1}),
)
BY_NAME = {study.name: study for study in STUDIES}


def write_spec(raw: Mapping[str, Any], path: Path) -> None:
    """Write a spec document as TOML (atomically); reading it back gives ``raw`` again."""
    import tomli_w

    from experiments.storage import atomic_write

    path.parent.mkdir(parents=True, exist_ok=True)
    text = ("# Written by datarovers paper: the spec this study ran. Run it on its own with\n"
            "# the command in ../README.md; it opens the same run directory.\n"
            + tomli_w.dumps(dict(raw)))
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def run_study(study: Study, raw: Mapping[str, Any], spec_path: Path, results_root: Path,
              **run: Any) -> Path:
    """Run what is missing of one study and write its analysis files; return the run directory.

    Args:
        study: The study.
        raw: Its spec document (:meth:`Study.document`), already written to ``spec_path``.
        spec_path: The file named in messages and manifests.
        results_root: Where run directories go.
        **run: ``executor``, ``slots``, ``label``, ``on_result`` for the runs.

    Raises:
        UsageError: The spec is invalid or some model runs failed.
    """
    return RUNNERS[study.kind](raw, spec_path, results_root, run)


def _sweep(raw: Mapping[str, Any], path: Path, root: Path, run: dict[str, Any]) -> Path:
    from experiments.analysis.evaluation import evaluate
    from experiments.spec import parse_spec

    _, directory = evaluate(parse_spec(raw, path), root, **run)
    return directory


def _compare(raw: Mapping[str, Any], path: Path, root: Path, run: dict[str, Any]) -> Path:
    from experiments.analysis.compare import parse_compare, run_compare, write_effects

    table = run_compare(parse_compare(raw, path), root, **run)
    directory = Path(table.attrs["run_directory"])
    write_effects(table, directory)
    return directory


def _sensitivity(raw: Mapping[str, Any], path: Path, root: Path, run: dict[str, Any]) -> Path:
    from experiments.analysis.sensitivity import (
        parse_sensitivity,
        run_sensitivity,
        write_sensitivity,
    )

    table = run_sensitivity(parse_sensitivity(raw, path), root, **run)
    directory = Path(table.attrs["run_directory"])
    write_sensitivity(table, directory)
    return directory


def _tipping(raw: Mapping[str, Any], path: Path, root: Path, run: dict[str, Any]) -> Path:
    from experiments.analysis.tipping import parse_tipping, run_tipping, write_tipping

    result = run_tipping(parse_tipping(raw, path), root, **run)
    write_tipping(result)
    return result.directory


#: How a study of each kind runs (the keys are those of :data:`COMMANDS`).
RUNNERS: dict[str, Callable[[Mapping[str, Any], Path, Path, dict[str, Any]], Path]] = {
    "sweep": _sweep, "compare": _compare, "sensitivity": _sensitivity, "tipping": _tipping}
