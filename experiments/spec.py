"""Sweep specifications: a TOML file that declares a whole experiment, validated before it runs.

A spec names the experiment and gives its root seed, replications, steps, record interval,
fixed parameters, a design (a full-factorial ``[grid]`` or a sampled ``[sample]``), the outcomes
to keep and, when the model supports them, scheduled events::

    name = "incentives"                 # results go to results/<name>/<spec hash>/
    description = "Completeness bonus versus peer skepticism"
    root_seed = 20150128                # every task's seed is spawned from it
    replications = 10                   # runs per design point
    steps = 200
    record_every = 10                   # keep steps 0, 10, 20, ..., 200

    [fixed]                             # parameters shared by every point
    n_citizens = 1000

    [grid]                              # full factorial: every combination of these lists
    completeness_bonus = [0.0, 0.1, 0.2]
    inference_skepticism = [0.0, 0.5, 1.0]

    [[events]]                          # optional: at step 100, a privacy scandal
    step = 100
    target = "privacy_concern"
    multiply = 1.5

    # or, instead of [grid], a sampled design over bounds (SALib):
    # [sample]
    # method = "latin"                  # or "sobol" (n a power of 2, Saltelli scheme)
    # n = 64
    # bounds = { completeness_bonus = [0.0, 0.3], inference_skepticism = [0.0, 1.0] }

    [outcomes]                          # names from simulation.metrics.output_columns
    series = ["mean_disclosure", "sharing_rate"]   # kept at every recorded step
    final = ["gini_score"]                         # kept at the last step only

Every design point is validated through ``Params().with_overrides(**fixed, **point)`` when the
spec is loaded; the first bad point stops everything with the file, the key and the reason.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.errors import UsageError
from experiments.limits import estimated_bytes
from experiments.paths import resolve_spec
from simulation import Params
from simulation.metrics import output_columns

#: Top-level keys of a spec, with what each expects (for error messages and docs).
SPEC_KEYS: dict[str, str] = {
    "name": "a name of letters, digits, '-' or '_'",
    "description": "a string",
    "root_seed": "an integer >= 0",
    "replications": "an integer >= 1",
    "steps": "an integer >= 1",
    "record_every": "an integer >= 1",
    "fixed": "a table of parameter = value",
    "grid": "a table of parameter = [values]",
    "sample": "a table with method, n and bounds",
    "outcomes": "a table with series and/or final lists of output names",
    "events": "an array of tables (scheduled events)",
}
SAMPLE_METHODS = ("latin", "sobol")
#: Most design points a spec may have: every point is validated and listed in the manifest, so
#: a design beyond this is refused before anything is built (split it into several specs).
MAX_POINTS = 100_000
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
#: Keys left out of the spec hash: they do not change what is computed.
UNHASHED_KEYS = ("description",)


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep specification.

    Attributes:
        source: The file the spec was read from (for messages).
        raw: The parsed TOML document, as written (stored in the manifest).
        name: Experiment name; results go to ``results/<name>/<spec hash>/``.
        description: Free text.
        root_seed: Root of every task's ``SeedSequence``.
        replications: Runs per design point.
        steps: Steps per run.
        record_every: Interval between recorded steps (the last step is always recorded).
        fixed: Parameters shared by every point.
        factors: Names of the design parameters, in design order.
        points: The design points, each a dict of factor values (one empty dict if no design).
        series: Outcomes kept at every recorded step.
        final: Outcomes kept at the last step only.
        design: ``"grid"``, ``"latin"``, ``"sobol"`` or ``"single"``.
        largest_model: Citizens N and mean degree z of the point that needs the most memory
            (N = 0 when it is read from an edge-list file), for :mod:`experiments.limits`.
        warnings: What is allowed but probably not meant (an event after the last step), one
            sentence each; ``datarovers sweep`` prints them, and refuses them with ``--strict``.
    """

    source: Path
    raw: Mapping[str, Any]
    name: str
    description: str
    root_seed: int
    replications: int
    steps: int
    record_every: int
    fixed: Mapping[str, Any]
    factors: tuple[str, ...]
    points: tuple[Mapping[str, Any], ...]
    series: tuple[str, ...]
    final: tuple[str, ...]
    design: str
    warnings: tuple[str, ...] = ()
    largest_model: tuple[int, float] = (0, 0.0)

    @property
    def n_tasks(self) -> int:
        """Number of (point, replication) tasks."""
        return len(self.points) * self.replications

    @property
    def outcomes(self) -> tuple[str, ...]:
        """Every kept outcome, series first."""
        return self.series + self.final

    @property
    def spec_hash(self) -> str:
        """12 hex digits of SHA-256 over the canonical spec (key order and comments ignored)."""
        return spec_hash(self.raw)

    def recorded_steps(self) -> list[int]:
        """The steps kept for series outcomes: 0, k, 2k, ... and always the last step."""
        if not self.series:
            return [self.steps]
        steps = list(range(0, self.steps + 1, self.record_every))
        if steps[-1] != self.steps:
            steps.append(self.steps)
        return steps

    def overrides(self, point: Mapping[str, Any]) -> dict[str, Any]:
        """The keyword overrides of one point: fixed parameters, then the point's values."""
        return {**self.fixed, **point}


