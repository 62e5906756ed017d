"""Where a vectorised step at 10^6 citizens goes, each part timed against the SpMV floor.

Same model as benchmarks/step.py (Watts-Strogatz, mean degree 10, defaults). Each part is the
function the step calls, timed in the model's own step: the functions are wrapped for a few
steps and the medians are printed, next to one SpMV measured between the steps. Run::

    .venv/bin/python benchmarks/step_parts.py [--n 1000000] [--steps 7]
"""

import argparse
import json
import time

import numpy as np

import simulation.model as model_module
from simulation import DisclosureModel
from simulation import neighbourhood as nbh

#: (label, module or object, attribute): the parts of a step, in the order the step runs them.
PARTS = [
    ("revision draws", "model", "_draw"),
    ("choice inputs", model_module.choice, "decision_inputs"),
    ("best response", model_module.choice, "scored_best_response"),
    ("codes, scores, peer view", model_module, "refresh"),
    ("neighbour counts", nbh.NeighbourCounts, "update"),
    ("code histogram", model_module.CodeHistogram, "update"),
    ("score histogram", model_module.ScoreHistogram, "update"),
    ("outputs and welfare", model_module, "collect_outputs"),
]


def main() -> None:
    """Time each part inside real steps and print them with their ratio to one SpMV."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10**6)
    parser.add_argument("--steps", type=int, default=7)
    args = parser.parse_args()
    model = DisclosureModel(rng=1, n_citizens=args.n, network="watts_strogatz", mean_degree=10)
    model.run_for(2)
    times: dict[str, list[float]] = {label: [] for label, _, _ in PARTS}
    for label, owner, name in PARTS:
        owner = model if owner == "model" else owner
        original = getattr(owner, name)

        def timed(*a, _original=original, _label=label, **k):
            start = time.perf_counter()
            result = _original(*a, **k)
            times[_label].append(time.perf_counter() - start)
            return result

        setattr(owner, name, timed)
    adjacency = model.network.adjacency
    x = np.random.default_rng(0).random(args.n).astype(np.float32)
    floors, steps = [], []
    for _ in range(args.steps):
        start = time.perf_counter()
        adjacency @ x
        floors.append(time.perf_counter() - start)
        start = time.perf_counter()
        model.step()
        steps.append(time.perf_counter() - start)
    floor, step = float(np.median(floors)), float(np.median(steps))
    print(f"{'part':26} {'ms':>8} {'x SpMV':>8}")
    print(f"{'SpMV (floor)':26} {floor * 1e3:8.2f} {1.0:8.2f}")
    figures = {"spmv_s": floor}
    accounted = 0.0
    for label, _, _ in PARTS:
        seconds = float(np.median(times[label]))
        accounted += seconds
        figures[label.replace(" ", "_") + "_s"] = seconds
        print(f"{label:26} {seconds * 1e3:8.2f} {seconds / floor:8.2f}")
    print(f"{'rest (Python, collector)':26} {(step - accounted) * 1e3:8.2f} "
          f"{(step - accounted) / floor:8.2f}")
    print(f"{'whole step':26} {step * 1e3:8.2f} {step / floor:8.2f}")
    figures["whole_step_s"] = step
    print(json.dumps({k: round(v, 6) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
