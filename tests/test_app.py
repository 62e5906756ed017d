"""The browser app without a browser: controls, drawing, figures and page, via ``solara.render``.

The page is rendered inside ``solara.AppLayout`` (as Solara's server does), so the sidebar
(Reset, Play, Step, the parameter inputs) is part of the widget tree the tests click.
"""

from __future__ import annotations

import json
import subprocess
import sys

import ipyvuetify as v
import numpy as np
import plotly.graph_objects as go
import pytest
import solara

from experiments.cli import main
from simulation.app import controls, drawing, figures, page, plot
from simulation.app.controls import Exploration, build_model, model_controls, start_values
from simulation.metrics import output_columns
from simulation.params import DECISION_RULES, IMPUTATION_RULES, NETWORK_KINDS, Params

pytestmark = pytest.mark.xdist_group("app")


@pytest.fixture
def run() -> Exploration:
    return Exploration.build({"n_citizens": 300, "rng": 5})


@pytest.fixture
def model(run):
    return run.model


def _render_page():
    @solara.component
    def Root():
        with solara.AppLayout():
            page.Page()

    return solara.render(Root(), handle_error=False)


@pytest.fixture
def rendered():
    """The app's page, rendered as one visitor's session; yields the render context."""
    _, context = _render_page()
    yield context
    context.close()


def _figures(context) -> dict[str, dict]:
    """The figure each plot widget holds, by plot name."""
    return {widget.name: json.loads(widget.figure_json)
            for widget in context.find(plot.PlotlyFigure).widgets}


def _markers(figure: dict) -> int:
    return sum(len(trace["x"]) for trace in figure["data"])


def _slider(context, label: str):
    (widget,) = [w for w in context.find(v.Slider).widgets if w.label.startswith(label + " =")]
    return widget


def _click(context, label: str) -> None:
    context.find(v.Btn, children=[label]).widget.click()


# --- controls --------------------------------------------------------------------------------
def test_controls_start_at_the_parameter_defaults_and_build_a_valid_model():
    specs = model_controls()
    defaults = Params()
    for name, spec in specs.items():
        if hasattr(defaults, name):
            assert spec["value"] == getattr(defaults, name), name
        if spec["type"].startswith("Slider"):  # a slider clips a default outside its range
            assert spec["min"] <= spec["value"] <= spec["max"], name
    built = build_model(start_values(specs))
    assert built.params == defaults  # benefit scale 1 and the seed change no parameter
    assert type(built).__name__ == "DisclosureModel"  # no subclass


def test_choice_lists_come_from_the_parameter_module():
    specs = model_controls()
    assert specs["rule"]["values"] == list(DECISION_RULES)
    assert specs["imputation"]["values"] == list(IMPUTATION_RULES)
    assert set(specs["network"]["values"]) == set(NETWORK_KINDS) - {"edge_list", "complete"}


def test_every_slider_extreme_builds_a_model():
    for name, spec in model_controls().items():
        if spec["type"].startswith("Slider") and name not in ("n_citizens", "rng"):
            for value in (spec["min"], spec["max"]):
                build_model({"n_citizens": 120, "rng": 1, name: value})


def test_benefit_scale_multiplies_every_benefit():
    scaled = build_model({"n_citizens": 100, "rng": 1, "benefit_scale": 2.0})
    assert scaled.params.benefits == tuple(2.0 * b for b in Params().benefits)


def test_seed_slider_sets_the_model_seed():
    specs = model_controls()
    assert specs["rng"]["type"] == "SliderInt"
    seed = specs["rng"]["value"]
    first, again = (build_model({"n_citizens": 100, "rng": seed}) for _ in range(2))
    other = build_model({"n_citizens": 100, "rng": seed + 1})
    assert np.array_equal(first.population.score, again.population.score)
    assert not np.array_equal(first.population.score, other.population.score)


def test_negative_benefit_scale_is_a_clear_error():
    with pytest.raises(ValueError, match=r"benefit_scale: got -1\.0, expected a value >= 0"):
        build_model({"n_citizens": 100, "benefit_scale": -1.0})


def test_slider_labels_show_their_values():
    specs = model_controls()
    assert controls.input_label(specs["n_citizens"], 1000) == "Citizens N = 1,000"
    assert controls.input_label(specs["data_correlation"], 0.15) == "Data correlation ρ = 0.15"
    assert controls.input_label(specs["rule"], "norm") == "Decision rule"


