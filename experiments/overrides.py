"""Parsing command-line values: ``name=value`` parameter assignments and bounded integers."""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Callable
from typing import Any

from experiments.errors import UsageError


def parse_value(text: str) -> Any:
    """A TOML literal (``0.3``, ``true``, ``[0.25, 0.1]``, ``"x"``), else the bare string."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


def parse_assignments(items: list[str] | None) -> dict[str, Any]:
    """Turn ``["rho=0.3", "network=erdos_renyi"]`` into a dict of overrides.

    Raises:
        UsageError: An item has no ``=``, an empty name or value, or repeats a name.
    """
    overrides: dict[str, Any] = {}
    for item in items or []:
        name, sep, raw = item.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name or not raw:
            raise UsageError(f"--set {item!r}: expected name=value, e.g. --set revision_rate=0.2")
        if name in overrides:
            raise UsageError(f"--set {item!r}: {name} is set twice")
        overrides[name] = parse_value(raw)
    return overrides


def int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse ``type`` accepting integers >= ``minimum``, with a one-line error otherwise."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"got {text!r}, expected an integer >= {minimum}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"got {value}, expected an integer >= {minimum}")
        return value

    return parse
