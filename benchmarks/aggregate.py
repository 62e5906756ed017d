"""Does the compiled neighbour aggregation pay? It against scipy's sparse product, side by side.

Both compute, for the default model at N = 10^6 (Watts-Strogatz, mean degree 10), every
neighbour sum of a step (n_ik per category, adopting neighbours, the sum of the neighbours'
disclosure levels and perceived scores) and each citizen's privacy cost with leakage:

* scipy: stack the K + 3 columns as float32, one ``csr_array @ dense`` product, then the privacy
  cost v_i sum_k d_ik kappa_k L(n_ik) in numpy;
* compiled: ``simulation.kernels.aggregate.neighbour_sums``, one pass reading each
  neighbour's 2-byte disclosure code and perceived score.

Prints a table; the last line is one JSON object. Run::

    .venv/bin/python benchmarks/aggregate.py
"""

import json

import numpy as np
from step import median_time  # benchmarks/ is on sys.path when this script runs

from simulation import DisclosureModel
from simulation import neighbourhood as nbh
from simulation.codes import disclosure_codes
from simulation.rules import leakage


def scipy_aggregate(model, perceived):
    """The same sums through one scipy product and numpy."""
    pop, p = model.population, model.params
    tables = model.code_tables
    codes = disclosure_codes(pop.disclosed)
    n, k = pop.disclosed.shape
    stacked = np.empty((n, k + 3), dtype=np.float32)
    stacked[:, :k] = pop.disclosed
    stacked[:, k] = tables.adopted[codes]
    stacked[:, k + 1] = tables.level[codes]
    stacked[:, k + 2] = perceived
    sums = model.network.adjacency @ stacked
    share = leakage(sums[:, :k], p.data_correlation)
    paid = (pop.privacy_concern.astype(np.float64)
            * np.where(pop.disclosed, np.asarray(p.sensitivities) * share, 0.0).sum(axis=1))
    return sums, paid


def main() -> None:
    """Time both and check they agree."""
    model = DisclosureModel(rng=1, n_citizens=10**6, mean_degree=10)
    model.run_for(2)
    pop, p = model.population, model.params
    perceived = np.where(pop.shares_score, pop.score, model.peers.inferred_score)
    x = np.random.default_rng(0).random(pop.size).astype(np.float32)

    def compiled():
        return nbh.aggregate(model.network.adjacency, disclosure_codes(pop.disclosed),
                             model.code_tables, perceived, model._degree, pop.privacy_concern,
                             np.asarray(p.sensitivities), p.data_correlation, model._max_degree)

    ours, (sums, paid) = compiled(), scipy_aggregate(model, perceived)
    assert np.array_equal(ours.disclosing, sums[:, :p.n_categories])
    assert np.allclose(ours.privacy_paid, paid, rtol=1e-9, atol=1e-12)
    floor = median_time(lambda: model.network.adjacency @ x, 7)
    with_scipy = median_time(lambda: scipy_aggregate(model, perceived), 5)
    with_kernel = median_time(compiled, 5)
    print(f"{'path':22} {'s':>8} {'x SpMV':>8}")
    for name, seconds in (("SpMV (floor)", floor), ("scipy + numpy", with_scipy),
                          ("compiled kernel", with_kernel)):
        print(f"{name:22} {seconds:8.4f} {seconds / floor:8.1f}")
    print(f"scipy / compiled = {with_scipy / with_kernel:.2f}")
    print(json.dumps({"spmv_s": round(floor, 5), "scipy_s": round(with_scipy, 5),
                      "compiled_s": round(with_kernel, 5),
                      "scipy_over_compiled": round(with_scipy / with_kernel, 3)}))


if __name__ == "__main__":
    main()
