"""Keep the parameter and output tables of docs/ODD.md in step with the code.

The tables are generated from ``simulation.params`` and ``simulation.metrics`` (where each
parameter and output is documented once) and written between marker comments::

    .venv/bin/python scripts/doc_tables.py          # rewrite docs/ODD.md
    .venv/bin/python scripts/doc_tables.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simulation.metrics import OUTPUTS, RUN_OUTPUTS
from simulation.params import parameter_table

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


def _cell(value: object) -> str:
    text = ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value) \
        if isinstance(value, tuple) else (f"{value:g}" if isinstance(value, float) else
                                          repr(value) if isinstance(value, str) else str(value))
    return text.replace("|", "\\|") or "(none)"


def parameters_markdown() -> str:
    """The parameter table: name, default, meaning."""
    lines = ["| parameter | default | meaning, symbol, source |", "|---|---|---|"]
    lines += [f"| `{name}` | {_cell(default)} | {doc} |"
              for name, default, doc in parameter_table()]
    return "\n".join(lines)


def outputs_markdown() -> str:
    """The output table: column, meaning."""
    lines = ["| output column | meaning |", "|---|---|"]
    lines += [f"| `{name}` | {doc} |" for name, doc in OUTPUTS.items()]
    lines += ["", "| per-run output (`run_summary()`) | meaning |", "|---|---|"]
    lines += [f"| `{name}` | {doc} |" for name, doc in RUN_OUTPUTS.items()]
    return "\n".join(lines)


def render(text: str) -> str:
    """``text`` with each generated block replaced by its current content."""
    for tag, body in (("parameters", parameters_markdown()), ("outputs", outputs_markdown())):
        start, end = f"<!-- begin {tag} table -->", f"<!-- end {tag} table -->"
        head, _, rest = text.partition(start)
        _, _, tail = rest.partition(end)
        text = f"{head}{start}\n{body}\n{end}{tail}"
    return text


def main() -> int:
    """Rewrite docs/ODD.md, or with --check report whether it is current."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    current = ODD.read_text()
    fresh = render(current)
    if args.check:
        if fresh != current:
            print("docs/ODD.md tables are out of date: run python scripts/doc_tables.py")
            return 1
        return 0
    ODD.write_text(fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
