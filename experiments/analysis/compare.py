"""Paired policy comparisons with common random numbers.

A compare spec is a sweep spec with a ``[compare]`` table instead of a design::

    [compare]
    outcomes = ["mean_disclosure", "sharing_rate"]   # default: every outcome of [outcomes]
    confidence = 0.95

    [compare.baseline]              # optional: changes to [fixed] shared by every arm
    name = "default incentives"

    [[compare.policies]]
    name = "cap2"
    label = "Category cap of 2"     # optional, for the figure
    set = { category_cap = 2 }      # parameter changes relative to the baseline

    [[compare.policies]]
    name = "scandal"
    events = [{ step = 30, target = "privacy_concern", multiply = 1.5 }]   # scheduled events

Replication r of every arm (the baseline and each policy) runs with the same seed,
``SeedSequence(root_seed).spawn(replications)[r]``: the same network, the same citizens and
the same stream of decision draws, which part only where the policy changes a decision. For
outcome Y at the last step and d_r = Y_policy,r - Y_baseline,r over R replications,

    effect   = (1/R) sum_r d_r
    paired   CI = effect +/- t_{R-1} s_d / sqrt(R)
    independent CI = effect +/- t_nu sqrt((s_p^2 + s_b^2) / R)      (Welch; nu from Welch-
                                                                    Satterthwaite)
    variance reduction = (s_p^2 + s_b^2) / s_d^2 = Var(independent) / Var(paired)

where s_p^2 and s_b^2 are the variances of the policy's and the baseline's outcomes: the
interval independent seeds would give for the same number of runs, since each arm's runs have
the same distribution under either design (Law 2015, sec. 11.2). Positive correlation between
the arms makes s_d^2 = s_p^2 + s_b^2 - 2 cov smaller, and the paired interval narrower by the
square root of the variance reduction.

References:
    Law, A. M. (2015). Simulation Modeling and Analysis, 5th ed., ch. 11 (common random
    numbers). McGraw-Hill.
"""

from __future__ import annotations

import concurrent.futures as cf
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from experiments.analysis.evaluation import (
    evaluate,
    final_values,
    split_spec,
    with_design,
)
from experiments.analysis.labels import label
from experiments.errors import UsageError
from experiments.figures import style
from experiments.paths import resolve_spec
from experiments.spec import SweepSpec, read_spec_document
from experiments.sweep import Task, TaskResult, task_seeds
from simulation import Params

SECTION_KEYS: dict[str, str] = {
    "outcomes": "a list of outcome names recorded by [outcomes]",
    "confidence": "a number strictly between 0 and 1",
    "baseline": "a table with optional name, label, set and events",
    "policies": "an array of tables [[compare.policies]], each with name and set and/or events",
}
ARM_KEYS = ("name", "label", "set", "events")
EXPECTED = "[[compare.policies]] (each with a name and set and/or events)"
BASELINE = "baseline"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
#: Columns of ``effects.csv``.
COLUMNS = ("policy", "outcome", "effect", "ci_low", "ci_high", "ci_low_independent",
           "ci_high_independent", "variance_reduction")


@dataclass(frozen=True)
class Arm:
    """The baseline or one policy.

    Attributes:
        name: Short name (the ``policy`` column).
        label: Name for figures.
        overrides: Every parameter of its runs: [fixed], the baseline's and its own changes,
            events included.
    """

    name: str
    label: str
    overrides: Mapping[str, Any]


@dataclass(frozen=True)
class CompareSpec:
    """A validated compare spec.

    Attributes:
        sweep: The sweep spec of its runs: one design point per arm, the baseline first.
        arms: The baseline, then the policies.
        outcomes: Outcomes compared (final-step values).
        confidence: Confidence level of the intervals.
    """

    sweep: SweepSpec
    arms: tuple[Arm, ...]
    outcomes: tuple[str, ...]
    confidence: float

    @property
    def policies(self) -> tuple[Arm, ...]:
        """The arms other than the baseline."""
        return self.arms[1:]

    def tasks(self) -> list[Task]:
        """Arm-major tasks; replication r of every arm gets the same seed (common numbers)."""
        replications = self.sweep.replications
        seeds = task_seeds(self.sweep.root_seed, replications)
        return [Task(number * replications + r, number, r, seeds[r], dict(arm.overrides),
                     {"policy": arm.name})
                for number, arm in enumerate(self.arms) for r in range(replications)]


def load_compare(path: str | Path) -> CompareSpec:
    """Read and validate a compare spec file (see the module docstring)."""
    return parse_compare(read_spec_document(path), resolve_spec(path))


