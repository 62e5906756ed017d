"""Build time and peak memory of a large model, and of its graph alone against networkx.

Each measurement runs in a fresh Python process, so that its peak resident memory (the child's
own ``ru_maxrss``) is that of the one build and nothing else; times exclude the imports, which
are reported apart. Measured:

* ``DisclosureModel(n_citizens=N, mean_degree=10, rng=1)`` (Watts-Strogatz, p = 0.1) at
  N = 10^6 and, with ``--large``, 10^7: the graph, the population state and the model, with
  the Mesa Citizen agents created on first access (not part of the build);
* the same build followed by ``len(model.agents)``, which creates all N Citizen agents
  (10^6 only: at 10^7 that alone takes about a minute, which is why they are lazy);
* the graph alone (``simulation.network.build_network``) at 10^5, 10^6 (and 10^7);
* networkx's ``watts_strogatz_graph`` at 10^5 converted to the same CSR adjacency, and the
  ratio networkx / fast at 10^5.

Prints a table; the last line is one JSON object. Run::

    .venv/bin/python benchmarks/build.py [--large] [--repeats 3]

Targets (issue 4): a 10^6-citizen model in at most 10 s and 2 GB peak, 10^7 in at most 60 s
and 8 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

MEAN_DEGREE = 10


def child(task: str, n: int) -> None:
    """Run one measurement in this process and print its figures as JSON."""
    start = time.perf_counter()
    import numpy as np

    from simulation import DisclosureModel, Params
    from simulation.network import build_network
    from simulation.network.graph import _from_networkx

    imported = time.perf_counter()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures: dict[str, float] = {}
    if task in ("model", "citizens"):
        t0 = time.perf_counter()
        model = DisclosureModel(n_citizens=n, mean_degree=MEAN_DEGREE, rng=1)
        figures["seconds"] = time.perf_counter() - t0
        if task == "citizens":
            t1 = time.perf_counter()
            assert len(model.agents) == n
            figures["citizens_s"] = time.perf_counter() - t1
            figures["seconds"] += figures["citizens_s"]
    elif task == "graph":
        params = Params(n_citizens=n, mean_degree=MEAN_DEGREE)
        t0 = time.perf_counter()
        network = build_network(params, np.random.default_rng(1))
        figures["seconds"] = time.perf_counter() - t0
        assert network.adjacency.nnz == n * MEAN_DEGREE
    elif task == "networkx":
        import networkx as nx

        t0 = time.perf_counter()
        graph = nx.watts_strogatz_graph(n, MEAN_DEGREE, 0.1, seed=1)
        adjacency = _from_networkx(graph, n)
        figures["seconds"] = time.perf_counter() - t0
        assert adjacency.nnz == n * MEAN_DEGREE
    else:
        raise SystemExit(f"unknown task {task!r}")
    figures["import_s"] = imported - start
    figures["baseline_rss_mb"] = baseline
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def measure(task: str, n: int, repeats: int) -> dict[str, float]:
    """Median time and largest peak memory of ``repeats`` fresh child processes."""
    runs = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, __file__, "--child", task, str(n)],
                             capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    result = {key: sorted(run[key] for run in runs)[len(runs) // 2] for key in runs[0]}
    result["peak_rss_mb"] = max(run["peak_rss_mb"] for run in runs)
    return result


def exponent(n: int) -> str:
    return f"1e{len(str(n)) - 1}"


def main() -> None:
    """Measure and print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--large", action="store_true", help="also build N = 10^7")
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per figure")
    parser.add_argument("--child", nargs=2, metavar=("TASK", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    model_sizes = [10**6] + ([10**7] if args.large else [])
    rows: list[tuple[str, int, dict[str, float]]] = []
    rows.append(("graph, networkx", 10**5, measure("networkx", 10**5, args.repeats)))
    for n in [10**5, *model_sizes]:
        rows.append(("graph, fast", n, measure("graph", n, args.repeats)))
    for n in model_sizes:
        rows.append(("model (lazy citizens)", n, measure("model", n, args.repeats)))
    rows.append(("model + all citizens", 10**6, measure("citizens", 10**6, args.repeats)))

    print(f"Watts-Strogatz, mean degree {MEAN_DEGREE}, p = 0.1; each row a fresh process "
          f"(median of {args.repeats}); times exclude imports")
    print(f"{'what':<24} {'N':>10} {'time (s)':>9} {'peak RSS (MB)':>14} {'after imports':>14}")
    for label, n, r in rows:
        print(f"{label:<24} {n:>10} {r['seconds']:>9.2f} {r['peak_rss_mb']:>14.0f} "
              f"{r['baseline_rss_mb']:>14.0f}")
    by = {(label, n): r for label, n, r in rows}
    ratio = by[("graph, networkx", 10**5)]["seconds"] / by[("graph, fast", 10**5)]["seconds"]
    print(f"graph at 10^5: networkx / fast = {ratio:.0f}x")
    figures: dict[str, float] = {
        "networkx_graph_s_1e5": by[("graph, networkx", 10**5)]["seconds"],
        "networkx_peak_rss_mb_1e5": by[("graph, networkx", 10**5)]["peak_rss_mb"],
        "networkx_over_fast_graph_1e5": ratio,
    }
    for n in [10**5, *model_sizes]:
        r = by[("graph, fast", n)]
        figures[f"graph_s_{exponent(n)}"] = r["seconds"]
        figures[f"graph_peak_rss_mb_{exponent(n)}"] = r["peak_rss_mb"]
    for n in model_sizes:
        r = by[("model (lazy citizens)", n)]
        figures[f"build_s_{exponent(n)}"] = r["seconds"]
        figures[f"peak_rss_mb_{exponent(n)}"] = r["peak_rss_mb"]
        figures[f"graph_share_of_build_{exponent(n)}"] = (
            by[("graph, fast", n)]["seconds"] / r["seconds"])
    r = by[("model + all citizens", 10**6)]
    figures["build_with_citizens_s_1e6"] = r["seconds"]
    figures["citizens_s_1e6"] = r["citizens_s"]
    figures["peak_rss_mb_with_citizens_1e6"] = r["peak_rss_mb"]
    print(json.dumps({key: round(value, 4) for key, value in figures.items()}))


if __name__ == "__main__":
    main()
