"""collect_outputs (one compiled pass, slots bound by name) equals the outputs' definitions."""

import math

import numpy as np
import pytest
from welfare_reference import welfare_by_definition

import simulation.metrics as metrics
from simulation import DisclosureModel
from simulation.codes import CodeHistogram, disclosure_codes
from simulation.metrics import collect_outputs, output_columns, privacy_quintiles
from simulation.neighbourhood import NeighbourCounts, leakage_table, perceived_weights
from simulation.outputs import define_all
from simulation.passes import SCORE_BIN
from simulation.rules import peer_view

RULES = ["best_response", "norm", "imitation", "threshold"]
#: Erdos-Renyi at mean degree 1.5 leaves ~20 % of the citizens isolated.
NETWORKS = {"watts_strogatz": {"mean_degree": 8}, "erdos_renyi": {"mean_degree": 1.5}}


def build(steps=3, **kw):
    """A model run for ``steps`` steps; its own output collection is switched off."""
    with pytest.MonkeyPatch.context() as patch:
        # The outputs are computed here from the state, whatever the model collects itself.
        patch.setattr(DisclosureModel, "_collect", lambda self: None)
        model = DisclosureModel(rng=kw.pop("rng", 1), n_citizens=kw.pop("n_citizens", 1000),
                                **kw)
        model.run_for(steps)
    return model


