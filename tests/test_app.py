"""The browser app without a browser: controls, figures and the page, through ``solara.render``.

The page is rendered inside ``solara.AppLayout`` (as ``solara run`` does), so SolaraViz's
sidebar (Step, Reset, the parameter inputs) is part of the widget tree the tests click.
"""

from __future__ import annotations

import json

import ipyvuetify as v
import numpy as np
import plotly.graph_objects as go
import pytest
import solara

from experiments.cli import main
from experiments.cli import viz as cmd_viz
from simulation import app
from simulation.metrics import output_columns
from simulation.params import DECISION_RULES, IMPUTATION_RULES, NETWORK_KINDS, Params

pytestmark = pytest.mark.xdist_group("app")


@pytest.fixture
def model() -> app.ExplorerModel:
    return app.ExplorerModel(n_citizens=300, rng=5)


@pytest.fixture
def rendered():
    """The page around a 300-citizen model, rendered; yields (model, render context)."""
    explored = app.ExplorerModel(n_citizens=300, rng=5)

    @solara.component
    def Page():
        with solara.AppLayout():
            app.make_page(explored)

    _, context = solara.render(Page(), handle_error=False)
    yield explored, context
    context.close()


def _figures(context) -> dict[str, dict]:
    """The figure each plot widget holds, by plot name."""
    return {widget.name: json.loads(widget.figure_json)
            for widget in context.find(app.PlotlyFigure).widgets}


def _markers(figure: dict) -> int:
    return sum(len(trace["x"]) for trace in figure["data"])


# --- controls --------------------------------------------------------------------------------
def test_controls_start_at_the_parameter_defaults_and_build_a_valid_model():
    controls = app.model_controls()
    defaults = Params()
    for name, spec in controls.items():
        if hasattr(defaults, name):
            assert spec["value"] == getattr(defaults, name), name
        if spec["type"].startswith("Slider"):  # a slider clips a default outside its range
            assert spec["min"] <= spec["value"] <= spec["max"], name
    built = app.initial_model(controls)
    assert built.params == defaults  # benefit scale 1 and the seed change no parameter
    assert isinstance(built, app.ExplorerModel)


def test_choice_lists_come_from_the_parameter_module():
    controls = app.model_controls()
    assert controls["rule"]["values"] == list(DECISION_RULES)
    assert controls["imputation"]["values"] == list(IMPUTATION_RULES)
    assert set(controls["network"]["values"]) == set(NETWORK_KINDS) - {"edge_list", "complete"}


def test_every_slider_extreme_builds_a_model():
    controls = app.model_controls()
    for name, spec in controls.items():
        if spec["type"].startswith("Slider") and name not in ("n_citizens", "rng"):
            for value in (spec["min"], spec["max"]):
                app.ExplorerModel(n_citizens=120, rng=1, **{name: value})


def test_benefit_scale_multiplies_every_benefit():
    scaled = app.ExplorerModel(n_citizens=100, rng=1, benefit_scale=2.0)
    assert scaled.params.benefits == tuple(2.0 * b for b in Params().benefits)


def test_mesa_reset_scenario_is_accepted_and_ignored():
    first = app.ExplorerModel(n_citizens=100, rng=3)
    again = app.ExplorerModel(n_citizens=100, rng=3, scenario=object())
    assert np.array_equal(first.population.score, again.population.score)


def test_seed_slider_sets_the_model_seed():
    controls = app.model_controls()
    assert controls["rng"]["type"] == "SliderInt"
    first, again = (app.ExplorerModel(n_citizens=100, rng=controls["rng"]["value"])
                    for _ in range(2))
    other = app.ExplorerModel(n_citizens=100, rng=controls["rng"]["value"] + 1)
    assert np.array_equal(first.population.score, again.population.score)
    assert not np.array_equal(first.population.score, other.population.score)


def test_negative_benefit_scale_is_a_clear_error():
    with pytest.raises(ValueError, match=r"benefit_scale: got -1\.0, expected a value >= 0"):
        app.ExplorerModel(n_citizens=100, benefit_scale=-1.0)


# --- the network drawing ---------------------------------------------------------------------
def test_layout_is_computed_once_per_model_and_kept_while_stepping(model):
    drawing = model.drawing
    model.run_for(3)
    assert model.drawing is drawing
    assert app.network_figure(model)["data"][0]["x"] == [
        x for x, shows in zip(drawing.x, model.population.shares_score[drawing.nodes],
                              strict=True) if not shows]


