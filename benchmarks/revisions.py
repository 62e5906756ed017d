"""Step time of this tree against another revision, measured side by side in one run.

For a refactoring that must not cost speed: each engine's step is timed in fresh processes that
alternate between the two trees (a git worktree of ``--base`` and this checkout), several
rounds, and the script prints the median ratio this / base per case. Absolute times drift on
shared machines; the alternation keeps both trees under the same drift. Run::

    .venv/bin/python benchmarks/revisions.py --base 4fb6e94 [--rounds 5] [--only '10^5']
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

#: (label, model keywords, steps timed after two warm-up steps)
CASES = [
    ("vectorized best_response 10^3", {"n_citizens": 1_000}, 200),
    ("vectorized best_response 10^5", {"n_citizens": 100_000}, 10),
    ("vectorized best_response 10^6", {"n_citizens": 1_000_000}, 5),
    ("vectorized threshold 10^5", {"n_citizens": 100_000, "rule": "threshold",
                                   "n_seeds": 200, "revision_rate": 0.5}, 10),
    ("vectorized imitation 10^5", {"n_citizens": 100_000, "rule": "imitation"}, 10),
    ("agents best_response 10^3", {"n_citizens": 1_000, "engine": "agents"}, 10),
    ("agents norm 10^3", {"n_citizens": 1_000, "engine": "agents", "rule": "norm"}, 10),
]

TIMER = """
import json, sys, time
from simulation import DisclosureModel
kw, steps = json.loads(sys.argv[1]), int(sys.argv[2])
model = DisclosureModel(network="watts_strogatz", mean_degree=10, rng=1, **kw)
model.run_for(2)
start = time.perf_counter()
model.run_for(steps)
print((time.perf_counter() - start) / steps)
"""


def time_step(tree: Path, kw: dict, steps: int) -> float:
    """Seconds per step of the model ``kw`` in the code of ``tree`` (a fresh process)."""
    out = subprocess.run([sys.executable, "-c", TIMER, json.dumps(kw), str(steps)],
                         cwd=tree, env={"PYTHONPATH": str(tree), "PATH": ""},
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the revision to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="", help="time only the cases whose label contains "
                        "this text, e.g. '10^5'")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base),
                        args.base], check=True, capture_output=True)
        try:
            results = {}
            print(f"{'case':34} {'base (s)':>10} {'this (s)':>10} {'this/base':>10}")
            for label, kw, steps in (case for case in CASES if args.only in case[0]):
                pairs = [(time_step(base, kw, steps), time_step(ROOT, kw, steps))
                         for _ in range(args.rounds)]
                before, after = (float(np.median(x)) for x in zip(*pairs, strict=True))
                ratio = float(np.median([b / a for a, b in pairs]))
                results[label] = {"base": before, "this": after, "ratio": ratio}
                print(f"{label:34} {before:10.5f} {after:10.5f} {ratio:10.3f}")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                           check=False, capture_output=True)
    print(json.dumps({"base": args.base, "cases": results}))


if __name__ == "__main__":
    main()
