"""Where results go by default; light enough for ``--help`` (no pandas, no model)."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that overrides the results root.
RESULTS_ENV = "DATAROVERS_RESULTS"


def default_results_root() -> Path:
    """``$DATAROVERS_RESULTS`` if set, else ``results/`` in the current directory.

    Results go where the user stands (``make run`` stands in the checkout, so there they land
    in the repository's ``results/``), never beside the installed package.
    """
    given = os.environ.get(RESULTS_ENV)
    return Path(given) if given else Path.cwd() / "results"


#: How ``--help`` describes the default results root.
DEFAULT_RESULTS_HELP = f"./results, or ${RESULTS_ENV} if set"


#: The specs that ship with the package (``datarovers specs`` lists them).
BUNDLED_SPECS = Path(__file__).with_name("specs")


def resolve_spec(path: str | Path) -> Path:
    """``path`` if it exists, else the bundled spec it names, else ``path`` unchanged.

    ``incentives``, ``incentives.toml`` and ``experiments/specs/incentives.toml`` all name the
    bundled ``incentives`` spec when no such file exists where the user stands (an installed
    package has no ``experiments/specs/`` in the working directory).
    """
    path = Path(path)
    if path.exists():
        return path
    if path.parent in (Path(), Path("experiments/specs")):
        bundled = BUNDLED_SPECS / (path.name if path.suffix == ".toml" else f"{path.name}.toml")
        if bundled.is_file():
            return bundled
    return path


def bundled_specs() -> dict[str, str]:
    """``{name: description}`` of the bundled specs, by name."""
    import tomllib

    specs = {}
    for file in sorted(BUNDLED_SPECS.glob("*.toml")):
        try:
            specs[file.stem] = tomllib.loads(file.read_text(encoding="utf-8")).get(
                "description", "")
        except (OSError, tomllib.TOMLDecodeError):  # pragma: no cover - shipped files
            specs[file.stem] = "(unreadable)"
    return specs
