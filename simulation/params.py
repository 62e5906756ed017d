"""The model's parameters: one frozen, validated object, each field documented once.

Every field has a default, so ``Params()`` is the default model of docs/ODD.md. Values are
checked when the object is made: a wrong name, type or range raises a one-line ``ValueError``
or ``TypeError`` that names the field, the value and what is expected.

Flat keyword overrides (the shape used by ``mesa.batch_run``, SolaraViz sliders, sweep specs and
``datarovers run --set``) go through :meth:`Params.with_overrides`, which also accepts
``weight_<category>``, ``sensitivity_<category>`` and ``political_sensitivity_<category>`` to
change one row of the category table.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from simulation.events import Event

NETWORK_KINDS = (
    "erdos_renyi",
    "watts_strogatz",
    "barabasi_albert",
    "holme_kim",
    "ring_lattice",
    "stochastic_block",
    "complete",
    "edge_list",
)
IMPUTATION_RULES = ("penalize", "neutral", "skeptical")
#: The built-in decision rules (``simulation.decisions``); ``decision_rules()`` adds any
#: registered from outside the package.
DECISION_RULES = ("best_response", "imitation", "threshold", "norm")
_RULE_NAMES: list[str] = list(DECISION_RULES)
SCHEDULES = ("synchronous", "random_sequential")
ENGINES = ("vectorized", "agents")
THRESHOLD_KINDS = ("fraction", "count")
SEED_PLACEMENTS = ("random", "consecutive")
ADVOCATE_PLACEMENTS = ("random", "central")

DEFAULT_CATEGORIES = (
    "financial_history",
    "education",
    "employer",
    "professional_network",
    "driving_behaviour",
    "typing_rhythm",
)
#: pi_k, the political sensitivity of a category, when ``political_sensitivities`` is empty:
#: the employer and the professional network high, education low (the seed article); the
#: values, and those of the other categories, are this package's assumption.
DEFAULT_POLITICAL_SENSITIVITY = {
    "financial_history": 0.3, "education": 0.1, "employer": 0.8, "professional_network": 0.8,
    "driving_behaviour": 0.3, "typing_rhythm": 0.3,
}
#: pi_k of a category not in :data:`DEFAULT_POLITICAL_SENSITIVITY` (this package's assumption).
OTHER_POLITICAL_SENSITIVITY = 0.5
#: Per-category overrides: the prefix of ``<prefix><category>`` and the column it changes.
CATEGORY_COLUMNS = (("weight_", "weights"), ("sensitivity_", "sensitivities"),
                    ("political_sensitivity_", "political_sensitivities"))


def _field(default: Any, doc: str, **check: Any) -> Any:
    """A dataclass field with its documentation and validation rule in the metadata.

    Args:
        default: The default value (tuples for sequences, so the object stays hashable).
        doc: One sentence for users: meaning, symbol in docs/ODD.md, unit and source.
        **check: Validation rule: ``kind`` (int, float, str, bool, "floats", "strs"), optional
            ``lo``/``hi`` inclusive bounds, ``lo_open`` for an exclusive lower bound, ``choices``.
    """
    return field(default=default, metadata={"doc": doc, **check})


@dataclass(frozen=True)
class Params:
    """All parameters of the disclosure model, with the defaults of docs/ODD.md.

    Each field's ``metadata["doc"]`` is its documentation; :func:`parameter_table` renders it.
    """

    # --- population and network -------------------------------------------------------------
    n_citizens: int = _field(
        1000, "Number of citizens N, one per network node (ignored for network='edge_list').",
        kind=int, lo=2)
    network: str = _field(
        "watts_strogatz", "Network kind: " + ", ".join(NETWORK_KINDS) + ".",
        kind=str, choices=NETWORK_KINDS)
    mean_degree: float = _field(
        8.0, "Mean degree z. Watts-Strogatz and ring lattice use k = z neighbours, Barabasi-Albert "
        "and Holme-Kim attach m = z/2 edges per node (so z must be even for these four), "
        "Erdos-Renyi uses p = z/(N-1), the block model splits z between and within communities; "
        "ignored for 'complete' (everyone linked, as in Granovetter 1978).",
        kind=float, lo=0.0)
    rewiring_prob: float = _field(
        0.1, "Watts-Strogatz rewiring probability p.", kind=float, lo=0.0, hi=1.0)
    triad_prob: float = _field(
        0.5, "Holme-Kim probability of closing a triangle after each preferential attachment.",
        kind=float, lo=0.0, hi=1.0)
    n_communities: int = _field(
        4, "Stochastic block model: number of equal-sized communities.", kind=int, lo=1)
    between_share: float = _field(
        0.1, "Stochastic block model: expected share of a citizen's ties that leave its "
        "community.", kind=float, lo=0.0, hi=1.0)
    privacy_homophily: float = _field(
        0.8, "Stochastic block model: correlation between log privacy concern and the score that "
        "sorts citizens into communities (0 = random membership, 1 = sorted by concern).",
        kind=float, lo=0.0, hi=1.0)
    edge_list: str = _field(
        "", "Path to a whitespace-separated edge-list file (two node labels per line, '#' starts "
        "a comment); used when network='edge_list'.", kind=str)

    # --- citizens -----------------------------------------------------------------------------
    quality_loading: float = _field(
        0.5, "a: share of variance of latent data quality explained by creditworthiness; "
        "q = Phi(sqrt(a)*theta + sqrt(1-a)*eps).", kind=float, lo=0.0, hi=1.0)
    purchase_effect: float = _field(
        0.05, "eta: shift of behaviour quality per unit of purchase rating r ~ U(-1, 1) "
        "(responsible purchases raise it, frowned-upon ones lower it).",
        kind=float, lo=0.0, hi=1.0)
    privacy_mu: float = _field(
        -3.0, "mu_v: log-scale location of privacy concern v ~ LogNormal(mu_v, sigma_v); "
        "calibrated so that 10-20 % disclose nothing after a default 200-step run (16.4 % over "
        "5 seeds; python scripts/calibration.py).",
        kind=float)
    privacy_sigma: float = _field(
        0.75, "sigma_v: log-scale spread of privacy concern (0 gives everyone exp(mu_v)).",
        kind=float, lo=0.0)
    initial_disclosure: float = _field(
        0.2, "p0: probability that a citizen discloses each category at t = 0.",
        kind=float, lo=0.0, hi=1.0)
    initial_sharing: float = _field(
        0.1, "Probability that a citizen shows its score at t = 0.", kind=float, lo=0.0, hi=1.0)
    behaviour_levels: int = _field(
        0, "If L > 0, behaviour quality takes L equally frequent levels (j + 0.5)/L instead of "
        "the probit formula: discrete score types for the unraveling case (docs/validation.md, "
        "unraveling).",
        kind=int, lo=0)

    # --- categories and score -----------------------------------------------------------------
    categories: tuple[str, ...] = _field(
        DEFAULT_CATEGORIES, "Names of the voluntary data categories k.", kind="strs")
    weights: tuple[float, ...] = _field(
        (0.25, 0.15, 0.15, 0.10, 0.0, 0.0), "w_k: score weight of each category (0 = not yet "
        "scored; the seed article's 'this is only the beginning').", kind="floats", lo=0.0)
    sensitivities: tuple[float, ...] = _field(
        (0.4, 0.1, 0.2, 0.3, 0.3, 0.5), "kappa_k: privacy sensitivity of each category "
        "(the last two are this package's assumption).",
        kind="floats", lo=0.0)
    behaviour_weight: float = _field(
        0.35, "w_b: weight of platform-held behaviour data (30-40 % of the score).",
        kind=float, lo=0.0, hi=1.0)
    imputation: str = _field(
        "penalize", "What the platform imputes for a withheld category: penalize (m = 0.25), "
        "neutral (m = 0.5) or skeptical (mean quality of last step's withholders).",
        kind=str, choices=IMPUTATION_RULES)
    completeness_bonus: float = _field(
        0.0, "beta: bonus per unit of disclosed weight, added inside the clip.",
        kind=float, lo=0.0)
    thresholds: tuple[float, ...] = _field(
        (600.0, 650.0, 700.0, 750.0), "T_j: scores that open services (rental deposit waived, "
        "small loans, Singapore and Luxembourg visas).", kind="floats", lo=350.0, hi=950.0)
    benefits: tuple[float, ...] = _field(
        (1.0, 0.5, 0.5, 0.3), "B_j: utility of the service behind each threshold.",
        kind="floats", lo=0.0)
    threshold_smoothness: float = _field(
        10.0, "tau: width in score points of the logistic step at each threshold "
        "(0 = hard step).", kind=float, lo=0.0)

    category_cap: int = _field(
        0, "Regulation: the platform may score at most this many categories (those with the "
        "largest weights, table order breaking ties); 0 = no cap.", kind=int, lo=0)
    blacklist_below: float = _field(
        0.0, "Blacklist: a score below this loses every service and pays blacklist_penalty "
        "(0 = no blacklist; 550 is a plausible cut-off).", kind=float, lo=0.0, hi=950.0)
    blacklist_penalty: float = _field(
        0.5, "Utility penalty of being blacklisted.", kind=float, lo=0.0)

    # --- utility ------------------------------------------------------------------------------
    score_value: float = _field(
        0.2, "alpha: direct utility of a higher score, per full score range.",
        kind=float, lo=0.0)
    status_weight: float = _field(
        0.5, "gamma_status: utility of standing among friends, per 600 points of perceived "
        "score above the neighbours' mean.", kind=float, lo=0.0)
    dating_weight: float = _field(
        0.1, "gamma_dating: utility of profile prominence, per unit percentile among sharers.",
        kind=float, lo=0.0)
    sharing_cost: float = _field(
        0.05, "c_share: utility cost of showing one's score.", kind=float, lo=0.0)
    inference_skepticism: float = _field(
        0.5, "lambda: how peers read a hidden score; 0 = naive (population mean), "
        "1 = skeptical (mean of non-sharers).", kind=float, lo=0.0, hi=1.0)
    campaign_bonus: float = _field(
        0.0, "Sharing campaign (the Singles Day game): utility a sharer gets while it runs, the "
        "bonus plus the lottery's expected prize; switch it on and off with events.",
        kind=float, lo=0.0)
    data_correlation: float = _field(
        0.3, "rho: correlation between friends' data in the leakage L(n) = "
        "1 - rho^2 n / (1 - rho + n rho) (0 switches the externality off).",
        kind=float, lo=0.0, hi=1.0)

    # --- decisions ----------------------------------------------------------------------------
    rule: str = _field(
        "best_response", "Decision rule: " + ", ".join(DECISION_RULES) + ".",
        kind=str, choices=lambda: decision_rules())
    revision_rate: float = _field(
        0.1, "r: probability that a citizen revises its choice in a step.",
        kind=float, lo=0.0, hi=1.0, lo_open=True)
    logit_temperature: float = _field(
        0.0, "T_logit: logit choice noise (0 = exact best response).", kind=float, lo=0.0)
    schedule: str = _field(
        "synchronous", "Update schedule: synchronous (everyone reads t-1) or random_sequential "
        "(Mesa shuffle order, each reads the latest state; needs engine='agents').",
        kind=str, choices=SCHEDULES)
    engine: str = _field(
        "vectorized", "vectorized (all citizens at once over arrays) or agents (citizen by "
        "citizen through Mesa; the reference, and the engine of the random sequential schedule).",
        kind=str, choices=ENGINES)
    imitation_noise: float = _field(
        0.1, "K: noise of the Fermi imitation rule; a citizen copies a random neighbour with "
        "probability 1/(1 + exp((U_i - U_j)/K)) (Szabo & Toke 1998).",
        kind=float, lo=0.0, lo_open=True)
    conformity: float = _field(
        0.5, "nu: weight of agreement with neighbours' disclosure under rule='norm' (the other "
        "rules ignore it).", kind=float, lo=0.0)
    threshold_kind: str = _field(
        "fraction", "Threshold rule: compare the fraction or the count of neighbours who "
        "disclose every scored category with one's threshold.",
        kind=str, choices=THRESHOLD_KINDS)
    threshold_mean: float = _field(
        0.18, "Threshold rule: mean of the thresholds phi_i ~ N(mean, sd), clipped at 0 "
        "(Watts 2002 uses 0.18).", kind=float, lo=0.0)
    threshold_sd: float = _field(
        0.0, "Threshold rule: standard deviation of the thresholds.", kind=float, lo=0.0)
    threshold_values: tuple[float, ...] = _field(
        (), "Threshold rule: explicit thresholds, one per citizen in node order (replaces the "
        "normal draw; Granovetter's 0, 1, ..., 99).", kind="floats", lo=0.0)
    n_seeds: int = _field(
        1, "Threshold rule: citizens who disclose everything at t = 0.", kind=int, lo=0)
    seed_placement: str = _field(
        "random", "Threshold rule: seeds drawn at random, or nodes 0..n_seeds-1 (adjacent on a "
        "ring lattice).", kind=str, choices=SEED_PLACEMENTS)

    # --- the state behind the platform (every mechanism off by default) ------------------------
    state_access: float = _field(
        0.0, "a: share of what citizens volunteer that the platform passes to the state "
        "(0 = none; a licence deal is an event that raises it). Enters the privacy cost as "
        "v_i kappa_k L(n_ik) (1 + chi_i a pi_k).", kind=float, lo=0.0, hi=1.0)
    political_sensitivities: tuple[float, ...] = _field(
        (), "pi_k: political sensitivity of each category, in [0, 1] (empty = employer and "
        "professional network 0.8, financial history, driving behaviour and typing rhythm 0.3, "
        "education 0.1, any other category 0.5; this package's assumption).",
        kind="floats", lo=0.0, hi=1.0)
    state_fear: float = _field(
        1.0, "chi: mean fear of the state, the weight of the state's access in the privacy cost "
        "(this package's assumption).", kind=float, lo=0.0)
    state_fear_sigma: float = _field(
        0.5, "Log-scale spread of the fear of the state, chi_i = chi exp(sigma z_i - sigma^2/2) "
        "(mean chi; this package's assumption).", kind=float, lo=0.0)
    state_fear_correlation: float = _field(
        0.0, "Correlation of z_i, the fear's log-normal score, with the standardised log "
        "privacy concern at t = 0.", kind=float, lo=-1.0, hi=1.0)
    # --- privacy concern that spreads, and advocacy ---------------------------------------------
    concern_influence: float = _field(
        0.0, "mu: DeGroot rate at which each citizen's privacy concern moves toward its "
        "neighbours' mean concern every step (0 = fixed concern).", kind=float, lo=0.0, hi=1.0)
    n_advocates: int = _field(
        0, "Citizens whose concern an advocacy campaign (event target 'advocacy', multiply) "
        "raises.", kind=int, lo=0)
    advocate_placement: str = _field(
        "random", "Advocates drawn at random, or the most central citizens (highest degree).",
        kind=str, choices=ADVOCATE_PLACEMENTS)

    events: tuple[Event, ...] = _field(
        (), "Scheduled events: each sets or multiplies a parameter (or privacy_concern) before "
        "the decisions of a step; see simulation/events.py.", kind="events")

    def __post_init__(self) -> None:
        """Coerce compatible types (int to float, list to tuple) and check every field."""
        for f in dataclasses.fields(self):
            value = _coerce(f.name, getattr(self, f.name), f.metadata)
            object.__setattr__(self, f.name, value)
        self._check_consistency()

    def _check_consistency(self) -> None:
        n_cat = len(self.categories)
        if n_cat == 0:
            raise ValueError("categories: got an empty table, expected at least one category")
        if any(not isinstance(c, str) or not c.strip() for c in self.categories):
            raise ValueError(f"categories: got an empty name in {self.categories!r}, expected "
                             "a name for every category")
        if len(set(self.categories)) != n_cat:
            raise ValueError(f"categories: got duplicate names in {self.categories!r}")
        for name in ("weights", "sensitivities", "political_sensitivities"):
            if name == "political_sensitivities" and not self.political_sensitivities:
                continue  # the default table
            if len(getattr(self, name)) != n_cat:
                raise ValueError(
                    f"{name}: got {len(getattr(self, name))} values for {n_cat} categories "
                    f"{self.categories!r}, expected one per category")
        if n_cat > 12:
            raise ValueError(f"categories: got {n_cat}, expected at most 12 (2^K options)")
        if len(self.benefits) != len(self.thresholds):
            raise ValueError(
                f"benefits: got {len(self.benefits)} values for {len(self.thresholds)} "
                "thresholds, expected one per threshold")
        if any(b <= a for a, b in itertools.pairwise(self.thresholds)):
            raise ValueError(f"thresholds: got {self.thresholds!r}, expected strictly increasing "
                             "values (each threshold once)")
        z = self.mean_degree
        if self.network in ("watts_strogatz", "ring_lattice", "barabasi_albert", "holme_kim"):
            if z != int(z) or int(z) % 2 or z < 2:
                raise ValueError(
                    f"mean_degree: got {z:g} for network={self.network!r}, expected an even "
                    "integer >= 2")
            if z >= self.n_citizens:
                raise ValueError(
                    f"mean_degree: got {z:g} for n_citizens={self.n_citizens}, expected "
                    "mean_degree < n_citizens")
        elif self.network in ("erdos_renyi", "stochastic_block") and z > self.n_citizens - 1:
            raise ValueError(
                f"mean_degree: got {z:g}, expected at most n_citizens - 1 = {self.n_citizens - 1}")
        if self.network == "stochastic_block" and self.n_communities > self.n_citizens:
            raise ValueError(
                f"n_communities: got {self.n_communities}, expected at most n_citizens = "
                f"{self.n_citizens}")
        if self.schedule == "random_sequential" and self.engine != "agents":
            raise ValueError("schedule: got 'random_sequential' with engine='vectorized', "
                             "expected engine='agents' (each citizen reads the latest state)")
        if (self.threshold_values and self.network != "edge_list"
                and len(self.threshold_values) != self.n_citizens):
            raise ValueError(
                f"threshold_values: got {len(self.threshold_values)} values for n_citizens="
                f"{self.n_citizens}, expected one per citizen (or none)")
        if self.n_advocates > self.n_citizens and self.network != "edge_list":
            raise ValueError(f"n_advocates: got {self.n_advocates}, expected at most "
                             f"n_citizens = {self.n_citizens}")
        if self.n_seeds > self.n_citizens:
            raise ValueError(f"n_seeds: got {self.n_seeds}, expected at most n_citizens = "
                             f"{self.n_citizens}")
        for event in self.events:
            event.check(self)
        if self.network == "edge_list" and not self.edge_list:
            raise ValueError("edge_list: got '', expected a file path when network='edge_list'")

    @property
    def n_categories(self) -> int:
        """Number of voluntary data categories K."""
        return len(self.categories)

    @cached_property
    def political_sensitivity(self) -> np.ndarray:
        """pi_k of every category (the default table when ``political_sensitivities`` is empty)."""
        if self.political_sensitivities:
            table = np.asarray(self.political_sensitivities, dtype=np.float64)
        else:
            table = np.array([DEFAULT_POLITICAL_SENSITIVITY.get(c, OTHER_POLITICAL_SENSITIVITY)
                              for c in self.categories])
        table.flags.writeable = False
        return table

    @property
    def scored_weights(self) -> np.ndarray:
        """The weights the platform applies: w_k, with all but the ``category_cap`` largest zeroed.

        Ties are broken by table order (a stable sort).
        """
        weights = np.asarray(self.weights, dtype=np.float64)
        if self.category_cap and np.count_nonzero(weights) > self.category_cap:
            keep = np.argsort(-weights, kind="stable")[: self.category_cap]
            capped = np.zeros_like(weights)
            capped[keep] = weights[keep]
            return capped
        return weights

    @property
    def scored_categories(self) -> np.ndarray:
        """Categories the outputs and the threshold rule count as scored, shape (K,), bool.

        Those with a positive weight after the cap; every category when none has one (so a
        population scored on behaviour alone still has a disclosure level).
        """
        return scored_categories(self.scored_weights)

    def with_overrides(self, **overrides: Any) -> Params:
        """Return a copy with some fields replaced, validated like a new object.

        Besides field names, ``weight_<category>=w``, ``sensitivity_<category>=kappa`` and
        ``political_sensitivity_<category>=pi`` set one row of the category table.

        Raises:
            ValueError: A name is neither a field nor a category override, or a value is invalid.
        """
        names = {f.name for f in dataclasses.fields(self)}
        changes: dict[str, Any] = {}
        rows: dict[str, dict[str, Any]] = {column: {} for _, column in CATEGORY_COLUMNS}
        for key, value in overrides.items():
            if key in names:
                changes[key] = value
                continue
            for prefix, column in CATEGORY_COLUMNS:
                if key.startswith(prefix):
                    rows[column][key.removeprefix(prefix)] = (key, value)
                    break
            else:
                raise ValueError(_unknown_name_message(key, names))
        updated = dataclasses.replace(self, **changes)
        for column, entries in rows.items():
            if not entries:
                continue
            values = list(updated._category_column(column))
            for category, (key, value) in entries.items():
                if category not in updated.categories:
                    raise ValueError(
                        f"{key}: unknown category {category!r}, expected one of "
                        f"{', '.join(updated.categories)}")
                values[updated.categories.index(category)] = value
            updated = dataclasses.replace(updated, **{column: tuple(values)})
        return updated

    def target_value(self, name: str) -> Any:
        """Current value of a field or of a category row (``weight_<category>`` and the like)."""
        if name in {f.name for f in dataclasses.fields(self)}:
            return getattr(self, name)
        for prefix, column in CATEGORY_COLUMNS:
            category = name.removeprefix(prefix)
            if name.startswith(prefix) and category in self.categories:
                return self._category_column(column)[self.categories.index(category)]
        raise ValueError(_unknown_name_message(name, {f.name for f in dataclasses.fields(self)}))

    def _category_column(self, column: str) -> tuple[float, ...]:
        """One column of the category table, the default political sensitivities filled in."""
        if column == "political_sensitivities":
            return tuple(self.political_sensitivity.tolist())
        return getattr(self, column)

    @classmethod
    def resolve(cls, params: Params | Mapping[str, Any] | None, overrides: Mapping[str, Any]
                ) -> Params:
        """Combine an optional base (a ``Params`` or a mapping) with keyword overrides."""
        if params is None:
            base = cls()
        elif isinstance(params, Params):
            base = params
        elif isinstance(params, Mapping):
            base = cls().with_overrides(**params)
        else:
            raise TypeError(
                f"params: got {type(params).__name__}, expected Params, a mapping or None")
        return base.with_overrides(**overrides) if overrides else base

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of every field (tuples as lists), for manifests and JSON."""
        out = {k: list(v) if isinstance(v, tuple) else v
               for k, v in dataclasses.asdict(self).items() if k != "events"}
        out["events"] = [event.to_dict() for event in self.events]
        return out