def test_client_connected_reads_the_session_page_status():
    import threading

    from solara.server.kernel_context import PageStatus

    class Session:
        def __init__(self, *status):
            self.page_status = dict(enumerate(status))
            self.closed_event = threading.Event()

    assert controls.client_connected(None)  # outside a server: nothing to check
    assert controls.client_connected(Session(PageStatus.CLOSED, PageStatus.CONNECTED))
    assert not controls.client_connected(Session(PageStatus.DISCONNECTED, PageStatus.CLOSED))
    assert not controls.client_connected(Session())
    closed = Session(PageStatus.CONNECTED)
    closed.closed_event.set()
    assert not controls.client_connected(closed)


# --- the network drawing ---------------------------------------------------------------------
def test_layout_is_computed_once_per_model_and_kept_while_stepping(run, model):
    picture = run.drawing
    model.run_for(3)
    assert run.drawing is picture
    assert figures.network_figure(model, picture)["data"][0]["x"] == [
        x for x, shows in zip(picture.x, model.population.shares_score[picture.nodes],
                              strict=True) if not shows]


def test_drawing_does_not_consume_the_model_random_numbers():
    drawn = Exploration.build({"n_citizens": 300, "rng": 9})
    _ = drawn.drawing
    plain = build_model({"n_citizens": 300, "rng": 9})
    drawn.model.run_for(5)
    plain.run_for(5)
    assert np.array_equal(drawn.model.population.disclosed, plain.population.disclosed)


@pytest.mark.parametrize("network", ["erdos_renyi", "barabasi_albert", "holme_kim"])
def test_force_layout_is_reproducible_and_spreads_nodes(network):
    run = Exploration.build({"n_citizens": 300, "rng": 5, "network": network})
    again = drawing.network_drawing(run.model.network.adjacency, network)
    assert run.drawing.layout == "force"
    assert again.x == run.drawing.x and again.y == run.drawing.y
    positions = np.column_stack([run.drawing.x, run.drawing.y])
    assert np.abs(positions).max() == pytest.approx(1.0)
    assert np.unique(positions.round(2), axis=0).shape[0] > 0.9 * positions.shape[0]


@pytest.mark.parametrize("network", ["watts_strogatz", "ring_lattice"])
def test_ring_networks_are_drawn_on_a_circle_in_ring_order(network):
    run = Exploration.build({"n_citizens": 400, "rng": 5, "network": network})
    picture = run.drawing
    assert picture.layout == "ring"
    x, y = np.asarray(picture.x), np.asarray(picture.y)
    assert np.hypot(x, y) == pytest.approx(1.0, abs=1e-3)
    angle = np.mod(np.arctan2(y, x), 2 * np.pi)
    assert np.all(np.diff(angle[picture.nodes < 200]) > 0)  # in the citizens' order
    if network == "ring_lattice":  # every edge joins near neighbours on the ring: short
        i, j = picture.edges.T
        assert np.hypot(x[i] - x[j], y[i] - y[j]).max() < 2 * np.sin(np.pi * 5 / 400) + 1e-3


def test_block_model_communities_are_drawn_apart():
    run = Exploration.build({"n_citizens": 400, "rng": 5, "network": "stochastic_block"})
    picture = run.drawing
    community = run.model.network.community[picture.nodes]
    assert picture.layout == "communities" and np.unique(community).size > 1
    pos = np.column_stack([picture.x, picture.y])
    centres = np.array([pos[community == c].mean(axis=0) for c in np.unique(community)])
    spread = max(np.linalg.norm(pos[community == c] - centres[k], axis=1).max()
                 for k, c in enumerate(np.unique(community)))
    gaps = np.linalg.norm(centres[:, None] - centres[None], axis=2)
    # every community lies in a disc around its centre, and the discs do not overlap
    assert gaps[np.triu_indices(len(centres), 1)].min() > 2 * spread
    assert "Each disc is one community" in figures.legend_html(run.model, picture, 1.0, 5)


def test_edges_are_one_path_between_the_drawn_positions(run):
    backdrop = figures.network_backdrop(run.drawing)
    go.Figure(layout=backdrop)
    (shape,) = backdrop["shapes"]
    segments = shape["path"].split("M")[1:]
    assert len(segments) == run.model.network.adjacency.nnz // 2  # every edge, once
    x, y = run.drawing.x, run.drawing.y
    i, j = run.drawing.edges[0]
    assert segments[0] == f"{x[i]},{y[i]}L{x[j]},{y[j]}"
    assert run.model.network.adjacency[run.drawing.nodes[i], run.drawing.nodes[j]] == 1


def test_large_population_is_drawn_as_a_connected_snowball_sample():
    big = Exploration.build({"n_citizens": 5000, "rng": 2})
    picture = big.drawing
    assert picture.sampled and picture.nodes.size == drawing.DRAW_LIMIT
    # A uniform sample of 1,000 of 5,000 on a degree-8 graph keeps about
    # 1000 * 999 / 2 * 8 / 4999 = 800 edges; a snowball keeps neighbourhoods: over twice that.
    assert picture.edges.shape[0] > 2 * 800
    figure = figures.network_figure(big.model, picture)
    assert _markers(figure) == drawing.DRAW_LIMIT
    assert "snowball sample of 1,000 of 5,000" in figure["layout"]["title"]["text"]


