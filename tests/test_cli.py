import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.cli import main
from experiments.errors import UsageError
from experiments.overrides import parse_assignments, parse_value


def test_run_writes_parquet_and_manifest(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "--steps", "5", "--rng", "3", "--out", str(out),
                 "--set", "n_citizens=150", "--set", "network=erdos_renyi"]) == 0
    frame = pd.read_parquet(out / "timeseries.parquet")
    assert len(frame) == 6 and "mean_disclosure" in frame.columns
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["status"] == "completed"
    assert manifest["params"]["network"] == "erdos_renyi"
    assert manifest["packages"]["mesa"] == "3.5.1"
    assert {"commit", "dirty"} <= set(manifest["git"])
    printed = capsys.readouterr().out
    assert "mean_disclosure" in printed and "share_above_650" in printed


def test_run_is_reproducible_from_its_manifest(tmp_path):
    for name in ("a", "b"):
        assert main(["run", "--steps", "4", "--rng", "9", "--out", str(tmp_path / name),
                     "--set", "n_citizens=120"]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a" / "timeseries.parquet"),
                                  pd.read_parquet(tmp_path / "b" / "timeseries.parquet"))


def test_run_never_overwrites(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "--steps", "1", "--out", str(out), "--set", "n_citizens=50"]) == 0
    before = (out / "manifest.json").read_text()
    assert main(["run", "--steps", "1", "--out", str(out), "--set", "n_citizens=50"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "manifest.json").read_text() == before


@pytest.mark.parametrize(("argv", "fragments"), [
    (["--set", "revison_rate=0.2"], ["revison_rate", "did you mean 'revision_rate'"]),
    (["--set", "n_citizens=abc"], ["n_citizens", "'abc'", "an integer"]),
    (["--set", "revision_rate=7"], ["revision_rate", "<= 1.0"]),
    (["--set", "network=smallworld"], ["network", "smallworld", "expected one of"]),
    (["--set", "rule"], ["--set 'rule'", "expected name=value"]),
    (["--set", "=3"], ["expected name=value"]),
    (["--set", "rule=norm", "--set", "rule=imitation"], ["rule is set twice"]),
    (["--set", "network=edge_list", "--set", "edge_list='/no/such/file.txt'"],
     ["edge_list", "cannot read", "/no/such/file.txt"]),
])
def test_bad_input_one_line_exit_2(tmp_path, capsys, argv, fragments):
    code = main(["run", "--steps", "1", "--out", str(tmp_path / "x"), *argv])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err
    assert not (tmp_path / "x").exists()


def test_malformed_edge_list_file(tmp_path, capsys):
    edges = tmp_path / "edges.txt"
    edges.write_text("a b\nb c d e\n")
    code = main(["run", "--steps", "1", "--out", str(tmp_path / "x"), "--set",
                 "network=edge_list", "--set", f"edge_list='{edges}'"])
    assert code == 2
    assert "line 2" in capsys.readouterr().err


def test_edge_list_network_runs(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("# a triangle and a tail\nann bob\nbob cy\ncy ann\ncy dee 2.5\n")
    out = tmp_path / "run"
    assert main(["run", "--steps", "3", "--rng", "1", "--out", str(out), "--set",
                 "network=edge_list", "--set", f"edge_list='{edges}'"]) == 0
    assert json.loads((out / "manifest.json").read_text())["n_citizens"] == 4


@pytest.mark.parametrize("argv", [["run", "--steps", "-1"], ["run", "--steps", "x"],
                                  ["run", "--rng", "seed"], ["run", "--bogus"], ["fly"]])
def test_bad_flags_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_parse_values():
    assert parse_value("0.3") == 0.3 and parse_value("true") is True
    assert parse_value("[1, 2]") == [1, 2] and parse_value("erdos_renyi") == "erdos_renyi"
    assert parse_assignments(["a=1", "b = x"]) == {"a": 1, "b": "x"}
    with pytest.raises(UsageError):
        parse_assignments(["a"])


def test_console_script_end_to_end(tmp_path):
    """The installed `datarovers` command: exit 2 and one line, no traceback."""
    script = Path(sys.executable).parent / "datarovers"
    done = subprocess.run([str(script), "run", "--set", "mean_degree=3"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "datarovers run: error: mean_degree: got 3 for network='watts_strogatz', expected an "
        "even integer >= 2"]


def _prepared(tmp_path):
    from experiments.single_run import prepare

    return prepare({"n_citizens": 100}, 5, tmp_path / "run")


def test_ctrl_c_keeps_the_finished_steps(tmp_path):
    from experiments.single_run import RunInterrupted, execute

    def stop_at_three(done):
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(RunInterrupted) as info:
        execute(_prepared(tmp_path), 10, progress=stop_at_three)
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["steps_completed"] == 3
    assert len(pd.read_parquet(tmp_path / "run" / "timeseries.parquet")) == 4
    assert info.value.record.directory == tmp_path / "run"


def test_a_crash_keeps_the_finished_steps_and_the_traceback(tmp_path, monkeypatch):
    from experiments.single_run import RunFailed, execute

    prepared = _prepared(tmp_path)
    real_step = prepared.model.step

    def failing_step():
        if prepared.model.steps == 2:
            raise FloatingPointError("boom")
        real_step()

    monkeypatch.setattr(prepared.model, "step", failing_step)
    with pytest.raises(RunFailed, match="failed at step 3"):
        execute(prepared, 10)
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["status"] == "failed" and "FloatingPointError: boom" in manifest["traceback"]
    assert len(pd.read_parquet(tmp_path / "run" / "timeseries.parquet")) == 3


#: Modules that ``--help`` must not load (each takes from 0.1 s to seconds to import).
HEAVY_MODULES = ("simulation", "mesa", "pandas", "scipy", "numba", "numpy", "plotly", "dask",
                 "SALib", "pyarrow", "networkx", "solara")


@pytest.mark.parametrize("command", [[], ["run"], ["sweep"], ["summarize"], ["sensitivity"],
                                     ["compare"], ["tipping"], ["discover"], ["paper"],
                                     ["viz"], ["validate"]], ids=lambda c: c[0] if c else "top")
def test_help_loads_no_heavy_module(command):
    """``datarovers [COMMAND] --help`` answers without importing the model or the data stack."""
    import subprocess
    import sys

    probe = ("import sys\nfrom experiments.cli import main\n"
             "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
             f"loaded = [m for m in {HEAVY_MODULES!r} if m in sys.modules]\n"
             "print('LOADED', loaded, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe, *command, "--help"],
                          capture_output=True, text=True, timeout=120)
    assert "usage: datarovers" in done.stdout
    assert "LOADED []" in done.stderr, done.stderr


def test_bundled_specs_are_listed_and_usable_by_name(tmp_path, monkeypatch, capsys):
    """``datarovers specs`` lists every bundled spec; a name (or the repository-relative path)
    works from any folder, and a path that exists wins over a bundled name."""
    from experiments.cli import main
    from experiments.paths import BUNDLED_SPECS, resolve_spec

    monkeypatch.chdir(tmp_path)
    assert main(["specs"]) == 0
    out = capsys.readouterr().out
    for file in BUNDLED_SPECS.glob("*.toml"):
        assert out.count(f"\n{file.stem} ") + out.startswith(f"{file.stem} ") == 1
    for given in ("incentives", "incentives.toml", "experiments/specs/incentives.toml"):
        assert resolve_spec(given) == BUNDLED_SPECS / "incentives.toml"
    (tmp_path / "incentives").write_text("")
    assert resolve_spec("incentives") == Path("incentives")
    assert main(["sweep", "compare.toml", "--dry-run", "--results", str(tmp_path)]) == 2
    err = capsys.readouterr().err  # the bundled compare spec, found by name
    assert f"{BUNDLED_SPECS / 'compare.toml'}: [compare]: this is a compare spec; expected " \
           "datarovers compare SPEC" in err
    assert main(["sweep", "discover", "--dry-run", "--results", str(tmp_path)]) == 0
    assert "discover (" in capsys.readouterr().out


def test_unknown_spec_name_says_what_is_expected(tmp_path, monkeypatch, capsys):
    from experiments.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["sweep", "no-such-spec"]) == 2
    assert capsys.readouterr().err == (
        "datarovers sweep: error: no-such-spec: cannot read the spec (No such file or "
        "directory); expected a TOML file or the name of a bundled spec (datarovers specs "
        "lists them)\n")
