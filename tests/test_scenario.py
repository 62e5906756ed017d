"""Mesa's experimental ``Scenario`` as a way to give a ``DisclosureModel`` its parameters.

SolaraViz's Reset passes ``scenario=`` (an empty Scenario, no seed) to any model that takes
keywords, so a plain ``SolaraViz(DisclosureModel())`` must accept it; ``mesa.batch_run`` passes
flat keywords and must keep working.
"""

from __future__ import annotations

import ipyvuetify as v
import mesa
import numpy as np
import pytest
import solara
from mesa.experimental.scenarios import Scenario
from mesa.visualization import SolaraViz

from simulation.model import DisclosureModel


def _same_run(a: DisclosureModel, b: DisclosureModel) -> bool:
    return (a.params == b.params and np.array_equal(a.population.score, b.population.score)
            and a.dataframe().equals(b.dataframe()))


def test_scenario_fields_are_parameters_and_its_rng_the_seed():
    by_scenario = DisclosureModel(scenario=Scenario(rng=3, n_citizens=150, rule="imitation"))
    by_keywords = DisclosureModel(n_citizens=150, rule="imitation", rng=3)
    by_scenario.run_for(3)
    by_keywords.run_for(3)
    assert _same_run(by_scenario, by_keywords)
    assert by_scenario.scenario.n_citizens == 150 and by_scenario.scenario.model is by_scenario


def test_an_empty_scenario_without_seed_takes_the_keyword_seed():
    # What SolaraViz's Reset passes: Scenario() with rng=None, plus the controls' rng.
    reset = DisclosureModel(n_citizens=120, rng=7, scenario=Scenario())
    plain = DisclosureModel(n_citizens=120, rng=7)
    assert _same_run(reset, plain)
    assert reset.scenario.rng == 7


def test_a_scenario_subclass_with_defaults():
    class Small(Scenario):
        n_citizens: int = 110
        inference_skepticism: float = 0.2

    model = DisclosureModel(scenario=Small(rng=1))
    assert model.params.n_citizens == 110 and model.params.inference_skepticism == 0.2


def test_the_same_value_twice_is_accepted():
    model = DisclosureModel(n_citizens=100, rng=2, scenario=Scenario(rng=2, n_citizens=100))
    assert model.params.n_citizens == 100


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"scenario": Scenario(n_citizens=100), "n_citizens": 200}, ValueError,
     r"^n_citizens: the scenario gives 100 and the keyword 200; give it once$"),
    ({"scenario": Scenario(rng=1, n_citizens=100), "rng": 2}, ValueError,
     r"^rng: the scenario gives 1 and the keyword 2; give it once$"),
    ({"scenario": Scenario(rng=1, n_citizen=100)}, ValueError,
     r"n_citizen: unknown parameter; did you mean 'n_citizens'\?"),
    ({"scenario": {"n_citizens": 100}}, TypeError,
     r"^scenario: got dict, expected a mesa.experimental.scenarios.Scenario$"),
])
def test_bad_scenarios_are_clear_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        DisclosureModel(**kwargs)


def test_plain_solaraviz_resets_a_disclosure_model():
    """No subclass: SolaraViz(DisclosureModel()) steps, and its Reset builds a new model."""
    shown = solara.reactive(DisclosureModel(n_citizens=100, rng=4))
    controls = {"n_citizens": {"type": "SliderInt", "label": "N", "value": 100, "min": 100,
                               "max": 300, "step": 100},
                "rng": 4}

    @solara.component
    def Page():
        with solara.AppLayout():  # as ``solara run`` renders it: the sidebar holds the buttons
            SolaraViz(shown, components=[], model_params=controls)

    _, context = solara.render(Page(), handle_error=False)
    try:
        context.find(v.Btn, children=["Step"]).widget.click()
        assert shown.value.steps == 1
        first = shown.value
        context.find(v.Slider, label="N").widget.v_model = 200
        context.find(v.Btn, children=["Reset"]).widget.click()
        assert shown.value is not first and isinstance(shown.value, DisclosureModel)
        assert shown.value.steps == 0 and shown.value.n_citizens == 200
        assert _same_run(shown.value, DisclosureModel(n_citizens=200, rng=4))
        assert not context.find(v.Alert).widgets  # no "error in step" message
    finally:
        context.close()


def test_batch_run_still_passes_flat_keywords():
    rows = mesa.batch_run(DisclosureModel, parameters={"n_citizens": [100, 150]}, rng=[1],
                          max_steps=2, number_processes=1, data_collection_period=-1,
                          display_progress=False)
    assert sorted(row["n_citizens"] for row in rows) == [100, 150]
    assert all(row["Step"] == 2 for row in rows)
    direct = DisclosureModel(n_citizens=100, rng=1)
    direct.run_for(2)
    (row,) = [r for r in rows if r["n_citizens"] == 100]
    assert row["mean_disclosure"] == direct.outputs["mean_disclosure"]