def test_drawing_does_not_consume_the_model_random_numbers():
    drawn = app.ExplorerModel(n_citizens=300, rng=9)
    _ = drawn.drawing
    plain = app.ExplorerModel(n_citizens=300, rng=9)
    drawn.run_for(5)
    plain.run_for(5)
    assert np.array_equal(drawn.population.disclosed, plain.population.disclosed)


def test_layout_is_reproducible_and_spreads_nodes(model):
    again = app.network_drawing(model.network.adjacency)
    assert again.x == model.drawing.x and again.y == model.drawing.y
    positions = np.column_stack([model.drawing.x, model.drawing.y])
    assert np.abs(positions).max() == pytest.approx(1.0)
    assert np.unique(positions.round(2), axis=0).shape[0] > 0.9 * positions.shape[0]


def test_edges_are_one_path_between_the_drawn_positions(model):
    backdrop = app.network_backdrop(model.drawing)
    go.Figure(layout=backdrop)
    (shape,) = backdrop["shapes"]
    segments = shape["path"].split("M")[1:]
    assert len(segments) == model.network.adjacency.nnz // 2  # every edge, once
    x, y = model.drawing.x, model.drawing.y
    i, j = model.drawing.edges[0]
    assert segments[0] == f"{x[i]},{y[i]}L{x[j]},{y[j]}"
    assert model.network.adjacency[model.drawing.nodes[i], model.drawing.nodes[j]] == 1


def test_large_population_is_drawn_as_a_connected_snowball_sample():
    big = app.ExplorerModel(n_citizens=5000, rng=2)
    drawing = big.drawing
    assert drawing.sampled and drawing.nodes.size == app.DRAW_LIMIT
    n_edges = drawing.edges.shape[0]
    # A uniform sample of 1,000 of 5,000 on a degree-8 graph keeps about
    # 1000 * 999 / 2 * 8 / 4999 = 800 edges; a snowball keeps neighbourhoods: over twice that.
    assert n_edges > 2 * 800
    figure = app.network_figure(big)
    assert _markers(figure) == app.DRAW_LIMIT
    assert "snowball sample of 1,000 of 5,000" in figure["layout"]["title"]["text"]


