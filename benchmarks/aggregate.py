"""Neighbour counts of a step: compiled update, compiled recount and scipy, side by side.

For the default model at N = 10^6 (Watts-Strogatz, mean degree 10), after a few steps, the
counts (n_ik per category, adopting neighbours, S_i the scored disclosures of the neighbours)
are brought up to date after one more step three ways, and checked equal:

* scipy: one ``csr_array @ dense`` product over the K + 2 indicator columns (float32);
* compiled recount: ``CountKernels.count``, one pass over every edge
  (``simulation.kernels.aggregate``);
* compiled update: ``CountKernels.update``, only the rows of the citizens whose choice changed
  (what a step does, ``simulation.neighbourhood.NeighbourCounts``).

It also prints the share of edge ends at which an update would cost as much as a recount, the
basis of ``simulation.neighbourhood.RECOUNT_SHARE``. Prints a table; the last line is one JSON
object. Run::

    .venv/bin/python benchmarks/aggregate.py
"""

import json

import numpy as np
from step import median_time  # benchmarks/ is on sys.path when this script runs

from simulation import DisclosureModel
from simulation.kernels.aggregate import (
    LANE_TYPES,
    count_kernels,
    lane_layout,
    lane_table,
    unsigned,
)


def main() -> None:
    """Time the three paths and check they agree."""
    model = DisclosureModel(rng=1, n_citizens=10**6, network="watts_strogatz", mean_degree=10)
    model.run_for(3)
    before = model._codes.copy()
    model.step()
    pop, tables, adjacency = model.population, model.code_tables, model.network.adjacency
    codes = model._codes
    changed = np.flatnonzero(codes != before)
    previous = before[changed]
    n, k = pop.disclosed.shape
    bits, n_words = lane_layout(k, model._max_degree)
    lanes = lane_table(k, tables.adopted, tables.count, bits)
    layout = (tables.count, k + 1, bits)
    kernels = count_kernels(n_words)
    indptr, indices = unsigned(adjacency.indptr), unsigned(adjacency.indices)
    old_words = np.empty((n, n_words), dtype=np.uint64)
    kernels.count(indptr, indices, before, lanes, old_words, *layout)

    def scipy_counts():
        columns = np.empty((n, k + 2), dtype=np.float32)
        columns[:, :k] = pop.disclosed
        columns[:, k] = tables.adopted[codes]
        columns[:, k + 1] = tables.count[codes]
        return adjacency @ columns

    def recount():
        words = np.empty_like(old_words)
        kernels.count(indptr, indices, codes, lanes, words, *layout)
        return words

    def update():
        words = old_words.copy()
        kernels.update(indptr, indices, changed, previous, codes, lanes, words, *layout)
        return words

    copy_time = median_time(old_words.copy, 7)  # taken out of the update's time below
    expected = scipy_counts()
    for words in (recount(), update()):
        assert np.array_equal(words.view(LANE_TYPES[bits])[:, :k + 2], expected)
    x = np.random.default_rng(0).random(n).astype(np.float32)
    floor = median_time(lambda: adjacency @ x, 7)
    with_scipy = median_time(scipy_counts, 5)
    with_recount = median_time(recount, 5)
    with_update = median_time(update, 7) - copy_time
    moved = model._degree[changed].sum() / adjacency.nnz
    break_even = moved * with_recount / with_update
    print(f"{changed.size} citizens changed their choice, holding {moved:.1%} of the edge ends")
    print(f"{'path':22} {'s':>8} {'x SpMV':>8}")
    for name, seconds in (("SpMV (floor)", floor), ("scipy product", with_scipy),
                          ("compiled recount", with_recount), ("compiled update", with_update)):
        print(f"{name:22} {seconds:8.4f} {seconds / floor:8.2f}")
    print(f"an update costs as much as a recount when the changed citizens hold "
          f"{break_even:.0%} of the edge ends")
    print(json.dumps({"spmv_s": round(floor, 5), "scipy_s": round(with_scipy, 5),
                      "recount_s": round(with_recount, 5), "update_s": round(with_update, 5),
                      "changed_edge_share": round(float(moved), 4),
                      "break_even_edge_share": round(float(break_even), 3)}))


if __name__ == "__main__":
    main()
