"""Will it fit? The memory a model needs, against what the machine has, checked before building.

A model holds, per citizen, its attributes, disclosure codes, scores and neighbour counts, and
per edge end its entry in the sparse adjacency (indices and aggregates):

    bytes(N, z) = BASE + N * (PER_CITIZEN + PER_EDGE_END * z)

The constants are rounded up from ``benchmarks/build.py`` (peak resident memory of a build:
491 MB at 10^6 citizens and 2.2 GB at 10^7, mean degree 8, with about 150 MB for Python and
its libraries), so the estimate errs on the large side. What the machine has is the kernel's
``MemAvailable``, or what the cgroup still allows when that is less.
"""

from __future__ import annotations

from pathlib import Path

from experiments.errors import UsageError

#: Python, numpy, scipy, numba, Mesa and pandas loaded, before any model (bytes).
BASE = 150 * 2**20
#: Bytes per citizen (attributes, codes, scores, counts, the outputs' work arrays).
PER_CITIZEN = 250
#: Bytes per edge end (CSR index and the neighbour aggregates), times the mean degree z.
PER_EDGE_END = 16
GB = 2**30


def estimated_bytes(n_citizens: int, mean_degree: float) -> int:
    """Memory a model of ``n_citizens`` with mean degree ``mean_degree`` needs (see module)."""
    return int(BASE + n_citizens * (PER_CITIZEN + PER_EDGE_END * mean_degree))


def available_bytes() -> int | None:
    """Memory available to this process now: ``MemAvailable`` or the cgroup's room, if less.

    None where neither can be read (not Linux): then nothing is refused.
    """
    found: list[int] = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit != "max":
            used = int(Path("/sys/fs/cgroup/memory.current").read_text())
            found.append(int(limit) - used)
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def check_fits(n_citizens: int, mean_degree: float, *, copies: int = 1, force: bool = False,
               what: str = "the model") -> None:
    """Refuse, in one line, models that would not fit in memory (unless ``force``).

    Args:
        n_citizens: Citizens N of the largest model.
        mean_degree: Its mean degree z.
        copies: How many such models run at once (one per worker).
        force: Skip the check (``--force``).
        what: What is being checked, for the message.

    Raises:
        UsageError: The estimate exceeds the available memory.
    """
    available = available_bytes()
    needed = copies * estimated_bytes(n_citizens, mean_degree)
    if force or available is None or needed <= available:
        return
    each = "" if copies == 1 else f" ({copies} at once, one per worker)"
    raise UsageError(f"{what}: {n_citizens:,} citizens with mean degree {mean_degree:g} need "
                     f"about {needed / GB:.1f} GB{each}, and {available / GB:.1f} GB are "
                     "available; expected a smaller n_citizens (or fewer --workers), or --force "
                     "to try anyway")