def parse_compare(raw: Mapping[str, Any], source: str | Path = "<spec>") -> CompareSpec:
    """Validate a parsed compare spec.

    Raises:
        UsageError: The first problem, as ``<file>: [compare] <key>: <reason>``; among them a
            policy that changes nothing and an unknown parameter.
    """
    source = Path(source)
    base, table = split_spec(raw, "compare", EXPECTED, source)

    def fail(key: str, reason: str) -> UsageError:
        return UsageError(f"{source}: {key}: {reason}")

    for key in table:
        if key not in SECTION_KEYS:
            raise fail(f"[compare] {key}", "unknown key; expected one of "
                       + ", ".join(SECTION_KEYS))
    confidence = table.get("confidence", 0.95)
    if (isinstance(confidence, bool) or not isinstance(confidence, (int, float))
            or not 0 < confidence < 1):
        raise fail("[compare] confidence", f"got {confidence!r}, expected "
                   f"{SECTION_KEYS['confidence']}")
    if base.replications < 2:
        raise fail("replications", f"got {base.replications}, expected at least 2 for a "
                   "paired confidence interval")
    outcomes = table.get("outcomes", list(base.outcomes))
    if not isinstance(outcomes, list) or not outcomes or not all(
            isinstance(o, str) for o in outcomes):
        raise fail("[compare] outcomes", f"got {outcomes!r}, expected "
                   f"{SECTION_KEYS['outcomes']}")
    for outcome in outcomes:
        if outcome not in base.outcomes:
            raise fail("[compare] outcomes", f"{outcome!r} is not recorded; expected one of "
                       f"{', '.join(base.outcomes)} (add it to [outcomes])")

    fixed = {k: v for k, v in base.fixed.items() if k != "events"}
    fixed_events = list(base.fixed.get("events", []))
    baseline_table = table.get("baseline", {})
    if not isinstance(baseline_table, Mapping):
        raise fail("[compare] baseline", f"got {baseline_table!r}, expected "
                   f"{SECTION_KEYS['baseline']}")
    baseline = _arm(baseline_table, "[compare.baseline]", fixed, fixed_events, fail,
                    default_name=BASELINE)
    policies_raw = table.get("policies")
    if (not isinstance(policies_raw, list) or not policies_raw
            or not all(isinstance(p, Mapping) for p in policies_raw)):
        raise fail("[[compare.policies]]", f"got {policies_raw!r}, expected at least one "
                   "policy table with a name and set and/or events")
    baseline_params = _params(baseline.overrides)
    base_events = list(baseline.overrides.get("events", []))
    base_fixed = {k: v for k, v in baseline.overrides.items() if k != "events"}
    arms = [baseline]
    for number, entry in enumerate(policies_raw):
        where = f"[[compare.policies]] {entry.get('name', number)!s}"
        if "name" not in entry:
            raise fail(f"[[compare.policies]] {number}", "missing name; expected a name of "
                       "letters, digits, '-' or '_'")
        if not entry.get("set") and not entry.get("events"):
            raise fail(where, "changes nothing (no set, no events); expected set = { parameter "
                       "= value } and/or events = [...]")
        arm = _arm(entry, where, base_fixed, base_events, fail, default_name=None)
        if arm.name in {a.name for a in arms}:
            raise fail(where, f"name {arm.name!r} is used twice; expected distinct names "
                       f"(and not {BASELINE!r} for a policy)")
        if _params(arm.overrides) == baseline_params:
            raise fail(where, "changes nothing: its parameters and events equal the "
                       "baseline's; expected at least one value that differs")
        arms.append(arm)
    spec = with_design(base, ("policy",), [dict(a.overrides) for a in arms], "compare",
                       fixed={})
    return CompareSpec(sweep=spec, arms=tuple(arms), outcomes=tuple(outcomes),
                       confidence=float(confidence))


def _params(overrides: Mapping[str, Any]) -> Params:
    return Params().with_overrides(**overrides)