def refresh(model):
    """Rescore and re-aggregate after the state was edited by hand."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DisclosureModel, "_collect", lambda self: None)
        model._refresh()


def outputs(model):
    """collect_outputs on tallies and counts made afresh from the state (and ``model.peers``)."""
    pop, p, adjacency = model.population, model.params, model.network.adjacency
    codes = disclosure_codes(pop.disclosed)
    degree = np.diff(adjacency.indptr).astype(np.float64)
    counts = NeighbourCounts(adjacency, degree, model._max_degree, p.n_categories)
    fresh = counts.update(np.empty(0, np.int64), np.empty(0, np.uint16), codes,
                          model.code_tables)  # the first update counts from scratch
    return collect_outputs(
        pop, p, peers=model.peers, incentives=model.incentives, adjacency=adjacency,
        codes=codes,
        histogram=CodeHistogram.of(codes, privacy_quintiles(pop.privacy_concern), degree,
                                   p.n_categories),
        tables=model.code_tables, neighbourhood=fresh, disclosure_pairs=counts.disclosure_pairs,
        perceived_weight=perceived_weights(adjacency, degree),
        leakage_table=leakage_table(p.data_correlation, model._max_degree))


def expected(model):
    """Every output from its numpy definition (simulation.outputs)."""
    return define_all(model.output_state())


def assert_outputs_match(got, want):
    assert list(got) == list(want)
    for name, value in want.items():
        assert got[name] == pytest.approx(value, nan_ok=True, rel=1e-12, abs=1e-15), name


@pytest.fixture(scope="module", params=[(rule, network) for rule in RULES
                                        for network in NETWORKS],
                ids=lambda case: "-".join(case))
def model(request):
    rule, network = request.param
    return build(rule=rule, network=network, **NETWORKS[network])


def test_outputs_equal_their_definitions(model):
    got = outputs(model)
    assert list(got) == output_columns(model.params)
    assert_outputs_match(got, expected(model))
    if model.params.network == "erdos_renyi":
        assert (model.neighbourhood.degree == 0).sum() > 50  # isolated citizens were covered


def test_binned_median_and_gini_within_their_error(model, monkeypatch):
    exact = outputs(model)
    monkeypatch.setattr(metrics, "EXACT_DISTRIBUTION_LIMIT", 100)
    binned = outputs(model)
    for name, value in exact.items():
        if name not in ("median_score", "gini_score"):
            assert binned[name] == pytest.approx(value, rel=1e-12, abs=1e-15, nan_ok=True)
    x = np.sort(model.population.score)
    half = SCORE_BIN / 2
    # The centre of the bin holding the lower median x_(ceil(n/2)).
    assert abs(binned["median_score"] - x[(x.size - 1) // 2]) <= half + 1e-9
    # Each score moves by at most SCORE_BIN/2: |dG| <= (SCORE_BIN/2)(1 + G) / (mean - SCORE_BIN/2).
    bound = half * (1 + exact["gini_score"]) / (x.mean() - half)
    assert abs(binned["gini_score"] - exact["gini_score"]) <= bound
    assert binned["gini_score"] != exact["gini_score"]  # the binned path was taken


@pytest.mark.parametrize("rule", ["best_response", "norm"])
@pytest.mark.parametrize("sharing", [False, True])
def test_nobody_or_everybody_shares(rule, sharing):
    model = build(rule=rule, network="erdos_renyi", n_citizens=400, **NETWORKS["erdos_renyi"])
    model.population.shares_score[:] = sharing
    refresh(model)
    assert model.peers.n_sharers == (400 if sharing else 0)
    got = outputs(model)
    assert got["sharing_rate"] == float(sharing)
    assert_outputs_match(got, expected(model))


@pytest.mark.parametrize("rule", ["norm", "threshold"])
def test_everyone_discloses_everything(rule):
    model = build(rule=rule, n_citizens=400)
    model.population.disclosed[:] = True
    refresh(model)
    got = outputs(model)
    assert math.isnan(got["assortativity"])  # every level is 1
    assert got["share_disclose_all"] == got["mean_disclosure"] == 1.0
    assert got["share_disclose_none"] == got["privacy_gap"] == 0.0
    assert_outputs_match(got, expected(model))


@pytest.mark.parametrize("rule", ["norm", "imitation"])
def test_no_edges(rule):
    model = build(rule=rule, network="erdos_renyi", mean_degree=0.0, n_citizens=300)
    assert model.network.adjacency.nnz == 0
    got = outputs(model)
    assert math.isnan(got["assortativity"])
    assert_outputs_match(got, expected(model))


@pytest.mark.parametrize("rule", ["best_response", "norm"])
def test_outputs_with_state_access(rule):
    """The state's share in the privacy cost (welfare) and the state's exposure."""
    model = build(rule=rule, n_citizens=600, state_access=0.7, state_fear_sigma=0.8,
                  state_fear_correlation=0.5, political_sensitivity_education=0.0)
    got = outputs(model)
    assert_outputs_match(got, expected(model))
    assert got["welfare"] == pytest.approx(welfare_by_definition(model), rel=1e-12)
    assert got["state_exposure_employer"] == pytest.approx(0.7 * got["disclosure_employer"])
    assert got["welfare"] != outputs(build(rule=rule, n_citizens=600))["welfare"]


def test_disclosure_tables_under_a_category_cap_and_zero_weights():
    for overrides in ({"category_cap": 2}, {"weights": (0, 0, 0, 0, 0, 0)}):
        model = build(n_citizens=500, **overrides)
        assert_outputs_match(outputs(model), expected(model))


def test_scores_on_a_threshold_count_as_above(monkeypatch):
    model = build(n_citizens=400)
    thresholds, pop = model.params.thresholds, model.population
    pop.score[:5 * len(thresholds)] = np.repeat(thresholds, 5)
    model.peers = peer_view(pop.score, pop.shares_score, model.params.inference_skepticism)
    want = expected(model)
    assert_outputs_match(outputs(model), want)
    monkeypatch.setattr(metrics, "EXACT_DISTRIBUTION_LIMIT", 100)
    binned = outputs(model)
    for t in thresholds:
        assert binned[f"share_above_{t:g}"] == want[f"share_above_{t:g}"]


@pytest.mark.parametrize("overrides", [{"threshold_smoothness": 0.0},
                                       {"blacklist_below": 550.0, "blacklist_penalty": 0.7},
                                       {"dating_weight": 0.0},
                                       {"campaign_bonus": 0.3, "status_weight": 1.5}])
def test_welfare_under_other_incentives(overrides):
    model = build(n_citizens=500, **overrides)
    assert outputs(model)["welfare"] == pytest.approx(welfare_by_definition(model), rel=1e-12)


def test_the_tallies_follow_concern_that_spreads_and_campaigns():
    """Concern changing its order (DeGroot, an advocacy campaign) regroups the quintiles."""
    model = DisclosureModel(rng=3, n_citizens=800, concern_influence=0.3, n_advocates=40,
                            events=[{"step": 4, "target": "advocacy", "multiply": 30.0}])
    for _ in range(8):
        model.step()
        assert_outputs_match(model.outputs, outputs(model))
        assert_outputs_match(model.outputs, expected(model))


@pytest.mark.parametrize("binned", [False, True])
@pytest.mark.parametrize("rule", RULES)
def test_the_models_tallies_equal_fresh_ones_through_events(rule, binned, monkeypatch):
    """The model's outputs (tallies kept up to date) equal those from tallies made afresh."""
    if binned:
        monkeypatch.setattr(metrics, "EXACT_DISTRIBUTION_LIMIT", 100)
    events = [{"step": 3, "target": "category_cap", "set": 2},
              {"step": 5, "target": "privacy_concern", "multiply": 3.0},
              {"step": 7, "target": "category_cap", "set": 6},
              {"step": 8, "target": "imputation", "set": "neutral"}]  # everyone rescored
    model = DisclosureModel(rng=2, n_citizens=800, rule=rule, network="barabasi_albert",
                            events=events)
    for _ in range(10):
        model.step()
        assert_outputs_match(model.outputs, outputs(model))