def test_snowball_sample_restarts_when_a_component_is_exhausted():
    import scipy.sparse as sp

    from simulation.network import adjacency_from_edges

    # Ten disjoint triangles: any sample of 12 must span several components.
    src = np.array([3 * c + i for c in range(10) for i in (0, 1, 2)])
    dst = np.array([3 * c + (i + 1) % 3 for c in range(10) for i in (0, 1, 2)])
    adjacency = adjacency_from_edges(30, src, dst)
    nodes = app.snowball_sample(sp.csr_array(adjacency), 12, np.random.default_rng(0), n_roots=1)
    assert nodes.size == 12 and np.unique(nodes // 3).size >= 4


# --- figures ---------------------------------------------------------------------------------
def test_every_figure_is_a_valid_plotly_figure(model):
    model.run_for(2)
    for build in (app.network_figure, app.disclosure_figure, app.score_figure,
                  app.threshold_figure, app.category_figure):
        figure = build(model)
        # raises on any property plotly does not know
        go.Figure({"data": figure["data"], "layout": figure["layout"]})
        assert figure["step"] == 2


def test_network_colours_are_shares_disclosed_and_diamonds_are_sharers(model):
    model.run_for(4)
    hides, shows = app.network_figure(model)["data"]
    assert len(shows["x"]) == int(model.population.shares_score.sum())
    assert shows["marker"]["symbol"] == "diamond" and hides["marker"]["symbol"] == "circle"
    share = app.disclosure_share(model)
    sharers = np.flatnonzero(model.population.shares_score)
    assert shows["marker"]["color"] == pytest.approx(share[sharers], abs=1e-3)
    assert [row[0] for row in shows["customdata"]] == sharers.tolist()


def test_time_series_follow_the_collected_outputs(model):
    model.run_for(5)
    frame = model.dataframe()
    traces = {t["name"]: t for t in app.disclosure_figure(model)["data"]}
    assert traces["mean disclosure"]["y"] == pytest.approx(frame["mean_disclosure"].tolist(),
                                                           abs=1e-5)
    assert traces["sharing rate"]["x"] == list(range(6))


def test_threshold_and_category_plots_are_named_from_the_parameters():
    custom = app.ExplorerModel(n_citizens=100, rng=1, thresholds=(620.0, 712.5),
                               benefits=(1.0, 0.4))
    names = [t["name"] for t in app.threshold_figure(custom)["data"]]
    assert names == ["score ≥ 620", "score ≥ 712.5"]
    assert [c for c in output_columns(custom.params) if c.startswith("share_above_")] == [
        "share_above_620", "share_above_712.5"]
    scores = app.score_figure(custom)
    assert [s["x0"] for s in scores["layout"]["shapes"]] == [620.0, 712.5]
    assert sum(scores["data"][0]["y"]) == 100
    bars = app.category_figure(custom)["data"][0]
    assert bars["y"] == [c.replace("_", " ") for c in custom.params.categories]
    assert bars["marker"]["color"].count("#bbbbbb") == 2  # the two unscored categories


def test_legend_names_step_size_and_colours(model):
    model.run_for(2)
    text = app.legend_html(model)
    assert '<span class="datarovers-step">2</span>' in text
    assert '<span class="datarovers-size">300</span>' in text
    assert "dark purple (none) to yellow (all)" in text and "diamond" in text
    assert "λ = 0.5 · imputation penalize" in text and "seed 5" in text


# --- the page, rendered ------------------------------------------------------------------------
def test_page_has_the_plots_and_the_controls(rendered):
    _, context = rendered
    assert set(_figures(context)) == {"network", "disclosure", "scores", "thresholds",
                                      "categories"}
    labels = {w.label for w in context.find(v.Slider).widgets}
    assert {"Citizens N", "Mean degree z", "Inference skepticism λ", "Data correlation ρ",
            "Completeness bonus β", "Privacy concern μ_v"} <= labels
    rules = context.find(v.Select, label="Decision rule").widget
    assert rules.items == list(DECISION_RULES)
    legend = context.find(solara.widgets.HTML).widget.unsafe_innerHTML
    assert legend == app.legend_html(rendered[0])


def test_step_button_advances_the_model_and_redraws_the_plots(rendered):
    explored, context = rendered
    before = _figures(context)["disclosure"]
    context.find(v.Btn, children=["Step"]).widget.click()
    assert explored.steps == 1
    figures = _figures(context)
    assert {f["step"] for f in figures.values()} == {1}
    assert figures["disclosure"] != before
    # The edges come from the drawing fixed when the model was made.
    network = context.find(app.PlotlyFigure, name="network").widget
    assert json.loads(network.backdrop_json) == app.network_backdrop(explored.drawing)


def test_population_slider_and_reset_build_a_new_model(rendered):
    _, context = rendered
    context.find(v.Btn, children=["Step"]).widget.click()
    context.find(v.Slider, label="Citizens N").widget.v_model = 200
    context.find(v.Btn, children=["Reset"]).widget.click()
    network = _figures(context)["network"]
    assert _markers(network) == 200
    assert network["step"] == 0


# --- datarovers viz --------------------------------------------------------------------------
@pytest.mark.parametrize(("port", "message"), [
    ("abc", "--port: got 'abc', expected an integer from 1 to 65535"),
    ("0", "--port: got 0, expected an integer from 1 to 65535"),
    ("70000", "--port: got 70000, expected an integer from 1 to 65535"),
])
def test_viz_rejects_a_bad_port(port, message, capsys):
    assert main(["viz", "--port", port]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"datarovers viz: error: {message}"


def test_viz_rejects_a_port_in_use(capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["viz", "--port", str(port)]) == 2
    assert f"127.0.0.1:{port} is already in use; choose another" in capsys.readouterr().err


def test_viz_rejects_an_unknown_host(monkeypatch, capsys):
    import socket

    def unknown(*args, **kwargs):
        raise socket.gaierror("no such host")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    assert main(["viz", "--host", "no-such-host"]) == 2
    assert "--host: got 'no-such-host', expected an address" in capsys.readouterr().err


def test_viz_serves_on_localhost_in_production_mode_without_calls_home(monkeypatch):
    launched = {}
    monkeypatch.setattr(cmd_viz, "check_address", lambda host, port: None)
    monkeypatch.setattr(cmd_viz.os, "execve",
                        lambda path, argv, env: launched.update(argv=argv, env=env))
    assert main(["viz", "--port", "9123"]) == 0
    argv = launched["argv"]
    assert argv[argv.index("--host") + 1] == "127.0.0.1"
    assert argv[argv.index("--port") + 1] == "9123"
    assert {"--production", "--no-open", "--no-check-version"} <= set(argv)
    assert launched["env"]["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
