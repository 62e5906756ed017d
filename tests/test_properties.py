"""Property-based tests (hypothesis) over random valid parameters, networks, rules and events.

For every drawn model, run for a few steps on both engines (synchronous schedule):
  * the engines are equal step for step (every output, every citizen's state), and so is the
    numpy-only path (DATAROVERS_KERNELS=0: every state, the outputs to rounding);
  * scores stay in [350, 950], and no output is NaN where it is defined (``assortativity`` is
    NaN when every disclosure level is equal, ``cascade_size`` under rules other than the
    threshold rule; see ``simulation.metrics.OUTPUTS``);
  * the kept tallies (scores, neighbour counts, adopters) equal a fresh recount.

The examples are derandomised, so CI always runs the same ones (profile ``ci``, the default);
``HYPOTHESIS_PROFILE=long`` runs many more locally.
"""

from __future__ import annotations

import contextlib
import os

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation import DisclosureModel
from simulation.kernels import table
from simulation.score import SCORE_MAX, SCORE_MIN
from tests.state_checks import assert_state_is_fresh

settings.register_profile("ci", max_examples=120, deadline=None, derandomize=True,
                          database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=400, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

STEPS = 8
NETWORKS = ("erdos_renyi", "watts_strogatz", "barabasi_albert", "holme_kim", "ring_lattice",
            "stochastic_block", "complete")
#: Outputs that may be NaN by definition, and when.
MAY_BE_NAN = {"assortativity": lambda p: True,
              "cascade_size": lambda p: p.rule != "threshold"}

#: Events of every kind: (target, operation, strategy of values).
EVENT_KINDS = [
    ("weight_driving_behaviour", "set", st.sampled_from([0.0, 0.1, 0.3])),
    ("weight_financial_history", "set", st.sampled_from([0.0, 0.2])),
    ("category_cap", "set", st.integers(0, 4)),
    ("sensitivity_education", "set", st.floats(0.0, 1.5)),
    ("privacy_concern", "multiply", st.floats(0.0, 3.0)),
    ("data_correlation", "set", st.floats(0.0, 0.9)),
    ("imputation", "set", st.sampled_from(["penalize", "neutral", "skeptical"])),
    ("logit_temperature", "set", st.sampled_from([0.0, 0.02, 0.1])),
    ("threshold_kind", "set", st.sampled_from(["fraction", "count"])),
    ("campaign_bonus", "set", st.floats(0.0, 0.5)),
    ("score_value", "multiply", st.floats(0.5, 4.0)),
    ("state_access", "set", st.floats(0.0, 1.0)),  # a licence deal
    ("political_sensitivity_employer", "set", st.floats(0.0, 1.0)),
    ("advocacy", "multiply", st.floats(0.0, 10.0)),
    ("concern_influence", "set", st.floats(0.0, 1.0)),
]


@st.composite
def events(draw):
    """Zero to three events at steps 1..STEPS, of any kind."""
    chosen = []
    for _ in range(draw(st.integers(0, 3))):
        target, operation, values = draw(st.sampled_from(EVENT_KINDS))
        chosen.append({"step": draw(st.integers(1, STEPS)), "target": target,
                       operation: draw(values)})
    return chosen


@st.composite
def models(draw):
    """Keyword arguments of a valid, small DisclosureModel."""
    rule = draw(st.sampled_from(["best_response", "imitation", "threshold", "norm"]))
    n = draw(st.integers(12, 90))
    kw = {"rule": rule, "n_citizens": n, "rng": draw(st.integers(0, 2**32 - 1)),
          "network": draw(st.sampled_from(NETWORKS)),
          "mean_degree": draw(st.sampled_from([2, 4, 6])),
          "revision_rate": draw(st.sampled_from([0.1, 0.5, 1.0])),
          "imputation": draw(st.sampled_from(["penalize", "neutral", "skeptical"])),
          "data_correlation": draw(st.sampled_from([0.0, 0.3, 0.8])),
          "logit_temperature": draw(st.sampled_from([0.0, 0.02, 0.2])),
          "initial_disclosure": draw(st.sampled_from([0.0, 0.1, 0.4])),
          "state_access": draw(st.sampled_from([0.0, 0.0, 0.5, 1.0])),
          "state_fear": draw(st.sampled_from([0.5, 3.0])),
          "state_fear_sigma": draw(st.sampled_from([0.0, 0.8])),
          "state_fear_correlation": draw(st.sampled_from([-0.5, 0.0, 0.9])),
          "concern_influence": draw(st.sampled_from([0.0, 0.0, 0.3, 1.0])),
          "n_advocates": draw(st.integers(1, 5)),
          "advocate_placement": draw(st.sampled_from(["random", "central"])),
          "events": draw(events())}
    if rule == "threshold":
        kw["threshold_kind"] = draw(st.sampled_from(["fraction", "count"]))
        kw["threshold_mean"] = (draw(st.sampled_from([0.2, 0.4])) if kw["threshold_kind"]
                                == "fraction" else draw(st.sampled_from([1.0, 2.0])))
        kw["n_seeds"] = draw(st.integers(0, 6))
    if rule == "norm":
        kw["conformity"] = draw(st.sampled_from([0.2, 1.0]))
    return kw


@contextlib.contextmanager
def kernels_off():
    """Models built inside run on the numpy definitions (DATAROVERS_KERNELS=0)."""
    before = os.environ.get(table.SWITCH)
    os.environ[table.SWITCH] = "0"
    try:
        yield
    finally:
        if before is None:
            del os.environ[table.SWITCH]
        else:
            os.environ[table.SWITCH] = before
        table.read_switch()


def trajectory(engine: str, kw: dict, schedule: str = "synchronous"
               ) -> tuple[DisclosureModel, list]:
    """The model after STEPS steps and each step's population state."""
    model = DisclosureModel(engine=engine, schedule=schedule, **kw)
    states = []
    for _ in range(STEPS):
        model.step()
        pop = model.population
        states.append((pop.disclosed.copy(), pop.shares_score.copy(), pop.score.copy()))
        assert_state_is_fresh(model)
    return model, states


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(models())
def test_engines_agree_and_the_state_stays_valid(kw):
    vectorized, fast_states = trajectory("vectorized", kw)
    agents, agent_states = trajectory("agents", kw)
    pd.testing.assert_frame_equal(vectorized.dataframe(), agents.dataframe(), check_exact=True)
    for t, (fast, slow) in enumerate(zip(fast_states, agent_states, strict=True), start=1):
        for a, b in zip(fast, slow, strict=True):
            np.testing.assert_array_equal(a, b, err_msg=f"step {t}")
    assert_outputs_are_valid(vectorized)
    with kernels_off():
        numpy_only, numpy_states = trajectory("vectorized", kw)
    pd.testing.assert_frame_equal(numpy_only.dataframe(), vectorized.dataframe(),
                                  check_exact=False, rtol=1e-12, atol=1e-12)
    for t, (fast, slow) in enumerate(zip(fast_states, numpy_states, strict=True), start=1):
        for a, b in zip(fast, slow, strict=True):
            np.testing.assert_array_equal(a, b, err_msg=f"numpy-only, step {t}")


@given(models())
def test_the_random_sequential_schedule_keeps_the_state_valid(kw):
    """Each citizen reads its neighbours' latest choices: no engine to compare with."""
    model, _ = trajectory("agents", kw, schedule="random_sequential")
    assert_outputs_are_valid(model)


def assert_outputs_are_valid(model: DisclosureModel) -> None:
    """Scores in [350, 950]; no output NaN where it is defined."""
    score = model.population.score
    assert ((score >= SCORE_MIN) & (score <= SCORE_MAX)).all()
    frame, p = model.dataframe(), model.params
    for column in frame.columns:
        if column in MAY_BE_NAN and MAY_BE_NAN[column](p):
            continue
        assert not frame[column].isna().any(), column