def _unknown_name_message(key: str, names: set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(names), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "; see docs/ODD.md for the list"
    return f"{key}: unknown parameter{hint}"


def _coerce(name: str, value: Any, rule: Mapping[str, Any]) -> Any:
    """Check one value against its field's rule; return it in canonical type."""
    kind = rule["kind"]
    if kind == "events":
        if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
            raise TypeError(f"{name}: got {value!r}, expected a list of events")
        return tuple(Event.parse(item, f"{name}[{i}]") for i, item in enumerate(value))
    if kind in ("floats", "strs"):
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise TypeError(f"{name}: got {value!r}, expected a list of "
                            f"{'numbers' if kind == 'floats' else 'strings'}")
        scalar = float if kind == "floats" else str
        items = tuple(_coerce_scalar(f"{name}[{i}]", v, scalar, rule)
                      for i, v in enumerate(value))
        return items
    return _coerce_scalar(name, value, kind, rule)


def _coerce_scalar(name: str, value: Any, kind: type, rule: Mapping[str, Any]) -> Any:
    expected = {int: "an integer", float: "a number", str: "a string", bool: "true or false"}[kind]
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    elif kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        ok = isinstance(value, str)
    if not ok:
        raise TypeError(f"{name}: got {value!r} ({type(value).__name__}), expected {expected}")
    value = kind(value)
    if kind is float and not math.isfinite(value):
        raise ValueError(f"{name}: got {value!r}, expected a finite number")
    lo, hi = rule.get("lo"), rule.get("hi")
    if lo is not None and (value < lo or (rule.get("lo_open") and value == lo)):
        bound = f"> {lo}" if rule.get("lo_open") else f">= {lo}"
        raise ValueError(f"{name}: got {value!r}, expected a value {bound}"
                         + (f" and <= {hi}" if hi is not None else ""))
    if hi is not None and value > hi:
        raise ValueError(f"{name}: got {value!r}, expected a value <= {hi}")
    choices = rule.get("choices")
    if callable(choices):  # a list that can grow (decision rules registered later)
        choices = choices()
    if choices is not None and value not in choices:
        close = difflib.get_close_matches(value, choices, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"{name}: got {value!r}, expected one of {', '.join(choices)}{hint}")
    return value


def decision_rules() -> tuple[str, ...]:
    """Names ``rule`` accepts: the built-in rules, then those registered from outside."""
    return tuple(_RULE_NAMES)


def register_rule_name(name: str) -> None:
    """Accept ``rule=name`` (called by ``simulation.decisions.register``)."""
    if name not in _RULE_NAMES:
        _RULE_NAMES.append(name)


def unregister_rule_name(name: str) -> None:
    """Stop accepting ``rule=name`` (``simulation.decisions.unregister``)."""
    _RULE_NAMES.remove(name)


def scored_categories(weights: np.ndarray) -> np.ndarray:
    """w_k > 0, or every category when no weight is positive (see Params.scored_categories)."""
    scored = np.asarray(weights) > 0
    return scored if scored.any() else np.ones_like(scored)


def parameter_table() -> list[tuple[str, Any, str]]:
    """Rows (name, default, documentation) for every parameter, in declaration order."""
    defaults = Params()
    return [(f.name, getattr(defaults, f.name), f.metadata["doc"])
            for f in dataclasses.fields(Params)]
