"""Fixed-seed runs whose trajectories must not change, and how they are fingerprinted.

Each case is one decision rule on one network kind with one engine and schedule, small and
short, with an event of each kind the rule reads. ``fingerprint`` hashes the collected outputs'
bytes (column names, dtypes and values), so any change in any output at any step changes it.
``python -m tests.trajectory_cases`` rewrites ``tests/data/trajectories.json``: do that only when a
change of trajectories is intended, and say so in the commit.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

import numpy as np

from simulation import DisclosureModel
from simulation.outputs import expand

GOLDEN = Path(__file__).parent / "data" / "trajectories.json"
STEPS = 12

RULES = ("best_response", "imitation", "threshold", "norm")
NETWORKS = ("watts_strogatz", "barabasi_albert", "holme_kim", "erdos_renyi",
            "stochastic_block", "complete", "ring_lattice")
ENGINES = ("vectorized", "agents")
SCHEDULES = ("synchronous", "random_sequential")

#: Events every case carries: a weight switched on (changes the scored set), a sensitivity,
#: and a privacy scandal.
EVENTS = [{"step": 4, "target": "weight_driving_behaviour", "set": 0.1},
          {"step": 6, "target": "sensitivity_education", "set": 0.9},
          {"step": 8, "target": "privacy_concern", "multiply": 1.5}]


def cases() -> list[dict]:
    """Every valid (rule, network, engine, schedule), plus a variant per rule and engine."""
    out = []
    for rule, network, engine, schedule in itertools.product(RULES, NETWORKS, ENGINES,
                                                             SCHEDULES):
        if engine == "vectorized" and schedule == "random_sequential":
            continue  # the vectorised engine is synchronous only
        case = {"rule": rule, "network": network, "engine": engine, "schedule": schedule,
                "n_citizens": 150, "mean_degree": 6, "rng": 5, "events": EVENTS,
                "data_correlation": 0.2}
        if rule in ("best_response", "norm"):
            case["logit_temperature"] = 0.02
        if rule == "threshold":
            case["n_seeds"] = 10
        out.append(case)
    for rule, engine in itertools.product(RULES, ENGINES):  # the other platform and leakage
        out.append({"rule": rule, "network": "watts_strogatz", "engine": engine,
                    "schedule": "synchronous", "n_citizens": 150, "mean_degree": 6, "rng": 9,
                    "events": EVENTS, "imputation": "skeptical", "data_correlation": 0.5,
                    "threshold_kind": "count", "threshold_mean": 2.0,
                    "logit_temperature": 0.0, "variant": "skeptical"})
    return out


def name(case: dict) -> str:
    """The case's key in the golden file."""
    keys = ("rule", "network", "engine", "schedule", "variant")
    return "-".join(str(case[k]) for k in keys if k in case)


#: The outputs the fingerprints were recorded with; outputs added since are left out, so that
#: the fingerprints show the trajectories unchanged.
GOLDEN_OUTPUTS = ("mean_disclosure", "mean_disclosure_weighted", "disclosure_<category>",
                  "share_disclose_none", "share_disclose_all", "sharing_rate", "inferred_score",
                  "mean_score", "median_score", "share_above_<threshold>", "gini_score",
                  "privacy_gap", "assortativity", "welfare", "cascade_size")


def fingerprint(model: DisclosureModel) -> str:
    """SHA-256 of the collected outputs (:data:`GOLDEN_OUTPUTS`) and the final state."""
    p = model.params
    frame = model.dataframe()[[column for name in GOLDEN_OUTPUTS
                               for column in expand(name, p.categories, p.thresholds)]]
    digest = hashlib.sha256()
    digest.update(json.dumps([list(map(str, frame.columns)),
                              list(map(str, frame.dtypes))]).encode())
    digest.update(np.ascontiguousarray(frame.to_numpy(dtype=np.float64)).tobytes())
    pop = model.population
    for array in (pop.disclosed, pop.shares_score, pop.score, pop.privacy_concern):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def run(case: dict) -> str:
    """Run the case for STEPS steps and fingerprint it."""
    model = DisclosureModel(**{k: v for k, v in case.items() if k != "variant"})
    model.run_for(STEPS)
    return fingerprint(model)


if __name__ == "__main__":
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps({name(c): run(c) for c in cases()}, indent=1, sort_keys=True)
                      + "\n")
    print(f"wrote {GOLDEN}")