def test_snowball_sample_restarts_when_a_component_is_exhausted():
    import scipy.sparse as sp

    from simulation.network import adjacency_from_edges

    # Ten disjoint triangles: any sample of 12 must span several components.
    src = np.array([3 * c + i for c in range(10) for i in (0, 1, 2)])
    dst = np.array([3 * c + (i + 1) % 3 for c in range(10) for i in (0, 1, 2)])
    adjacency = adjacency_from_edges(30, src, dst)
    nodes = drawing.snowball_sample(sp.csr_array(adjacency), 12, np.random.default_rng(0),
                                    n_roots=1)
    assert nodes.size == 12 and np.unique(nodes // 3).size >= 4


# --- figures ---------------------------------------------------------------------------------
def test_every_figure_is_a_valid_plotly_figure(run, model):
    model.run_for(2)
    builds = (lambda m: figures.network_figure(m, run.drawing), figures.disclosure_figure,
              figures.score_figure, figures.threshold_figure, figures.category_figure)
    for build in builds:
        figure = build(model)
        # raises on any property plotly does not know
        go.Figure({"data": figure["data"], "layout": figure["layout"]})
        assert figure["step"] == 2


def test_network_colours_are_shares_disclosed_and_diamonds_are_sharers(run, model):
    model.run_for(4)
    hides, shows = figures.network_figure(model, run.drawing)["data"]
    assert len(shows["x"]) == int(model.population.shares_score.sum())
    assert shows["marker"]["symbol"] == "diamond" and hides["marker"]["symbol"] == "circle"
    share = figures.disclosure_share(model)
    sharers = np.flatnonzero(model.population.shares_score)
    assert shows["marker"]["color"] == pytest.approx(share[sharers], abs=1e-3)
    assert [row[0] for row in shows["customdata"]] == sharers.tolist()


def test_time_series_follow_the_collected_outputs(model):
    model.run_for(5)
    frame = model.dataframe()
    traces = {t["name"]: t for t in figures.disclosure_figure(model)["data"]}
    assert traces["mean disclosure"]["y"] == pytest.approx(frame["mean_disclosure"].tolist(),
                                                           abs=1e-5)
    assert traces["sharing rate"]["x"] == list(range(6))


def test_threshold_and_category_plots_are_named_from_the_parameters():
    custom = build_model({"n_citizens": 100, "rng": 1, "thresholds": (620.0, 712.5),
                          "benefits": (1.0, 0.4)})
    names = [t["name"] for t in figures.threshold_figure(custom)["data"]]
    assert names == ["score ≥ 620", "score ≥ 712.5"]
    assert [c for c in output_columns(custom.params) if c.startswith("share_above_")] == [
        "share_above_620", "share_above_712.5"]
    scores = figures.score_figure(custom)
    assert [s["x0"] for s in scores["layout"]["shapes"]] == [620.0, 712.5]
    assert sum(scores["data"][0]["y"]) == 100
    bars = figures.category_figure(custom)["data"][0]
    assert bars["y"] == [c.replace("_", " ") for c in custom.params.categories]
    assert bars["marker"]["color"].count("#bbbbbb") == 2  # the two unscored categories


def test_legend_names_step_size_and_colours(run, model):
    model.run_for(2)
    text = figures.legend_html(model, run.drawing, 1.5, 5)
    assert '<span class="datarovers-step">2</span>' in text
    assert '<span class="datarovers-size">300</span>' in text
    assert "dark purple (none) to yellow (all)" in text and "diamond" in text
    assert "λ = 0.5 · imputation penalize" in text and "benefits × 1.5" in text
    assert "seed 5" in text and "chords across the ring" in text


# --- the page, rendered ------------------------------------------------------------------------
def test_page_has_the_plots_and_the_controls_and_no_mesa_extras(rendered):
    assert set(_figures(rendered)) == {"network", "disclosure", "scores", "thresholds",
                                       "categories"}
    labels = {w.label.split(" = ")[0] for w in rendered.find(v.Slider).widgets}
    assert labels == {"Citizens N", "Mean degree z", "Inference skepticism λ",
                      "Data correlation ρ", "Completeness bonus β", "Privacy concern μ_v",
                      "Benefits B_j ×", "Seed"}  # no Play Interval, Render Interval
    assert _slider(rendered, "Citizens N").label == "Citizens N = 1,000"
    assert not rendered.find(v.Checkbox).widgets  # no Use Threads
    assert not rendered.find(v.Tab).widgets  # no "Page 0" tab
    rules = rendered.find(v.Select, label="Decision rule").widget
    assert rules.items == list(DECISION_RULES)
    legend = rendered.find(solara.widgets.HTML).widget.unsafe_innerHTML
    assert '<span class="datarovers-step">0</span>' in legend


def test_step_button_advances_the_model_and_redraws_the_plots(rendered):
    before = _figures(rendered)["disclosure"]
    _click(rendered, "Step")
    figures_now = _figures(rendered)
    assert {f["step"] for f in figures_now.values()} == {1}
    assert figures_now["disclosure"] != before
    legend = rendered.find(solara.widgets.HTML).widget.unsafe_innerHTML
    assert '<span class="datarovers-step">1</span>' in legend


def test_population_slider_and_reset_build_a_new_model(rendered):
    _click(rendered, "Step")
    slider = _slider(rendered, "Citizens N")
    slider.v_model = 200
    assert _slider(rendered, "Citizens N").label == "Citizens N = 200"  # shows the value
    assert _markers(_figures(rendered)["network"]) == 1000  # takes effect at Reset only
    _click(rendered, "Reset")
    network = _figures(rendered)["network"]
    assert _markers(network) == 200
    assert network["step"] == 0
    widget = rendered.find(plot.PlotlyFigure, name="network").widget
    assert json.loads(widget.backdrop_json)["shapes"][0]["path"].count("M") == 200 * 8 // 2


def test_each_session_builds_its_own_model_and_none_at_import():
    """Two renders of the page (two visitors) hold different models; stepping one leaves the
    other at step 0."""
    _, first = _render_page()
    _, second = _render_page()
    try:
        _click(first, "Step")
        _click(first, "Step")
        assert {f["step"] for f in _figures(first).values()} == {2}
        assert {f["step"] for f in _figures(second).values()} == {0}
    finally:
        first.close()
        second.close()


def test_importing_the_app_changes_no_global_setting_and_builds_no_model():
    probe = """
import solara.server.settings as server, solara.settings as settings
import simulation.model
built = []
original = simulation.model.DisclosureModel.__init__
simulation.model.DisclosureModel.__init__ = lambda self, *a, **k: built.append(1)
before = (server.telemetry.dict(), server.theme.dict(), server.assets.dict(),
          server.kernel.dict(), server.main.dict(), settings.assets.dict())
import simulation.app, simulation.app.page, simulation.app.server
after = (server.telemetry.dict(), server.theme.dict(), server.assets.dict(),
         server.kernel.dict(), server.main.dict(), settings.assets.dict())
assert before == after, (before, after)
assert not built, "a model was built at import"
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_server_settings_are_offline():
    from simulation.app import server

    env = server.offline_environment()
    assert env["SOLARA_APP"] == "simulation.app.page:Page"
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_THEME_SHOW_BANNER"] == "False"  # the badge covered the plots
    assert env["SOLARA_ASSETS_CDN"].startswith("http://127.0.0.1:")
    (plotly_dir,) = json.loads(env["SOLARA_ASSETS_EXTRA_LOCATIONS"])
    assert (__import__("pathlib").Path(plotly_dir) / "plotly.min.js").is_file()


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


def test_viz_rejects_an_address_of_another_machine(capsys):
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
    assert main(["viz", "--host", "192.0.2.1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("datarovers viz: error: --host: got '192.0.2.1', which is not an address of "
                   "this machine; expected an address of this machine such as 127.0.0.1 or "
                   "0.0.0.0")


@pytest.fixture
def served(monkeypatch):
    """Replace the server by a recorder of (host, port)."""
    from simulation.app import server

    calls = []
    monkeypatch.setattr(server, "serve", lambda host, port: calls.append((host, port)))
    return calls


def test_viz_serves_the_app_on_localhost_by_default_without_warning(served, capsys):
    port = str(_free_port())
    assert main(["viz", "--port", port]) == 0
    assert served == [("127.0.0.1", int(port))]
    err = capsys.readouterr().err
    assert "warning" not in err
    assert f"serving http://127.0.0.1:{port}/" in err


@pytest.mark.parametrize("host", ["0.0.0.0", "localhost"])
def test_viz_warns_when_the_app_is_reachable_from_the_network(served, host, capsys):
    assert main(["viz", "--host", host, "--port", str(_free_port())]) == 0
    err = capsys.readouterr().err
    if host == "localhost":
        assert "warning" not in err
    else:
        assert ("datarovers viz: warning: --host 0.0.0.0 makes the app reachable from the "
                "network") in err


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
