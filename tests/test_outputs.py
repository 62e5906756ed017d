"""The outputs' numpy definitions on cases with known answers, and outputs declared from outside."""

import math

import numpy as np
import pytest

from simulation import DisclosureModel, outputs
from simulation.metrics import OUTPUTS, output_columns
from simulation.network import adjacency_from_edges
from simulation.outputs import Output, define_all, gini


def test_gini_of_known_distributions():
    assert gini(np.full(10, 600.0)) == 0.0
    assert gini(np.array([0.0, 0.0, 1.0])) == pytest.approx(2 / 3)
    assert gini(np.array([1.0, 3.0])) == pytest.approx(0.25)  # (|1-3| * 2) / (2 * 2^2 * 2)
    assert gini(np.zeros(4)) == 0.0


def state_with(model, disclosed, adjacency=None):
    model.population.disclosed[:] = disclosed
    state = model.output_state()
    if adjacency is not None:
        state = outputs.OutputState(state.population, state.params, state.peers,
                                    state.incentives, adjacency, state.neighbourhood,
                                    state.rule)
    return state


def test_assortativity_of_two_cliques_split_by_disclosure():
    """Edges only within the disclosers and within the withholders: correlation 1."""
    model = DisclosureModel(rng=1, n_citizens=20)
    nodes = np.arange(10)
    src = np.concatenate([np.repeat(nodes, 10), np.repeat(nodes, 10) + 10])
    dst = np.concatenate([np.tile(nodes, 10), np.tile(nodes, 10) + 10])
    disclosed = np.zeros((20, model.params.n_categories), dtype=bool)
    disclosed[:10] = True
    state = state_with(model, disclosed, adjacency_from_edges(20, src, dst))
    assert outputs.assortativity(state) == pytest.approx(1.0)
    ring = adjacency_from_edges(20, np.arange(20), (np.arange(20) + 1) % 20)
    alternating = np.zeros_like(disclosed)
    alternating[::2] = True  # every edge joins a discloser and a withholder
    assert outputs.assortativity(state_with(model, alternating, ring)) == pytest.approx(-1.0)
    assert math.isnan(outputs.assortativity(state_with(model, np.ones_like(disclosed), ring)))


def test_privacy_gap_and_shares_of_a_known_state():
    model = DisclosureModel(rng=2, n_citizens=100)
    concern = model.population.privacy_concern
    disclosed = np.zeros((100, model.params.n_categories), dtype=bool)
    disclosed[np.argsort(concern)[:20]] = True  # the least concerned fifth discloses all
    values = define_all(state_with(model, disclosed))
    assert values["privacy_gap"] == 1.0
    assert values["share_disclose_all"] == values["mean_disclosure"] == 0.2
    assert values["share_disclose_none"] == 0.8
    assert all(values[f"disclosure_{c}"] == 0.2 for c in model.params.categories)
    assert math.isnan(values["cascade_size"])  # not the threshold rule


def disclosing_sharers(state):
    """Share of citizens who show their score and disclose every scored category."""
    return float((state.population.shares_score & state.scored_disclosures.all(axis=1)).mean())


@pytest.fixture
def declared_output():
    output = Output("share_open_book", "Share of citizens who disclose everything scored and "
                    "show their score.", disclosing_sharers)
    outputs.declare(output)
    yield output
    outputs.undeclare(output.name)


@pytest.mark.parametrize("kernels", ["1", "0"])
def test_a_declared_output_is_collected_on_both_engines(declared_output, kernels,
                                                        monkeypatch):
    monkeypatch.setenv("DATAROVERS_KERNELS", kernels)
    frames = []
    for engine in ("vectorized", "agents"):
        model = DisclosureModel(rng=4, n_citizens=300, engine=engine)
        assert output_columns(model.params)[-1] == "share_open_book"
        model.run_for(6)
        assert model.outputs["share_open_book"] == disclosing_sharers(model.output_state())
        frames.append(model.dataframe())
    assert frames[0]["share_open_book"].equals(frames[1]["share_open_book"])
    assert frames[0]["share_open_book"].iloc[-1] > 0
    assert OUTPUTS["share_open_book"] == declared_output.doc


def test_declared_outputs_leave_with_undeclare_and_built_ins_stay(declared_output):
    with pytest.raises(ValueError, match="already declared"):
        outputs.declare(declared_output)
    with pytest.raises(ValueError, match="only outputs added with declare"):
        outputs.undeclare("welfare")
    with pytest.raises(ValueError, match="only outputs added with declare"):
        outputs.undeclare("no_such_output")


def test_an_undeclared_output_is_no_column():
    assert "share_open_book" not in output_columns(DisclosureModel(rng=1, n_citizens=50).params)
