"""Check primitives: one row of the validation table and the three ways a row can pass.

A :class:`Check` holds the simulated value, the theory and the interval [low, high] of simulated
values that pass. The interval comes from one of three rules, each with its own constructor:

- :func:`se_check` (statistical): theory -/+ (3 SE + allowance), SE the Monte Carlo standard
  error of the simulated value and the allowance a finite-size margin derived in the case's
  docstring (0 unless stated);
- :func:`binomial_check` (a count of rare events): the central 1 - alpha range of
  Binomial(n, p) with alpha = 2 (1 - Phi(3)) = 0.0027, the two-sided level of 3 SE;
- :func:`exact_check` (deterministic): simulated == theory, with at most a floating-point
  slack stated by the case (0 for counts);
- :func:`bound_check` (deterministic): 0 <= simulated <= a bound derived in the case.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from scipy.stats import binom, norm

#: Multiple of the standard error allowed between simulation and theory.
SE_MULTIPLE = 3.0

#: Two-sided level of :func:`binomial_check`, the one of SE_MULTIPLE standard errors.
BINOMIAL_ALPHA = 2.0 * float(norm.sf(SE_MULTIPLE))


@dataclass(frozen=True)
class Check:
    """One row of the validation table.

    Attributes:
        case: Name of the validation case (a key of ``CASES``).
        point: The parameter point, e.g. ``"z=3"``.
        quantity: What is compared, e.g. ``"P(global cascade)"``.
        simulated: The model's value.
        error: Its standard error (0 when the model is deterministic here).
        theory: The analytic value.
        low: Smallest simulated value that passes.
        high: Largest simulated value that passes.
        method: How [low, high] was set: ``"3 SE"``, ``"3 SE + allowance"``, ``"binomial"``
            or ``"exact"``.
        note: Where the theory comes from.
    """

    case: str
    point: str
    quantity: str
    simulated: float
    error: float
    theory: float
    low: float
    high: float
    method: str
    note: str = ""

    @property
    def passed(self) -> bool:
        """Whether low <= simulated <= high (NaN never passes)."""
        return bool(self.low <= self.simulated <= self.high)

    def record(self) -> dict[str, Any]:
        """The row as a flat dict (the CSV columns)."""
        row = asdict(self)
        row["status"] = "PASS" if self.passed else "FAIL"
        return row


def se_check(case: str, point: str, quantity: str, simulated: float, error: float,
             theory: float, note: str = "", allowance: float = 0.0) -> Check:
    """A statistical check: |simulated - theory| <= 3 SE + allowance.

    Raises:
        ValueError: ``error`` or ``allowance`` is negative.
    """
    if error < 0 or allowance < 0:
        raise ValueError(f"error and allowance: got {error!r}, {allowance!r}, expected >= 0")
    tolerance = SE_MULTIPLE * error + allowance
    return Check(case, point, quantity, float(simulated), float(error), float(theory),
                 theory - tolerance, theory + tolerance,
                 "3 SE + allowance" if allowance else "3 SE", note)


def binomial_check(case: str, point: str, quantity: str, count: int, trials: int,
                   probability: float, note: str = "") -> Check:
    """A count of events in ``trials`` independent runs against Binomial(trials, probability).

    Passes when the count lies in [q(alpha/2), q(1 - alpha/2)], the central quantiles of the
    binomial with alpha = :data:`BINOMIAL_ALPHA`. Unlike 3 SE of the observed share, this bound
    does not vanish, nor widen, when no event is seen: for probability ~ 0 only a count of 0
    passes. The theory column is the expected count n p, the error column the binomial SD.
    """
    low = float(binom.ppf(BINOMIAL_ALPHA / 2, trials, probability))
    high = float(binom.isf(BINOMIAL_ALPHA / 2, trials, probability))
    return Check(case, point, quantity, float(count),
                 math.sqrt(trials * probability * (1.0 - probability)),
                 trials * probability, low, high, "binomial", note)


def bound_check(case: str, point: str, quantity: str, simulated: float, bound: float,
                note: str = "") -> Check:
    """A deterministic check against a derived upper bound: 0 <= simulated <= bound."""
    return Check(case, point, quantity, float(simulated), 0.0, float(bound), 0.0, float(bound),
                 "bound", note)


def exact_check(case: str, point: str, quantity: str, simulated: float, theory: float,
                note: str = "", slack: float = 0.0) -> Check:
    """A deterministic check: simulated == theory (within ``slack``, 0 for whole numbers)."""
    return Check(case, point, quantity, float(simulated), 0.0, float(theory),
                 theory - slack, theory + slack, "exact", note)
