import math

import mesa
import numpy as np
import pandas as pd
import pytest

from simulation import Citizen, DisclosureModel, Params
from simulation.metrics import output_columns
from simulation.score import credit_score


def run(steps=20, **kw):
    model = DisclosureModel(**kw)
    model.run_for(steps)
    return model


# --- reproducibility ------------------------------------------------------------------------
@pytest.mark.parametrize("network", ["watts_strogatz", "erdos_renyi", "barabasi_albert",
                                     "holme_kim", "stochastic_block"])
def test_same_seed_same_run_different_seed_different_run(network):
    kw = {"n_citizens": 300, "network": network}
    a, b, c = run(rng=11, **kw), run(rng=11, **kw), run(rng=12, **kw)
    pd.testing.assert_frame_equal(a.dataframe(), b.dataframe())
    assert (a.network.adjacency != b.network.adjacency).nnz == 0
    assert not a.dataframe().equals(c.dataframe())
    assert (a.network.adjacency != c.network.adjacency).nnz > 0  # the graph too


def test_network_kind_does_not_change_the_citizens_drawn():
    a = DisclosureModel(rng=3, n_citizens=200, network="erdos_renyi")
    b = DisclosureModel(rng=3, n_citizens=200, network="barabasi_albert")
    assert np.array_equal(a.population.quality, b.population.quality)


def test_outputs_have_the_documented_columns():
    model = run(steps=3, n_citizens=200)
    frame = model.dataframe()
    assert list(frame.columns) == output_columns(model.params)
    assert list(frame.index) == [0, 1, 2, 3]
    assert frame.index.name == "step"


# --- agents are views on the arrays -----------------------------------------------------------
def test_citizens_read_and_write_their_rows(small_model):
    assert len(small_model.agents) == small_model.n_citizens == 300
    assert all(isinstance(a, Citizen) for a in small_model.agents)
    citizen = small_model.citizen(5)
    assert citizen.privacy_concern == pytest.approx(small_model.population.privacy_concern[5])
    citizen.shares_score = True
    assert small_model.population.shares_score[5]
    citizen.disclosed = [True, False, True, False, False, False]
    assert small_model.population.disclosed[5].tolist() == [True, False, True, False, False, False]
    assert citizen.disclosed_categories == ["financial_history", "employer"]
    neighbours = {n.node for n in citizen.neighbours}
    assert neighbours == set(small_model.graph.neighbors(5))


# --- drift and limit cases --------------------------------------------------------------------
def test_default_run_drifts_toward_disclosure():
    frame = run(steps=100, rng=42, n_citizens=1000).dataframe()
    assert frame["mean_disclosure"].iloc[-1] > frame["mean_disclosure"].iloc[0] + 0.3
    assert frame["share_above_650"].iloc[-1] > frame["share_above_650"].iloc[0] + 0.2


def test_no_privacy_concern_everyone_discloses_every_category_that_raises_the_score():
    model = run(steps=1, rng=4, n_citizens=2000, privacy_mu=-50.0, revision_rate=1.0,
                completeness_bonus=0.0)
    p, pop = model.params, model.population
    weights = p.scored_weights
    raises = weights * (pop.quality - model.imputed) > 0
    unclipped = pop.score < 950
    assert np.array_equal(pop.disclosed[unclipped], raises[unclipped])
    assert unclipped.mean() > 0.95


def test_no_benefits_nobody_discloses():
    model = run(steps=1, rng=4, n_citizens=1000, score_value=0.0, benefits=(0, 0, 0, 0),
                status_weight=0.0, dating_weight=0.0, revision_rate=1.0)
    assert model.outputs["mean_disclosure"] == 0.0
    assert not model.population.disclosed.any()


