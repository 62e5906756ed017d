"""One model run from the command line: run, write Parquet and a manifest, summarise.

Layout of a run directory::

    results/runs/<time>-seed<seed>/
        timeseries.parquet   one row per step (t = 0 .. steps), the columns of OUTPUTS
        manifest.json        parameters, seed, steps, status, timing, versions, code

A run directory is never overwritten. The data are written to a temporary directory that is
renamed into place, so a directory that exists is complete; a run stopped with Ctrl-C or
SIGTERM (what ``timeout`` and job schedulers send) keeps the steps it finished (``status:
"interrupted"``, with the signal), and so does a run in which the model raised (``status:
"failed"``, with the traceback in the manifest). When the directory's name is taken by the
time the run is written (two identical runs started in the same second), the run goes to the
same name with ``-2``, ``-3``, ... appended: no run's results are discarded.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import json
import os
import shutil
import signal
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.errors import UsageError
from experiments.provenance import environment, now
from experiments.storage import StorageError, default_results_root
from simulation import DisclosureModel, Params
from simulation.metrics import threshold_label


@dataclass
class RunRecord:
    """A finished (or interrupted) run and where it was written."""

    directory: Path
    frame: pd.DataFrame
    manifest: dict[str, Any]


def fresh_seed() -> int:
    """A seed from OS entropy, for runs without ``--rng`` (recorded in the manifest)."""
    return int(np.random.SeedSequence().generate_state(1, dtype=np.uint32)[0])


def build_model(params: Params, seed: int) -> DisclosureModel:
    """Build the model, turning what only building finds (a bad network file) into a UsageError."""
    try:
        return DisclosureModel(params, rng=seed)
    except (ValueError, TypeError) as err:
        raise UsageError(str(err)) from None


def default_run_dir(seed: int) -> Path:
    """``results/runs/<UTC time>-seed<seed>``."""
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return default_results_root() / "runs" / f"{stamp}-seed{seed}"


def check_output_dir(out: Path) -> None:
    """Refuse an existing non-empty directory or an unwritable parent."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"--out {str(out)!r}: already exists and is not empty; "
                         "expected a new directory (earlier runs are never overwritten)")
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"--out {str(out)!r}: cannot create {str(parent)!r} ({err.strerror})"
                         ) from None
    if not os.access(parent, os.W_OK):
        raise UsageError(f"--out {str(out)!r}: {str(parent)!r} is not writable")


def write_run(out: Path, frame: pd.DataFrame, manifest: dict[str, Any]) -> Path:
    """Write the Parquet file and manifest into a temporary directory, then rename it to ``out``.

    If ``out`` is taken meanwhile (it holds files), the first free ``out-2``, ``out-3``, ... is
    used instead; the rename onto a non-empty directory fails atomically, so two runs never
    share one.

    Returns:
        Where the run was written.

    Raises:
        StorageError: The files could not be written (a full disk, a vanished folder).
    """
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as err:
        raise StorageError(f"cannot write the run under {out.parent} "
                           f"({err.strerror or err})") from None
    try:
        frame.to_parquet(tmp / "timeseries.parquet")
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        target, number = out, 1
        while True:
            if target.is_dir() and not any(target.iterdir()):  # an empty directory the user made
                target.rmdir()
            try:
                tmp.rename(target)
                return target
            except OSError as err:
                if err.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
            number += 1
            target = out.with_name(f"{out.name}-{number}")
    except OSError as err:
        shutil.rmtree(tmp, ignore_errors=True)
        raise StorageError(f"cannot write the run to {out} ({err.strerror or err})") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@dataclass
class PreparedRun:
    """A validated model, its seed and its (not yet existing) run directory."""

    model: DisclosureModel
    seed: int
    directory: Path


