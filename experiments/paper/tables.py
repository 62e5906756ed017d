"""The paper's tables, read from the studies' saved results (never from the model).

Each table function takes the run directories (``{study name: run directory}``) and returns a
``DataFrame`` whose columns are the table's headings; :func:`write_tables` writes each as CSV
(full precision) and as a LaTeX ``tabular`` with booktabs rules (top, middle and bottom
rules; load ``booktabs`` in the preamble).

The cascade table also holds the data of the cascade-window figure. For the share p = k/n of
n runs whose final cascade exceeds the validation's global share
(:data:`experiments.validation.cases.WATTS_GLOBAL_SHARE`) of the population, the 95 % interval
is Wilson's score interval (Wilson 1927), which stays inside [0, 1] and is not degenerate at
k = 0 or k = n. Theory is Watts's (2002) branching-process probability of a global cascade,
:func:`experiments.validation.theory.watts_cascade_probability`, for N -> infinity and for the
model's finite G(N, p) degrees.

References:
    Watts, D. J. (2002). A simple model of global cascades on random networks. PNAS 99(9),
    5766-5771.
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. JASA 22(158), 209-212.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis.labels import label
from experiments.errors import UsageError
from experiments.paper.studies import Product

CONFIDENCE = 0.95


def read_csv(path: Path) -> pd.DataFrame:
    """A saved table; a missing or unreadable file is a one-line error."""
    try:
        return pd.read_csv(path)
    except (OSError, ValueError) as err:
        raise UsageError(f"{path}: cannot read the saved table ({err}); expected the file "
                         "its analysis writes: run datarovers paper again") from None


def read_json(path: Path) -> dict[str, Any]:
    """A saved JSON file (``null`` read as NaN at the top level)."""
    try:
        content = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise UsageError(f"{path}: cannot read ({err}); expected the file its analysis "
                         "writes: run datarovers paper again") from None
    return {k: math.nan if v is None else v for k, v in content.items()}


def arm_labels(run_dir: Path) -> dict[str, str]:
    """Arm name -> label in arm order (baseline first), from a compare run's manifest."""
    from experiments.analysis.compare import parse_compare

    manifest = read_json(Path(run_dir) / "manifest.json")
    spec = parse_compare(manifest["spec"], manifest.get("spec_file", run_dir))
    return {arm.name: arm.label for arm in spec.arms}


# --- data -------------------------------------------------------------------------------------
def cascade_window(run_dir: Path) -> tuple[pd.DataFrame, float, int]:
    """Per mean degree z: runs, global cascades, their share with its Wilson interval, theory.

    Returns:
        The table (columns ``mean_degree, runs, global_cascades, share, ci_low, ci_high,
        mean_size, theory, theory_finite``), phi and N of the study.
    """
    from scipy import stats

    from experiments.summarize import load_results
    from experiments.validation import theory
    from experiments.validation.cases import WATTS_GLOBAL_SHARE

    results = load_results(run_dir)
    fixed = results.manifest["spec"]["fixed"]
    phi, n_citizens = float(fixed["threshold_mean"]), int(fixed["n_citizens"])
    frame = results.frame
    last = frame[frame["step"] == frame["step"].max()]
    rows = []
    for z, runs in last.groupby("mean_degree", sort=True):
        sizes = runs["cascade_size"].to_numpy()
        k, n = int((sizes > WATTS_GLOBAL_SHARE).sum()), len(sizes)
        ci = stats.binomtest(k, n).proportion_ci(CONFIDENCE, method="wilson")
        rows.append({"mean_degree": float(z), "runs": n, "global_cascades": k,
                     "share": k / n, "ci_low": ci.low, "ci_high": ci.high,
                     "mean_size": float(sizes.mean()),
                     "theory": theory.watts_cascade_probability(float(z), phi),
                     "theory_finite": theory.watts_cascade_probability(float(z), phi,
                                                                        n_citizens)})
    return pd.DataFrame(rows), phi, n_citizens


# --- tables -----------------------------------------------------------------------------------
def policy_effects(directories: Mapping[str, Path]) -> pd.DataFrame:
    """Paired effects of the policies at the last step (``effects.csv`` of the drift study)."""
    run_dir = Path(directories["drift"])
    effects = read_csv(run_dir / "effects.csv")
    labels = arm_labels(run_dir)
    return pd.DataFrame({
        "Policy": [labels.get(p, p) for p in effects["policy"]],
        "Outcome": [label(o) for o in effects["outcome"]],
        "Effect": effects["effect"],
        "95 % CI low (paired)": effects["ci_low"],
        "95 % CI high (paired)": effects["ci_high"],
        "95 % CI low (independent seeds)": effects["ci_low_independent"],
        "95 % CI high (independent seeds)": effects["ci_high_independent"],
        "Variance reduction": effects["variance_reduction"],
    })


