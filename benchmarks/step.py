"""Step time of the vectorised and per-agent engines against the sparse product floor.

Measured side by side in one run (absolute times drift on shared machines; ratios hold):

* the vectorised step at N = 10^4, 10^5, 10^6 (Watts-Strogatz, mean degree 10, default rule,
  outputs collected every step) and, with ``--large``, 10^7;
* one sparse matrix-vector product over the same graph (the floor: one gather over the edges),
  and the ratio step / floor;
* the share of the step spent collecting outputs (welfare and the other outputs);
* the per-agent engine at 10^3 and 10^4, and the ratio per-agent / vectorised at 10^4.

Prints a table; the last line is one JSON object. Run::

    .venv/bin/python benchmarks/step.py [--large] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from simulation import DisclosureModel

WS = {"network": "watts_strogatz", "mean_degree": 10}


def median_time(action, repeats: int) -> float:
    """Median wall time of ``action()`` over ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def measure_vectorized(n: int, repeats: int) -> dict[str, float]:
    """Step, floor and collection times of the vectorised engine at N = n.

    Steps 3 to ``repeats`` + 2 are timed, in ``rounds(n)`` fresh models (the same seed, so the
    same steps) whose times are pooled: a sub-millisecond step needs many samples to make a
    stable median on a shared machine. The floor is the median of SpMVs run back to back before
    and after the steps (the graph and vector as warm as they get); the collection share is the
    median over the timed steps of the time spent in ``DisclosureModel._collect`` over the
    step's time.
    """
    step_times: list[float] = []
    collect_times: list[float] = []
    spmv: list[float] = []
    for _ in range(rounds(n)):
        model = DisclosureModel(rng=1, n_citizens=n, **WS)
        adjacency = model.network.adjacency
        x = np.random.default_rng(0).random(n).astype(np.float32)
        spmv.append(median_time(lambda a=adjacency, v=x: a @ v, max(repeats, 5)))
        model.run_for(2)  # warm up (first steps allocate)
        collect = model._collect

        def timed_collect(*args, collect=collect):
            start = time.perf_counter()
            collect(*args)
            collect_times.append(time.perf_counter() - start)

        model._collect = timed_collect
        for _ in range(repeats):
            start = time.perf_counter()
            model.step()
            step_times.append(time.perf_counter() - start)
        spmv.append(median_time(lambda a=adjacency, v=x: a @ v, max(repeats, 5)))
    step, floor = float(np.median(step_times)), float(np.median(spmv))
    return {"n": n, "step_s": step, "floor_s": floor, "step_over_floor": step / floor,
            "collect_share": float(np.median(np.array(collect_times) / np.array(step_times)))}


def rounds(n: int) -> int:
    """Fresh models to time at N = n: 20 at 10^4, 10 at 10^5, 1 from 10^6."""
    return min(20, max(1, 10**6 // n))


def measure_agents(n: int, repeats: int) -> float:
    """Median time of steps 3 to ``repeats`` + 2 of the per-agent engine at N = n."""
    model = DisclosureModel(rng=1, n_citizens=n, engine="agents", **WS)
    model.run_for(2)
    return median_time(model.step, repeats)


def main() -> None:
    """Measure and print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--large", action="store_true", help="also run N = 10^7")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sizes = [10**4, 10**5, 10**6] + ([10**7] if args.large else [])
    rows = [measure_vectorized(n, args.repeats) for n in sizes]
    agents = {n: measure_agents(n, args.repeats) for n in (10**3, 10**4)}
    vectorized_1e4 = rows[0]["step_s"]

    print(f"{'N':>10} {'step (s)':>10} {'SpMV (s)':>10} {'step/SpMV':>10} {'collect':>8}")
    for row in rows:
        print(f"{row['n']:>10} {row['step_s']:>10.4f} {row['floor_s']:>10.5f} "
              f"{row['step_over_floor']:>10.1f} {row['collect_share']:>8.0%}")
    print(f"per-agent engine: {agents[10**3]:.4f} s/step at 10^3, {agents[10**4]:.4f} s/step at "
          f"10^4; per-agent / vectorised at 10^4 = {agents[10**4] / vectorized_1e4:.0f}")
    figures = {f"step_s_1e{len(str(r['n'])) - 1}": r["step_s"] for r in rows}
    figures.update({f"step_over_floor_1e{len(str(r['n'])) - 1}": r["step_over_floor"]
                    for r in rows})
    figures.update({f"collect_share_1e{len(str(r['n'])) - 1}": r["collect_share"]
                    for r in rows})
    figures.update({"agents_step_s_1e3": agents[10**3], "agents_step_s_1e4": agents[10**4],
                    "agents_over_vectorized_1e4": agents[10**4] / vectorized_1e4})
    print(json.dumps({k: round(v, 5) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