def spec_hash(raw: Mapping[str, Any]) -> str:
    """Hash of a parsed spec: canonical JSON (sorted keys, no description), SHA-256, 12 hex."""
    content = {k: v for k, v in raw.items() if k not in UNHASHED_KEYS}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


#: The analysis tables a spec can hold instead of a design (one at a time; see
#: :mod:`experiments.analysis.evaluation`).
ANALYSIS_SECTIONS = ("sensitivity", "compare", "tipping")
#: What a spec argument may be, for messages.
SPEC_EXPECTED = "expected a TOML file or the name of a bundled spec (datarovers specs lists them)"


def read_spec_document(path: str | Path) -> dict[str, Any]:
    """The parsed TOML of a spec file, or of the bundled spec ``path`` names.

    Raises:
        UsageError: The file is missing, unreadable or not valid TOML (the message gives line
            and column).
    """
    path = resolve_spec(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise UsageError(f"{path}: cannot read the spec ({reason}); {SPEC_EXPECTED}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"{path}: invalid TOML: {err}") from None


def load_spec(path: str | Path) -> SweepSpec:
    """Read, parse and validate a spec file.

    Raises:
        UsageError: The file is missing, is not valid TOML, or a key, value, outcome or design
            point is invalid (the message names the file, the key and the reason).
    """
    return parse_spec(read_spec_document(path), resolve_spec(path))


def parse_spec(raw: Mapping[str, Any], source: str | Path = "<spec>") -> SweepSpec:
    """Validate a parsed spec document (see the module docstring for the keys).

    Raises:
        UsageError: The first problem found, as ``<file>: <key>: <reason>``.
    """
    source = Path(source)

    def fail(key: str, reason: str) -> UsageError:
        return UsageError(f"{source}: {key}: {reason}")

    for key in raw:
        if key in ANALYSIS_SECTIONS:
            raise fail(f"[{key}]", f"this is a {key} spec; expected datarovers {key} SPEC to "
                       "run it (a sweep spec has [grid] or [sample] instead)")
        if key not in SPEC_KEYS:
            raise fail(key, "unknown key" + _did_you_mean(key, SPEC_KEYS)
                       + f"; expected one of {', '.join(SPEC_KEYS)}")
    name = _required(raw, "name", fail)
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise fail("name", f"got {name!r}, expected {SPEC_KEYS['name']}")
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise fail("description", f"got {description!r}, expected a string")
    root_seed = _integer(raw, "root_seed", fail, minimum=0, default=None)
    replications = _integer(raw, "replications", fail, minimum=1, default=1)
    steps = _integer(raw, "steps", fail, minimum=1, default=None)
    record_every = _integer(raw, "record_every", fail, minimum=1, default=1)

    fixed = dict(_table(raw, "fixed", fail))
    if "events" in fixed:
        raise fail("[fixed] events", "expected scheduled events as [[events]] tables")
    try:
        base = Params().with_overrides(**fixed)
    except (ValueError, TypeError) as err:
        raise fail("[fixed]", str(err)) from None
    if "events" in raw:
        fixed["events"] = _events(raw["events"], fail)
        try:
            base = base.with_overrides(events=fixed["events"])
        except (ValueError, TypeError) as err:
            raise fail("[[events]]", str(err)) from None

    if "grid" in raw and "sample" in raw:
        raise fail("grid", "a spec has either [grid] or [sample], not both")
    if "grid" in raw:
        design = "grid"
        factors, points = _grid_points(_table(raw, "grid", fail), fail)
    elif "sample" in raw:
        factors, points, design = _sampled_points(_table(raw, "sample", fail), root_seed, fail)
    else:
        design, factors, points = "single", (), [{}]
    for factor in factors:
        if factor in fixed:
            raise fail(f"[{'grid' if design == 'grid' else 'sample'}] {factor}",
                       "is also set in [fixed]; expected each parameter in one place")

    if len(points) > MAX_POINTS:
        raise fail("[sample]", f"{len(points):,} points; expected at most {MAX_POINTS:,} "
                   "(use a smaller n)")
    series, final = _outcomes(raw.get("outcomes"), base, fail)
    warnings: list[str] = []
    files_checked: set[str] = set()
    largest = (0, 0.0)
    for number, point in enumerate(points):
        try:
            params = base.with_overrides(**point)
        except (ValueError, TypeError) as err:
            section = "grid" if design == "grid" else "sample"
            shown = ", ".join(f"{k}={v!r}" for k, v in point.items())
            raise UsageError(f"{source}: [{section}] point {number} of {len(points)} ({shown}): "
                             f"{err}") from None
        if params.network == "edge_list" and params.edge_list not in files_checked:
            files_checked.add(params.edge_list)
            if not Path(params.edge_list).is_file():
                raise fail("edge_list", f"{params.edge_list!r} is not a file (paths are relative "
                           f"to the folder the command runs in, {Path.cwd()}); expected the "
                           "edge-list file every task reads")
        if params.network != "edge_list" and estimated_bytes(
                params.n_citizens, params.mean_degree) > estimated_bytes(*largest):
            largest = (params.n_citizens, params.mean_degree)
        for event in params.events:
            late = (f"[[events]] at step {event.step} ({event.target}) comes after the last "
                    f"step, {steps}: it never happens")
            if event.step > steps and late not in warnings:
                warnings.append(late)
        available = set(output_columns(params))
        for outcome in series + final:
            if outcome not in available:
                raise fail("outcomes", f"{outcome!r} is not an output of point {number}; "
                           f"expected one of {', '.join(output_columns(params))}")
    return SweepSpec(source=source, raw=dict(raw), name=name, description=description,
                     root_seed=root_seed, replications=replications, steps=steps,
                     record_every=record_every, fixed=fixed, factors=tuple(factors),
                     points=tuple(points), series=series, final=final, design=design,
                     warnings=tuple(warnings), largest_model=largest)


def _did_you_mean(key: str, names: Mapping[str, Any] | tuple[str, ...]) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(names), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _required(raw: Mapping[str, Any], key: str, fail: Any) -> Any:
    if key not in raw:
        raise fail(key, f"missing; expected {SPEC_KEYS[key]}")
    return raw[key]


def _integer(raw: Mapping[str, Any], key: str, fail: Any, *, minimum: int,
             default: int | None) -> int:
    value = _required(raw, key, fail) if default is None else raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise fail(key, f"got {value!r}, expected {SPEC_KEYS[key]}")
    return value


def _table(raw: Mapping[str, Any], key: str, fail: Any) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise fail(key, f"got {value!r}, expected {SPEC_KEYS[key]}")
    return value


def _events(events: Any, fail: Any) -> Any:
    """Scheduled events pass through as the parameter ``events`` if the model has one."""
    if "events" not in {f.name for f in dataclasses.fields(Params)}:
        raise fail("events", "this version of the model has no scheduled events (Params has no "
                   "'events' parameter); remove [[events]] or set the parameters in [fixed]")
    if not isinstance(events, list) or not all(isinstance(e, Mapping) for e in events):
        raise fail("events", f"got {events!r}, expected {SPEC_KEYS['events']}, e.g. "
                   "[[events]] step = 50, target = 'privacy_concern', multiply = 1.5")
    return [dict(e) for e in events]


def _grid_points(grid: Mapping[str, Any], fail: Any
                 ) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """Full factorial: the product of the value lists, last factor varying fastest."""
    if not grid:
        raise fail("[grid]", "empty; expected at least one parameter = [values] (or remove "
                   "[grid] to run the fixed parameters only)")
    for factor, values in grid.items():
        if not isinstance(values, list):
            raise fail(f"[grid] {factor}", f"got {values!r}, expected a list of values "
                       f"(write {factor} = [{values!r}] or move it to [fixed])")
        if not values:
            raise fail(f"[grid] {factor}", "empty list; expected at least one value")
        same = [_grid_key(v) for v in values]
        if len(set(same)) != len(values):
            repeated = next(v for v, key in zip(values, same, strict=True)
                            if same.count(key) > 1)
            raise fail(f"[grid] {factor}", f"got {repeated!r} more than once in {values!r}; "
                       "expected each value once (a repeated point would only be a replication)")
    size = math.prod(len(values) for values in grid.values())
    if size > MAX_POINTS:
        raise fail("[grid]", f"{size:,} points; expected at most {MAX_POINTS:,} (split the "
                   "design into several specs, or sample it with [sample])")
    factors = tuple(grid)
    points = [dict(zip(factors, combo, strict=True))
              for combo in itertools.product(*(grid[f] for f in factors))]
    return factors, points


def _grid_key(value: Any) -> str:
    """A value as the parameter will see it: ``100`` and ``100.0`` are the same point."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(float(value))
    return json.dumps(value, sort_keys=True)


def _sampled_points(sample: Mapping[str, Any], root_seed: int, fail: Any
                    ) -> tuple[tuple[str, ...], list[dict[str, Any]], str]:
    """Latin hypercube or Sobol (Saltelli) points over bounds, from SALib, seeded by the spec.

    Integer parameters are rounded to the nearest integer.
    """
    allowed = {"method", "n", "bounds", "second_order"}
    for key in sample:
        if key not in allowed:
            raise fail(f"[sample] {key}", "unknown key" + _did_you_mean(key, tuple(allowed))
                       + "; expected method, n, bounds, second_order")
    method = sample.get("method")
    if method not in SAMPLE_METHODS:
        raise fail("[sample] method", f"got {method!r}, expected one of "
                   + ", ".join(SAMPLE_METHODS))
    n = sample.get("n")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise fail("[sample] n", f"got {n!r}, expected an integer >= 1")
    if n > MAX_POINTS:
        raise fail("[sample] n", f"got {n:,}, expected at most {MAX_POINTS:,} points")
    if method == "sobol" and n & (n - 1):
        raise fail("[sample] n", f"got {n}, expected a power of 2 for method = 'sobol' "
                   "(the Sobol sequence loses its balance otherwise)")
    second_order = sample.get("second_order", False)
    if not isinstance(second_order, bool):
        raise fail("[sample] second_order", f"got {second_order!r}, expected true or false")
    bounds = sample.get("bounds")
    if not isinstance(bounds, Mapping) or not bounds:
        raise fail("[sample] bounds", f"got {bounds!r}, expected a table of "
                   "parameter = [low, high] with at least one parameter")
    for factor, pair in bounds.items():
        ok = (isinstance(pair, list) and len(pair) == 2
              and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                      and math.isfinite(v) for v in pair))
        if not ok or not pair[0] < pair[1]:
            raise fail(f"[sample] bounds.{factor}",
                       f"got {pair!r}, expected [low, high] numbers with low < high")
    factors = tuple(bounds)
    problem = {"num_vars": len(factors), "names": list(factors),
               "bounds": [list(map(float, bounds[f])) for f in factors]}
    if method == "latin":
        from SALib.sample import latin

        matrix = latin.sample(problem, n, seed=root_seed)
    else:
        from SALib.sample import sobol

        matrix = sobol.sample(problem, n, calc_second_order=second_order, seed=root_seed)
    kinds = {f.name: f.metadata.get("kind") for f in dataclasses.fields(Params)}
    points = [{f: (round(float(v)) if kinds.get(f) is int else float(v))
               for f, v in zip(factors, row, strict=True)} for row in matrix]
    return factors, points, method


def _outcomes(outcomes: Any, base: Params, fail: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The series and final outcome lists (default: every output as a series)."""
    if outcomes is None:
        return tuple(output_columns(base)), ()
    if not isinstance(outcomes, Mapping):
        raise fail("outcomes", f"got {outcomes!r}, expected {SPEC_KEYS['outcomes']}")
    lists = {}
    for key in outcomes:
        if key not in ("series", "final"):
            raise fail(f"[outcomes] {key}", "unknown key; expected series or final")
    for key in ("series", "final"):
        value = outcomes.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"[outcomes] {key}", f"got {value!r}, expected a list of output names")
        lists[key] = tuple(value)
    both = lists["series"] + lists["final"]
    if not both:
        raise fail("[outcomes]", "empty; expected at least one output name in series or final")
    repeated = sorted({v for v in both if both.count(v) > 1})
    if repeated:
        raise fail("[outcomes]", f"{', '.join(repeated)} listed twice; expected each once")
    return lists["series"], lists["final"]