def sobol_indices(directories: Mapping[str, Path]) -> pd.DataFrame:
    """S1 and ST with their bootstrap intervals, per outcome and parameter."""
    table = read_csv(Path(directories["sobol"]) / "sensitivity.csv")
    table = table[table["method"] == "sobol"]
    wide = table.pivot_table(index=["outcome", "parameter"], columns="index",
                             values=["value", "ci_low", "ci_high"], aggfunc="first")
    distinct = table.pivot_table(index=["outcome", "parameter"], columns="index",
                                 values="distinguishable", aggfunc="first")
    # outcomes alphabetically, parameters by ST from largest within each
    wide = wide.loc[sorted(wide.index, key=lambda key: (key[0], -wide.loc[key, ("value", "ST")]))]
    out = pd.DataFrame({
        "Outcome": [label(o) for o, _ in wide.index],
        "Parameter": [label(p) for _, p in wide.index],
        "S1": wide[("value", "S1")].to_numpy(),
        "S1 95 % CI low": wide[("ci_low", "S1")].to_numpy(),
        "S1 95 % CI high": wide[("ci_high", "S1")].to_numpy(),
        "ST": wide[("value", "ST")].to_numpy(),
        "ST 95 % CI low": wide[("ci_low", "ST")].to_numpy(),
        "ST 95 % CI high": wide[("ci_high", "ST")].to_numpy(),
        "ST above noise floor": [_yes_no(v) for v in distinct.loc[wide.index, "ST"]],
    })
    return out


def cascade_table(directories: Mapping[str, Path]) -> pd.DataFrame:
    """Global cascade frequency per mean degree against Watts's theory."""
    data, _, n_citizens = cascade_window(Path(directories["watts"]))
    return pd.DataFrame({
        "Mean degree z": data["mean_degree"],
        "Runs": data["runs"],
        "Global cascades": data["global_cascades"],
        "Share": data["share"],
        "95 % CI low (Wilson)": data["ci_low"],
        "95 % CI high (Wilson)": data["ci_high"],
        "Theory (N → ∞)": data["theory"],
        f"Theory (N = {n_citizens})": data["theory_finite"],
    })


def tipping_summary(directories: Mapping[str, Path]) -> pd.DataFrame:
    """The tipping value, its interval, where the transition ends, and the indicators' trend."""
    summary = read_json(Path(directories["tipping"]) / "tipping.json")
    start, end = summary["transition_start"], summary["transition_end"]

    def number(value: Any) -> float:
        return math.nan if value is None else float(value)

    return pd.DataFrame([{
        "Parameter": label(summary["parameter"]),
        "Outcome": label(summary["outcome"]),
        "Jump found": _yes_no(summary["found"]),
        "Tipping value": number(summary["tipping_value"]),
        f"{summary['confidence']:.0%} CI low": number(summary["ci_low"]),
        f"{summary['confidence']:.0%} CI high": number(summary["ci_high"]),
        "Transition starts after": number(start[0]),
        "Transition ends by": number(end[1]),
        "Kendall τ of variance": number(summary["approach_tau_variance"]),
        "Kendall τ of lag-1 autocorrelation": number(summary["approach_tau_ac1"]),
    }])


def _yes_no(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return "yes" if value else "no"


TABLES: tuple[Product, ...] = (
    Product("policy_effects", "drift", policy_effects,
          "Effects of a category cap and a privacy scandal on the final state (policy minus "
          "default incentives), with paired 95 % confidence intervals from common random "
          "numbers, the intervals independent seeds would give for the same runs, and the "
          "variance reduction factor."),
    Product("sobol_indices", "sobol", sobol_indices,
          "First-order (S1) and total (ST) Sobol indices with 95 % bootstrap intervals; the "
          "dummy parameter, which the model ignores, gives the noise floor."),
    Product("cascade_window", "watts", cascade_table,
          "Share of runs with a global cascade (over 5 % of the population) on Erdős–Rényi "
          "graphs under the threshold rule (φ = 0.18, one random seed), with Wilson 95 % "
          "intervals, against Watts's branching-process theory."),
    Product("tipping_point", "tipping", tipping_summary,
          "Where the final cascade size jumps as the mean degree grows (the upper edge of the "
          "cascade window), with its bootstrap interval, the brackets where the transition "
          "starts and ends, and the Kendall τ of the early-warning indicators along the "
          "approach."),
)


#: LaTeX's special characters in running text and their escaped forms.
LATEX_SPECIALS = {"\\": r"\textbackslash{}", "%": r"\%", "&": r"\&", "_": r"\_", "#": r"\#",
                  "$": r"\$", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped (a caption)."""
    return "".join(LATEX_SPECIALS.get(c, c) for c in text)


def to_latex(table: pd.DataFrame, caption: str, name: str) -> str:
    """A booktabs ``table`` environment: numbers to 4 significant digits, text escaped."""
    styler = table.style.hide(axis="index").format(
        lambda v: f"{v:.4g}" if isinstance(v, (float, np.floating)) else str(v),
        escape="latex").format_index(escape="latex", axis=1)
    return styler.to_latex(hrules=True, caption=latex_escape(caption), label=f"tab:{name}",
                           position="htbp", column_format="l" * table.shape[1])


def write_tables(directories: Mapping[str, Path], directory: Path) -> dict[str, dict[str, Path]]:
    """Write every table of :data:`TABLES` as ``<name>.csv`` and ``<name>.tex`` (atomically)."""
    from experiments.storage import atomic_write

    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, dict[str, Path]] = {}
    for table in TABLES:
        frame = table.make(directories)
        paths = {"csv": directory / f"{table.name}.csv", "tex": directory / f"{table.name}.tex"}
        atomic_write(paths["csv"], lambda tmp, f=frame: f.to_csv(tmp, index=False))
        text = to_latex(frame, table.caption, table.name)
        atomic_write(paths["tex"], lambda tmp, t=text: tmp.write_text(t, encoding="utf-8"))
        written[table.name] = paths
    return written
