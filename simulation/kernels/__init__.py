"""Compiled (numba) kernels of the vectorised engine.

The equations live in :mod:`simulation.rules` and :mod:`simulation.score` as plain numpy, the
bookkeeping passes in :mod:`simulation.passes` and the outputs in :mod:`simulation.outputs`;
the per-agent engine calls the equations on one citizen at a time. The kernels here compute the
same quantities for all citizens in single passes, where a benchmark showed numpy's many passes
over large temporaries to dominate a step (``benchmarks/step_parts.py``). Each kernel repeats
its definition's operations in the same order, so results agree bit for bit.
:mod:`simulation.kernels.table` pairs every kernel the model calls with its definition (one
test runs each pair on random inputs) and switches to the definitions when
``DATAROVERS_KERNELS=0``; the engine-equivalence tests check whole trajectories.

Kernels are compiled on first use and cached next to their module (``cache=True``). numba's
cache does not follow imports: after editing ``utility.py``, whose functions are inlined into the
other kernels, delete ``simulation/kernels/__pycache__/*.nb[ic]`` so they are recompiled.

Modules:
    utility: the utility U of a choice (score, privacy cost, sharing) for one citizen, and the
        sum of U over citizens from sums.
    choice: the best response of each reviser over its 2 * 2^K options, and its inputs.
    aggregate: every citizen's neighbour counts, counted in one pass over the edges and then
        updated around the citizens whose choice changed.
    outputs: every per-step output (welfare included) from tallies and one pass over the
        citizens; the score histogram's counts.
    state: disclosure codes and which changed, rescoring, the peer view's sums, the code
        histogram's moves, writing the revisers' choices.
    table: every kernel the model calls with its numpy definition; the switch between them.
"""