@pytest.mark.parametrize("cost", [0.1, 0.2, 0.3])
def test_costly_disclosure_rate_is_one_minus_two_c(cost):
    """Verrecchia (1983), docs/validation.md: disclosure rate 1 - 2c."""
    n = 10_000
    model = run(steps=40, rng=1, n_citizens=n, network="ring_lattice",
                categories=("financial_history",), weights=(1.0,), sensitivities=(1.0,),
                behaviour_weight=0.0, quality_loading=0.0, imputation="skeptical",
                score_value=1.0, benefits=(0, 0, 0, 0), status_weight=0.0, dating_weight=0.0,
                sharing_cost=0.1, data_correlation=0.0, privacy_mu=math.log(cost),
                privacy_sigma=0.0, revision_rate=1.0)
    expected = 1 - 2 * cost
    se = math.sqrt(expected * (1 - expected) / n)  # binomial standard error of a share
    assert abs(model.outputs["mean_disclosure"] - expected) < 4 * se


def test_runs_under_mesa_batch_run_with_a_list_of_seeds():
    results = mesa.batch_run(DisclosureModel, parameters={"n_citizens": 100},
                             rng=[1, 2], max_steps=3, number_processes=1,
                             display_progress=False)
    frame = pd.DataFrame(results)
    assert sorted(frame["rng"].unique()) == [1, 2]
    assert {"mean_disclosure", "sharing_rate"} <= set(frame.columns)
    finals = frame.groupby("rng")["mean_disclosure"].last()
    assert finals.loc[1] != finals.loc[2]


# --- engines ----------------------------------------------------------------------------------
@pytest.mark.parametrize("rule", ["best_response", "imitation", "threshold", "norm"])
@pytest.mark.parametrize(("n", "network"), [(150, "watts_strogatz"), (300, "erdos_renyi"),
                                            (200, "holme_kim")])
def test_engines_give_identical_trajectories(rule, n, network):
    kw = {"rule": rule, "n_citizens": n, "network": network, "rng": 5,
          "threshold_mean": 0.1, "n_seeds": 5}
    vectorized = run(steps=8, engine="vectorized", **kw)
    agents = run(steps=8, engine="agents", **kw)
    pd.testing.assert_frame_equal(vectorized.dataframe(), agents.dataframe())
    assert np.array_equal(vectorized.population.disclosed, agents.population.disclosed)


def test_engines_identical_with_logit_noise():
    kw = {"n_citizens": 200, "rng": 9, "logit_temperature": 0.05}
    pd.testing.assert_frame_equal(run(steps=5, **kw).dataframe(),
                                  run(steps=5, engine="agents", **kw).dataframe())


def test_random_sequential_is_reproducible_and_differs_from_synchronous():
    kw = {"n_citizens": 200, "rng": 2, "engine": "agents", "revision_rate": 0.5,
          "rule": "norm", "conformity": 2.0}
    a = run(steps=6, schedule="random_sequential", **kw)
    b = run(steps=6, schedule="random_sequential", **kw)
    c = run(steps=6, schedule="synchronous", **kw)
    pd.testing.assert_frame_equal(a.dataframe(), b.dataframe())
    assert not a.dataframe().equals(c.dataframe())


# --- peer dynamics ----------------------------------------------------------------------------
def test_skeptical_inference_unravels_sharing_naive_does_not():
    skeptical = run(steps=150, rng=3, n_citizens=1000, inference_skepticism=1.0)
    naive = run(steps=150, rng=3, n_citizens=1000, inference_skepticism=0.0)
    assert skeptical.outputs["sharing_rate"] > 0.7
    assert naive.outputs["sharing_rate"] < 0.45
    pop = skeptical.population
    top = pop.score > np.quantile(pop.score, 0.3)
    bottom = pop.score < np.quantile(pop.score, 0.1)
    assert pop.shares_score[top].mean() > 0.95  # all but the lowest scores share
    assert pop.shares_score[bottom].mean() < 0.05


def test_data_externality_speeds_up_the_drift():
    """Paired over seeds: mean disclosure at step 15 with rho = 0.6 exceeds rho = 0."""
    diffs = []
    for seed in range(6):
        kw = {"rng": seed, "n_citizens": 1000, "privacy_mu": -1.5}
        diffs.append(run(steps=15, data_correlation=0.6, **kw).outputs["mean_disclosure"]
                     - run(steps=15, data_correlation=0.0, **kw).outputs["mean_disclosure"])
    diffs = np.asarray(diffs)
    assert diffs.mean() > 3 * diffs.std(ddof=1) / np.sqrt(diffs.size)


