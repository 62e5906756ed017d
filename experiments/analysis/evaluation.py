"""Model evaluations of an analysis: its spec section, its design and its resumable runs.

An analysis spec is a sweep spec (:mod:`experiments.spec`: ``name``, ``root_seed``,
``replications``, ``steps``, ``[fixed]``, ``[[events]]``, ``[outcomes]``) with one analysis
table (``[sensitivity]``, ``[compare]`` or ``[tipping]``) in place of ``[grid]`` or
``[sample]``: the analysis makes the design points. Everything else is validated by
:func:`experiments.spec.parse_spec`, and the runs go through
:func:`experiments.sweep.run_sweep` into a :class:`experiments.storage.RunStore` under
``results/<name>/<spec hash>/``, where the hash covers the analysis table too. A rerun of
the same spec opens the same directory and runs only the tasks whose files are missing.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.errors import UsageError
from experiments.spec import ANALYSIS_SECTIONS, SweepSpec, parse_spec
from experiments.storage import RunStore, read_results, run_directory
from experiments.sweep import (
    Task,
    TaskResult,
    build_tasks,
    default_workers,
    open_executor,
    run_sweep,
    task_table,
)
from simulation import Params


def split_spec(raw: Mapping[str, Any], section: str, expected: str, source: str | Path
               ) -> tuple[SweepSpec, dict[str, Any]]:
    """Validate the sweep part of an analysis spec and return it with the analysis table.

    Args:
        raw: The parsed spec document.
        section: One of :data:`ANALYSIS_SECTIONS`.
        expected: What the table holds, for the error message.
        source: The file, for messages.

    Returns:
        The sweep spec without a design (its ``raw`` is the whole document, so the run
        directory's hash covers the analysis table) and the analysis table.

    Raises:
        UsageError: The table is missing or not a table, the spec also has a ``[grid]`` or
            ``[sample]``, or the sweep part is invalid.
    """
    source = Path(source)
    if section not in raw:
        others = [s for s in ANALYSIS_SECTIONS if s in raw and s != section]
        hint = f" (this spec has [{others[0]}]: run datarovers {others[0]})" if others else ""
        raise UsageError(f"{source}: [{section}]: missing; expected a table with {expected}"
                         + hint)
    table = raw[section]
    if not isinstance(table, Mapping):
        raise UsageError(f"{source}: [{section}]: got {table!r}, expected a table with "
                         f"{expected}")
    for design in ("grid", "sample"):
        if design in raw:
            raise UsageError(f"{source}: [{design}]: a {section} spec makes its own design "
                             f"from [{section}]; expected no [grid] or [sample]")
    rest = {key: value for key, value in raw.items() if key != section}
    base = parse_spec(rest, source)
    return dataclasses.replace(base, raw=dict(raw)), dict(table)


def check_keys(table: Mapping[str, Any], known: Mapping[str, str],
               fail: Callable[[str, str], UsageError]) -> None:
    """Raise ``fail(key, ...)`` for the first key of ``table`` not in ``known`` (with a hint)."""
    import difflib

    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise fail(key, f"unknown key{hint}; expected one of {', '.join(known)}")


def with_design(base: SweepSpec, factors: Sequence[str], points: Sequence[Mapping[str, Any]],
                design: str, *, fixed: Mapping[str, Any] | None = None) -> SweepSpec:
    """``base`` with the analysis's design points (already validated by the caller)."""
    changes: dict[str, Any] = {"factors": tuple(factors), "points": tuple(points),
                               "design": design}
    if fixed is not None:
        changes["fixed"] = dict(fixed)
    return dataclasses.replace(base, **changes)


def numeric_kind(name: str) -> type | None:
    """``int`` or ``float`` for a numeric parameter (or ``weight_``/``sensitivity_`` row)."""
    kinds = {f.name: f.metadata.get("kind") for f in dataclasses.fields(Params)}
    if name in kinds:
        kind = kinds[name]
        return kind if kind in (int, float) else None
    if name.startswith(("weight_", "sensitivity_")):
        return float
    return None


def final_values(frame: pd.DataFrame, outcomes: Sequence[str], steps: int) -> pd.DataFrame:
    """One row per task at the last step: ``task``, ``point``, ``replication``, the outcomes."""
    last = frame[frame["step"] == steps]
    return last[["task", "point", "replication", *outcomes]].sort_values("task").reset_index(
        drop=True)


def evaluate(spec: SweepSpec, results_root: str | Path | None = None,
             executor: cf.Executor | None = None, *, tasks: Sequence[Task] | None = None,
             slots: int | None = None, label: str | None = None,
             on_result: Callable[[TaskResult], None] | None = None,
             manifest: Mapping[str, Any] | None = None,
             directory: str | Path | None = None) -> tuple[pd.DataFrame, Path]:
    """Run the unfinished tasks of ``spec`` and return every task's rows and the run directory.

    Args:
        spec: The spec with its design (see :func:`with_design`).
        results_root: Where run directories go (default ``results/``).
        executor: Any ``concurrent.futures.Executor``; default a process pool over every CPU,
            opened only if some task is unfinished.
        tasks: The tasks, if not :func:`experiments.sweep.build_tasks` of the spec.
        slots: Tasks the executor runs at once (default: its worker count, else 2).
        label: Description of the executor for the manifest.
        on_result: Called with each result as it is recorded (progress bars).
        manifest: Entries added to a new manifest (what analysis made the design, how seeds
            were assigned).
        directory: The run directory, if not :func:`experiments.storage.run_directory` of the
            spec (an adaptive analysis keeps each round in a directory of its own).

    Raises:
        UsageError: Some model runs failed (their tracebacks are in the manifest; the finished
            runs are saved and a rerun resumes).
        KeyboardInterrupt: Including :class:`experiments.sweep.SweepStopped`; finished runs
            are saved.
    """
    tasks = build_tasks(spec) if tasks is None else list(tasks)
    directory = run_directory(spec, results_root) if directory is None else Path(directory)
    with RunStore(directory, spec, task_table(tasks)) as store:
        if manifest and not store.manifest["sessions"]:
            store.manifest.update(manifest)
            store.save_manifest()
        if len(store.finished() & {t.index for t in tasks}) < len(tasks):
            with contextlib.ExitStack() as stack:
                if executor is None:
                    workers = default_workers()
                    executor, label, slots = stack.enter_context(open_executor(workers))
                if slots is None:
                    slots = getattr(executor, "_max_workers", None) or 2
                failed = run_sweep(spec, executor, store, slots=slots,
                                   label=label or type(executor).__name__, on_result=on_result,
                                   tasks=tasks)
            if failed:
                raise UsageError(f"{directory}: {len(store.failures())} of {len(tasks)} model runs "
                                 f"failed (tracebacks in {store.manifest_path}); the finished runs "
                                 "are saved; expected every run to finish: fix the cause and run "
                                 "again to resume")
        elif not store.consolidated_ok():
            store.consolidate()
    return read_results(directory), directory