def _arm(entry: Mapping[str, Any], where: str, fixed: Mapping[str, Any], events: list[Any],
         fail: Callable[[str, str], UsageError], *, default_name: str | None) -> Arm:
    """An arm: ``fixed`` and ``events`` with the entry's changes, validated by Params."""
    for key in entry:
        if key not in ARM_KEYS:
            raise fail(f"{where} {key}", f"unknown key; expected one of {', '.join(ARM_KEYS)}")
    name = entry.get("name", default_name)
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise fail(f"{where} name", f"got {name!r}, expected a name of letters, digits, '-' "
                   "or '_'")
    text = entry.get("label", name)
    if not isinstance(text, str):
        raise fail(f"{where} label", f"got {text!r}, expected a string")
    changes = entry.get("set", {})
    if not isinstance(changes, Mapping):
        raise fail(f"{where} set", f"got {changes!r}, expected a table of parameter = value")
    if "events" in changes:
        raise fail(f"{where} set", "events go in events = [...], not in set")
    extra = entry.get("events", [])
    if not isinstance(extra, list) or not all(isinstance(e, Mapping) for e in extra):
        raise fail(f"{where} events", f"got {extra!r}, expected an array of tables with "
                   "step, target and set or multiply")
    overrides: dict[str, Any] = {**fixed, **changes}
    try:
        _params(overrides)
    except (ValueError, TypeError) as err:
        raise fail(f"{where} set", f"{err}") from None
    all_events = [*events, *(dict(e) for e in extra)]
    if all_events:
        overrides["events"] = all_events
        try:
            _params(overrides)
        except (ValueError, TypeError) as err:
            raise fail(f"{where} events", f"{err}") from None
    return Arm(name, text, overrides)


# --- the statistics ---------------------------------------------------------------------------
def paired_effect(baseline: np.ndarray, policy: np.ndarray, confidence: float = 0.95
                  ) -> dict[str, float]:
    """The mean effect of a policy with its paired and independent-seed intervals.

    Args:
        baseline: Y of the baseline's replications, in replication order.
        policy: Y of the policy's replications, paired with ``baseline`` by position.
        confidence: Confidence level.

    Returns:
        ``effect``, ``ci_low``, ``ci_high``, ``ci_low_independent``,
        ``ci_high_independent`` and ``variance_reduction`` (see the module docstring);
        ``variance_reduction`` is ``inf`` if every difference is the same and ``nan`` if the
        outcome never varies.
    """
    baseline = np.asarray(baseline, dtype=np.float64)
    policy = np.asarray(policy, dtype=np.float64)
    if baseline.shape != policy.shape or baseline.ndim != 1 or len(baseline) < 2:
        raise ValueError(f"got {baseline.shape} and {policy.shape}, expected two paired "
                         "samples of the same length >= 2")
    r = len(baseline)
    differences = policy - baseline
    effect = float(differences.mean())
    var_d = float(differences.var(ddof=1))
    var_b, var_p = float(baseline.var(ddof=1)), float(policy.var(ddof=1))
    quantile = 0.5 + confidence / 2
    half = float(stats.t.ppf(quantile, r - 1)) * np.sqrt(var_d / r)
    var_sum = var_b + var_p
    if var_sum > 0:
        welch_df = var_sum ** 2 / ((var_b ** 2 + var_p ** 2) / (r - 1))
        half_independent = float(stats.t.ppf(quantile, welch_df)) * np.sqrt(var_sum / r)
    else:
        half_independent = 0.0
    if var_d > 0:
        reduction = var_sum / var_d
    else:
        reduction = float("inf") if var_sum > 0 else float("nan")
    return {"effect": effect, "ci_low": effect - half, "ci_high": effect + half,
            "ci_low_independent": effect - half_independent,
            "ci_high_independent": effect + half_independent,
            "variance_reduction": reduction}


def effects_table(frame: pd.DataFrame, spec: CompareSpec) -> pd.DataFrame:
    """The rows of ``effects.csv`` from the runs of a compare spec."""
    last = final_values(frame, spec.outcomes, spec.sweep.steps)
    rows = []
    by_arm = {number: part.set_index("replication").sort_index()
              for number, part in last.groupby("point")}
    if len(by_arm) != len(spec.arms):
        raise UsageError(f"{spec.sweep.source}: results of {len(by_arm)} of {len(spec.arms)} "
                         "arms; expected all (run again to finish)")
    baseline = by_arm[0]
    for number, arm in enumerate(spec.arms[1:], start=1):
        policy = by_arm[number]
        for outcome in spec.outcomes:
            paired = pd.concat([baseline[outcome], policy[outcome]], axis=1,
                               keys=["b", "p"]).dropna()
            if len(paired) < 2:
                raise UsageError(f"{spec.sweep.source}: [compare] outcomes: {outcome!r} is "
                                 f"defined in {len(paired)} paired runs of {arm.name!r}; "
                                 "expected at least 2 (NaN elsewhere)")
            rows.append({"policy": arm.name, "outcome": outcome,
                         **paired_effect(paired["b"].to_numpy(), paired["p"].to_numpy(),
                                         spec.confidence)})
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table.attrs["labels"] = {arm.name: arm.label for arm in spec.arms}
    return table


