"""Human-readable names, with symbols and units, of parameters and outcomes for figure axes."""

from __future__ import annotations

#: Labels of the names figures use most; others fall back to :func:`label`'s plain words.
LABELS: dict[str, str] = {
    "completeness_bonus": "Completeness bonus β",
    "inference_skepticism": "Inference skepticism λ",
    "privacy_mu": "Privacy concern location μ_v",
    "privacy_sigma": "Privacy concern spread σ_v",
    "sharing_cost": "Score-sharing cost c_share",
    "score_value": "Value of a higher score α",
    "status_weight": "Status weight",
    "dating_weight": "Dating weight",
    "category_cap": "Category cap (scored categories)",
    "campaign_bonus": "Campaign bonus",
    "data_correlation": "Data correlation ρ",
    "revision_rate": "Revision rate",
    "logit_temperature": "Logit temperature T",
    "mean_degree": "Mean degree z",
    "behaviour_weight": "Behaviour weight",
    "n_citizens": "Citizens N",
    "dummy": "Dummy (ignored by the model)",
    "mean_disclosure": "Mean disclosure (share of scored categories)",
    "mean_disclosure_weighted": "Weighted mean disclosure",
    "share_disclose_none": "Share disclosing nothing",
    "share_disclose_all": "Share disclosing everything",
    "sharing_rate": "Share showing their score",
    "inferred_score": "Inferred score of non-sharers (points)",
    "mean_score": "Mean score (points)",
    "median_score": "Median score (points)",
    "gini_score": "Gini coefficient of scores",
    "privacy_gap": "Privacy gap (least minus most concerned quintile)",
    "assortativity": "Disclosure assortativity r",
    "welfare": "Mean utility U",
    "cascade_size": "Cascade size (share adopted)",
    "S1": "First-order index S1",
    "ST": "Total-order index ST",
    "mu_star": "Morris μ*",
    "sigma": "Morris σ",
}


def label(name: str) -> str:
    """The label of a parameter, outcome or index name (plain words if it has none)."""
    if name in LABELS:
        return LABELS[name]
    for prefix, words in (("share_above_", "Share with score ≥ "), ("disclosure_", "Disclosing "),
                          ("weight_", "Score weight of "), ("sensitivity_", "Sensitivity of ")):
        if name.startswith(prefix):
            return words + name.removeprefix(prefix).replace("_", " ")
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:]
