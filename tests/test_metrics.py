import numpy as np
import pytest
import scipy.sparse as sp
from welfare_reference import welfare_by_definition

from simulation import DisclosureModel
from simulation.metrics import output_columns, privacy_quintiles


@pytest.mark.parametrize("overrides", [{}, {"category_cap": 2},
                                       {"weights": (0, 0, 0, 0, 0, 0), "rule": "imitation"}])
def test_outputs_equal_their_direct_definitions(overrides):
    """What the model collects each step (tests/test_kernel_outputs.py tests the kernel)."""
    model = DisclosureModel(rng=4, n_citizens=700, **overrides)
    model.run_for(6)
    out, pop, p = model.outputs, model.population, model.params
    assert list(out) == output_columns(p)
    assert model.dataframe().iloc[-1].to_dict() == pytest.approx(out, nan_ok=True)
    weights = p.scored_weights
    scored = weights > 0 if (weights > 0).any() else np.ones(weights.size, bool)
    d = pop.disclosed[:, scored]
    level = d.mean(axis=1)
    assert out["mean_disclosure"] == pytest.approx(level.mean())
    if weights.sum() > 0:
        weighted = (d * weights[scored]).sum(axis=1) / weights[scored].sum()
        assert out["mean_disclosure_weighted"] == pytest.approx(weighted.mean())
    for k, name in enumerate(p.categories):
        assert out[f"disclosure_{name}"] == pytest.approx(pop.disclosed[:, k].mean())
    assert out["share_disclose_none"] == pytest.approx((~d.any(axis=1)).mean())
    assert out["share_disclose_all"] == pytest.approx(d.all(axis=1).mean())
    q = privacy_quintiles(pop.privacy_concern)
    assert out["privacy_gap"] == pytest.approx(level[q == 0].mean() - level[q == 4].mean())
    edges = sp.triu(model.network.adjacency, k=1).tocoo()
    ends = np.concatenate([level[edges.row], level[edges.col]])
    other = np.concatenate([level[edges.col], level[edges.row]])
    assert out["assortativity"] == pytest.approx(np.corrcoef(ends, other)[0, 1], rel=1e-9)
    assert out["median_score"] == pytest.approx(np.median(pop.score))
    for t in p.thresholds:
        assert out[f"share_above_{t:g}"] == pytest.approx((pop.score >= t).mean())
    assert out["welfare"] == pytest.approx(welfare_by_definition(model), rel=1e-12)

