"""Where a vectorised step at 10^6 citizens goes, each part timed against the SpMV floor.

Same model as benchmarks/step.py (Watts-Strogatz, mean degree 10, defaults). Run::

    .venv/bin/python benchmarks/step_parts.py
"""

import json

import numpy as np
from step import median_time  # benchmarks/ is on sys.path when this script runs

from simulation import DisclosureModel
from simulation import neighbourhood as nbh
from simulation.codes import disclosure_codes
from simulation.metrics import collect_outputs


def main() -> None:
    """Time each part of a step and print them with their ratio to one SpMV."""
    n = 10**6
    model = DisclosureModel(rng=1, n_citizens=n, mean_degree=10)
    model.run_for(2)
    adjacency, pop, p = model.network.adjacency, model.population, model.params
    x = np.random.default_rng(0).random(n).astype(np.float32)
    codes = disclosure_codes(pop.disclosed)
    perceived = np.where(pop.shares_score, pop.score, model.peers.inferred_score)

    def decisions():
        draws = model._draw()
        model._decide(draws, nbh.rows(model.neighbourhood, draws.revising))

    parts = {
        "revision draws": lambda: model.decision_rng.random(n) < p.revision_rate,
        "decisions of the revisers": decisions,
        "disclosure codes": lambda: disclosure_codes(pop.disclosed),
        "neighbour aggregation": lambda: nbh.aggregate(
            adjacency, codes, model.code_tables, perceived, model._degree, pop.privacy_concern,
            np.asarray(p.sensitivities), p.data_correlation, model._max_degree),
        "welfare": lambda: model._current_utility(
            slice(None), model.neighbourhood, model.neighbourhood.mean_perceived(perceived),
            pop.score, model.neighbourhood.privacy_paid),
        "other outputs": lambda: collect_outputs(
            pop, p, inferred_score=model.peers.inferred_score, quintile=model._quintile,
            codes=codes, tables=model.code_tables, welfare=0.0,
            neighbourhood=model.neighbourhood),
        "whole step": model.step,
    }
    floor = median_time(lambda: adjacency @ x, 7)
    print(f"{'part':28} {'ms':>8} {'x SpMV':>8}")
    print(f"{'SpMV (floor)':28} {floor * 1e3:8.1f} {1.0:8.1f}")
    figures = {"spmv_s": floor}
    for name, action in parts.items():
        seconds = median_time(action, 5)
        figures[name.replace(" ", "_") + "_s"] = seconds
        print(f"{name:28} {seconds * 1e3:8.1f} {seconds / floor:8.1f}")
    print(json.dumps({k: round(v, 5) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