def prepare(overrides: dict[str, Any], seed: int | None, out: Path | None,
            force: bool = False) -> PreparedRun:
    """Validate everything the user gave before any step runs.

    Args:
        overrides: Parameter values (validated through ``Params``).
        seed: Root seed; ``None`` draws one from OS entropy (and records it).
        out: Run directory; ``None`` for the default under ``results/runs/``.
        force: Build the model even when its estimated memory exceeds what is available.
    """
    from experiments.limits import check_fits

    try:
        params = Params.resolve(None, overrides)
    except (ValueError, TypeError) as err:
        raise UsageError(str(err)) from None
    if params.network != "edge_list":
        check_fits(params.n_citizens, params.mean_degree, force=force)
    seed = fresh_seed() if seed is None else seed
    out = default_run_dir(seed) if out is None else out
    check_output_dir(out)
    return PreparedRun(build_model(params, seed), seed, out)


@contextlib.contextmanager
def stop_between_steps() -> Iterator[list[int]]:
    """SIGINT and SIGTERM end the run after the step in progress, not inside it.

    Yields a list that receives the signal's number. A signal raising inside a step would
    leave compiled code (numba) with an exception it cannot pass on; a second Ctrl-C raises
    :class:`KeyboardInterrupt` at once, for a step that takes too long.
    """
    received: list[int] = []

    def note(signum: int, _frame: Any) -> None:
        if received and signum == signal.SIGINT:
            raise KeyboardInterrupt
        received.append(signum)

    previous = {s: signal.signal(s, note) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def execute(run: PreparedRun, steps: int, progress: Any = None) -> RunRecord:
    """Run the model for ``steps`` steps and write the run directory.

    Args:
        run: The prepared model and directory.
        steps: Number of steps.
        progress: Optional callable ``progress(done_steps)`` called after each step.
    """
    model, seed, out = run.model, run.seed, run.directory
    started, clock = now(), time.perf_counter()
    status, failure, stopped_by = "completed", None, None
    try:
        with stop_between_steps() as stopped:  # SIGINT and SIGTERM: keep what is finished
            for done in range(1, steps + 1):
                model.step()
                if progress is not None:
                    progress(done)
                if stopped:
                    break
        if stopped:
            status, stopped_by = "interrupted", stopped[0]
    except KeyboardInterrupt:  # raised by a progress callback or a second Ctrl-C
        status, stopped_by = "interrupted", signal.SIGINT
    except Exception:  # keep the finished steps, then let the error surface
        status, failure = "failed", traceback.format_exc()
    frame = model.dataframe()
    manifest = {
        "kind": "datarovers run",
        "status": status,
        "seed": seed,
        "steps_requested": steps,
        # rows collected after t = 0 (a step stopped half-way was not collected)
        "steps_completed": len(frame) - 1,
        "n_citizens": model.n_citizens,
        "params": model.params.to_dict(),
        "started": started,
        "finished": now(),
        "wall_seconds": round(time.perf_counter() - clock, 3),
        "traceback": failure,
        "stopped_by": None if stopped_by is None else signal.Signals(stopped_by).name,
        **environment(),
    }
    out = write_run(out, frame, manifest)
    record = RunRecord(out, frame, manifest)
    if status == "interrupted":
        raise RunInterrupted(record, stopped_by)
    if status == "failed":
        raise RunFailed(record)
    return record


class RunFailed(RuntimeError):
    """The model raised during a run, after the finished steps were written."""

    def __init__(self, record: RunRecord) -> None:
        super().__init__(f"the run failed at step {record.manifest['steps_completed'] + 1}; the "
                         f"finished steps and the traceback are in {record.directory}")
        self.record = record


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM during a run, after the finished steps were written.

    Attributes:
        record: The run as written.
        signum: The signal that stopped it (SIGINT for Ctrl-C).
    """

    def __init__(self, record: RunRecord, signum: int = 2) -> None:
        super().__init__(str(record.directory))
        self.record = record
        self.signum = signum


def summary_rows(frame: pd.DataFrame, params: Params) -> list[tuple[str, float, float]]:
    """(output, first step, last step) for the summary table."""
    names = ["mean_disclosure", "share_disclose_none", "share_disclose_all", "sharing_rate",
             "mean_score", "median_score"]
    names += [f"share_above_{threshold_label(t)}" for t in params.thresholds]
    names.append("gini_score")
    first, last = frame.iloc[0], frame.iloc[-1]
    return [(name, float(first[name]), float(last[name])) for name in names]
