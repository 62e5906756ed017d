"""collect_outputs (one compiled pass) equals first-principles numpy on model states."""

import math

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.stats import rankdata
from welfare_reference import welfare_by_definition

import simulation.metrics as metrics
from simulation import DisclosureModel
from simulation.codes import CodeHistogram, disclosure_codes
from simulation.kernels.outputs import SCORE_BIN
from simulation.metrics import collect_outputs, output_columns, privacy_quintiles
from simulation.neighbourhood import NeighbourCounts, leakage_table, perceived_weights
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
        pop, p, peers=model.peers, incentives=model.incentives, codes=codes,
        histogram=CodeHistogram.of(codes, privacy_quintiles(pop.privacy_concern), degree,
                                   p.n_categories),
        tables=model.code_tables, neighbourhood=fresh, disclosure_pairs=counts.disclosure_pairs,
        perceived_weight=perceived_weights(adjacency, degree),
        leakage_table=leakage_table(p.data_correlation, model._max_degree))


def level_of(model):
    return model.population.disclosed[:, model.params.scored_categories].mean(axis=1)


def edge_assortativity(model):
    """Pearson correlation of disclosure levels over both ends of every edge (NaN if none)."""
    level = level_of(model)
    edges = sp.triu(model.network.adjacency, k=1).tocoo()
    if edges.nnz == 0:
        return math.nan
    ends = np.concatenate([level[edges.row], level[edges.col]])
    other = np.concatenate([level[edges.col], level[edges.row]])
    if ends.var() <= 1e-12:
        return math.nan
    return float(np.corrcoef(ends, other)[0, 1])


def sorted_gini(values):
    """G = sum_i (2i - n - 1) x_(i) / (n sum x)."""
    x = np.sort(values)
    n = x.size
    return float(((2 * np.arange(1, n + 1) - n - 1) * x).sum() / (n * x.sum()))


def expected(model):
    """Every output from its definition in metrics.OUTPUTS."""
    pop, p = model.population, model.params
    score, n = pop.score, pop.size
    scored = p.scored_categories
    d = pop.disclosed[:, scored]
    level = d.mean(axis=1)
    weights = p.scored_weights[scored]
    weighted = (d * weights).sum(axis=1) / weights.sum() if weights.sum() > 0 else level
    quintile = (rankdata(pop.privacy_concern, method="ordinal") - 1) * 5 // n
    out = {"mean_disclosure": level.mean(), "mean_disclosure_weighted": weighted.mean()}
    out |= {f"disclosure_{c}": pop.disclosed[:, k].mean() for k, c in enumerate(p.categories)}
    out |= {"share_disclose_none": (~d.any(axis=1)).mean(),
            "share_disclose_all": d.all(axis=1).mean(),
            "sharing_rate": pop.shares_score.mean(),
            "inferred_score": model.peers.inferred_score,
            "mean_score": score.mean(),
            "median_score": np.median(score)}
    out |= {f"share_above_{t:g}": np.mean(score >= t) for t in p.thresholds}
    out |= {"gini_score": sorted_gini(score),
            "privacy_gap": level[quintile == 0].mean() - level[quintile == 4].mean(),
            "assortativity": edge_assortativity(model),
            "welfare": welfare_by_definition(model),
            "cascade_size": d.all(axis=1).mean() if p.rule == "threshold" else math.nan}
    return out


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