# --- events -----------------------------------------------------------------------------------
def test_privacy_scandal_lowers_disclosure():
    kw = {"rng": 8, "n_citizens": 1000, "privacy_mu": -1.0}
    base = run(steps=60, **kw).dataframe()
    scandal = run(steps=60, events=[{"step": 30, "target": "privacy_concern", "multiply": 5.0}],
                  **kw).dataframe()
    pd.testing.assert_frame_equal(base.loc[:29], scandal.loc[:29])  # nothing before
    assert scandal["mean_disclosure"].iloc[-1] < base["mean_disclosure"].iloc[-1] - 0.05


def test_sharing_campaign_raises_sharing_while_it_runs():
    events = [{"step": 20, "target": "campaign_bonus", "set": 0.5},
              {"step": 30, "target": "campaign_bonus", "set": 0.0}]
    kw = {"rng": 8, "n_citizens": 1000, "inference_skepticism": 0.0}
    base = run(steps=45, **kw).dataframe()["sharing_rate"]
    campaign = run(steps=45, events=events, **kw).dataframe()["sharing_rate"]
    assert campaign.loc[29] > base.loc[29] + 0.2
    assert campaign.loc[29] > campaign.loc[19] + 0.2
    assert campaign.loc[45] < campaign.loc[29] - 0.1  # it fades after the campaign


def test_category_cap_lowers_the_score_gained_from_disclosure():
    kw = {"rng": 8, "n_citizens": 1000}
    free = DisclosureModel(**kw)
    capped = DisclosureModel(events=[{"step": 1, "target": "category_cap", "set": 1}], **kw)
    free.run_for(3)
    capped.run_for(3)

    def gain_of_full_disclosure(model):
        p, pop = model.params, model.population

        def score(disclosed):
            return credit_score(pop.behaviour, pop.quality, disclosed, model.imputed,
                                p.scored_weights, p.behaviour_weight, p.completeness_bonus)

        return np.mean(score(np.ones_like(pop.disclosed)) - score(np.zeros_like(pop.disclosed)))

    assert gain_of_full_disclosure(capped) < 0.5 * gain_of_full_disclosure(free)
    assert capped.outputs["mean_disclosure"] < free.outputs["mean_disclosure"]


def test_switching_a_new_category_on():
    events = [{"step": 10, "target": "weight_driving_behaviour", "set": 0.15}]
    frame = run(steps=30, rng=1, n_citizens=1000, privacy_mu=-5.0, events=events).dataframe()
    before = frame["disclosure_driving_behaviour"]
    assert before.iloc[9] < before.iloc[0] - 0.05  # unscored: revisers withdraw it
    assert frame["disclosure_driving_behaviour"].iloc[-1] > 0.3


def test_blacklist_pushes_low_scorers_to_disclose():
    kw = {"rng": 2, "n_citizens": 1000, "privacy_mu": -1.0}
    base = run(steps=40, **kw).outputs
    listed = run(steps=40, blacklist_below=550.0, blacklist_penalty=1.0, **kw).outputs
    assert listed["mean_disclosure"] > base["mean_disclosure"]


# --- per-run outputs --------------------------------------------------------------------------
def test_run_summary():
    model = run(steps=60, rng=42, n_citizens=1000)
    summary = model.run_summary()
    frame = model.dataframe()
    step = int(summary["steps_to_50"])
    assert frame["mean_disclosure"].iloc[step] >= 0.5 > frame["mean_disclosure"].iloc[step - 1]
    assert math.isnan(summary["steps_to_90"])
    assert 0.0 <= summary["coerced_share"] <= 1.0


def test_coerced_disclosers_appear_with_data_externality():
    kw = {"rng": 1, "n_citizens": 1000, "privacy_mu": -1.0}
    assert run(steps=60, data_correlation=0.0, **kw).coerced_share() == 0.0
    assert run(steps=60, data_correlation=0.8, **kw).coerced_share() > 0.01


def test_params_object_and_overrides():
    params = Params(n_citizens=120)
    model = DisclosureModel(params, rng=1, rule="norm")
    assert model.params.n_citizens == 120 and model.params.rule == "norm"
    with pytest.raises(ValueError, match="revison_rate"):
        DisclosureModel(revison_rate=0.3)