def run_compare(spec: CompareSpec | str | Path, results_root: str | Path | None = None,
                executor: cf.Executor | None = None, *, slots: int | None = None,
                label: str | None = None,
                on_result: Callable[[TaskResult], None] | None = None) -> pd.DataFrame:
    """Run (or resume) a compare spec's runs and return its effects table.

    Args:
        spec: A :class:`CompareSpec` or the path of its file.
        results_root: Where run directories go (default ``results/``).
        executor: Any ``concurrent.futures.Executor`` (default: a process pool, opened only if
            some run is missing).
        slots: Tasks the executor runs at once.
        label: Description of the executor for the manifest.
        on_result: Called with each finished run (progress bars).

    Returns:
        The rows of ``effects.csv`` (:data:`COLUMNS`); ``attrs["run_directory"]`` is the run
        directory and ``attrs["labels"]`` the policies' labels.
    """
    if not isinstance(spec, CompareSpec):
        spec = load_compare(spec)
    frame, directory = evaluate(
        spec.sweep, results_root, executor, tasks=spec.tasks(), slots=slots, label=label,
        on_result=on_result,
        manifest={"analysis": "compare", "factors": ["policy"],
                  "arms": [arm.name for arm in spec.arms],
                  "seed_derivation": "common random numbers: numpy.random.SeedSequence("
                                     "root_seed).spawn(replications)[replication], seed = "
                                     "generate_state(1, uint64)[0] >> 1, the same in every "
                                     "arm; task = arm * replications + replication"})
    table = effects_table(frame, spec)
    table.attrs["run_directory"] = str(directory)
    return table


# --- figure -----------------------------------------------------------------------------------
def forest_figure(table: pd.DataFrame, labels: Mapping[str, str] | None = None) -> Any:
    """Forest plot of policy effects, one panel per outcome, a dotted line at no effect.

    Each policy's effect has its paired interval (thick, blue) over the interval independent
    seeds would give for the same runs (thin, grey).
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    labels = dict(table.attrs.get("labels", {}), **(labels or {}))
    outcomes = list(dict.fromkeys(table["outcome"]))
    figure = make_subplots(rows=1, cols=len(outcomes), shared_yaxes=True,
                           subplot_titles=[label(o) for o in outcomes], horizontal_spacing=0.04)
    for column, outcome in enumerate(outcomes, start=1):
        rows = table[table["outcome"] == outcome].iloc[::-1]
        names = [labels.get(p, p) for p in rows["policy"]]
        figure.add_trace(go.Scatter(
            x=rows["effect"], y=names, mode="markers", name="independent seeds (same runs)",
            legendgroup="independent", showlegend=column == 1,
            marker={"color": "rgba(0,0,0,0)", "size": 1},
            error_x={"type": "data", "symmetric": False, "color": "#999999", "thickness": 1,
                     "width": 8,
                     "array": (rows["ci_high_independent"] - rows["effect"]).to_numpy(),
                     "arrayminus": (rows["effect"] - rows["ci_low_independent"]).to_numpy()},
            hoverinfo="skip"), row=1, col=column)
        figure.add_trace(go.Scatter(
            x=rows["effect"], y=names, mode="markers", name="paired (common random numbers)",
            legendgroup="paired", showlegend=column == 1,
            marker={"color": "#0072B2", "size": 9, "symbol": "square"},
            error_x={"type": "data", "symmetric": False, "color": "#0072B2", "thickness": 3,
                     "width": 0, "array": (rows["ci_high"] - rows["effect"]).to_numpy(),
                     "arrayminus": (rows["effect"] - rows["ci_low"]).to_numpy()},
            customdata=rows["variance_reduction"].to_numpy(),
            hovertemplate="%{y}: %{x:.4g}<br>variance reduction %{customdata:.3g}"
                          "<extra></extra>"), row=1, col=column)
        figure.add_vline(x=0, line_dash="dot", line_color="black", row=1, col=column)
        figure.update_xaxes(title_text="Effect (policy − baseline)", row=1, col=column)
    figure.update_layout(title="Policy effects at the last step with 95 % confidence intervals",
                         legend={"orientation": "h", "y": -0.25})
    return style.apply(figure)


def write_effects(table: pd.DataFrame, directory: str | Path) -> dict[str, Path]:
    """Write ``effects.csv`` and ``effects.html`` into ``directory`` (atomically)."""
    from experiments.storage import atomic_write

    directory = Path(directory)
    paths = {"csv": directory / "effects.csv", "figure": directory / "effects.html"}
    atomic_write(paths["csv"], lambda tmp: table.to_csv(tmp, index=False))
    style.write_html(forest_figure(table), paths["figure"])
    return paths
