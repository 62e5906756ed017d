"""Reading a network from an edge-list file (the ``edge_list`` network kind)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


class NetworkFileError(ValueError):
    """An edge-list file that cannot be read or parsed."""


def read_edge_list(path: str | Path) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Read a whitespace-separated edge list; nodes are numbered in order of first appearance.

    Lines are ``u v`` or ``u v weight`` (the weight is ignored); blank lines and text after
    ``#`` are skipped.

    Raises:
        NetworkFileError: The file is missing or unreadable, a line has the wrong number of
            fields, or the file has no edges.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise NetworkFileError(
            f"edge_list: cannot read {str(path)!r} ({reason}); expected a readable text file "
            "with two node labels per line") from None
    if "\0" in text:
        lineno = text.count("\n", 0, text.index("\0")) + 1
        raise NetworkFileError(f"edge_list: {str(path)!r} line {lineno}: a NUL byte, so not a "
                               "text file; expected two node labels per line")
    index: dict[str, int] = {}
    src: list[int] = []
    dst: list[int] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) not in (2, 3):
            shown = line.strip()
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            raise NetworkFileError(
                f"edge_list: {str(path)!r} line {lineno}: got {shown!r}, expected two "
                "node labels and an optional weight")
        if len(fields) == 3:
            try:
                float(fields[2])
            except ValueError:
                raise NetworkFileError(
                    f"edge_list: {str(path)!r} line {lineno}: weight {fields[2][:40]!r} is not "
                    "a number") from None
        u, v = (index.setdefault(label, len(index)) for label in fields[:2])
        src.append(u)
        dst.append(v)
    if not src:
        raise NetworkFileError(f"edge_list: {str(path)!r} has no edges, expected at least one")
    if len(index) < 2:
        raise NetworkFileError(f"edge_list: {str(path)!r} has fewer than two distinct nodes")
    if all(u == v for u, v in zip(src, dst, strict=True)):
        raise NetworkFileError(f"edge_list: {str(path)!r} has only self-loops ({len(index)} "
                               "citizens, no friendship between two of them); expected at least "
                               "one edge between two different nodes")
    return np.array(src), np.array(dst), tuple(index)
