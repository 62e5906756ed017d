"""Nonsense is refused at validation, in one line with exit status 2, before any task runs."""

from __future__ import annotations

import pytest

from experiments.cli import main

BASE = """
name = "bad"
root_seed = 1
steps = 4
[fixed]
n_citizens = 50
[outcomes]
final = ["mean_disclosure"]
"""


def _sweep(tmp_path, text: str, *more: str) -> tuple[int, str]:
    spec = tmp_path / "bad.toml"
    spec.write_text(text)
    status = main(["sweep", str(spec), "--results", str(tmp_path / "results"), "--workers", "1",
                   *more])
    return status


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize(("text", "message"), [
    (BASE + "[[events]]\nstep = 2\ntarget = 'privacy_concern'\nmultiply = nan\n",
     "multiply: got nan, expected a finite number"),
    (BASE + "[[events]]\nstep = 2\ntarget = 'privacy_concern'\nmultiply = inf\n",
     "multiply: got inf, expected a finite number"),
    (BASE.replace("[fixed]", "[fixed]\nthresholds = [600, 600, 600, 600]"),
     "expected strictly increasing values"),
    (BASE.replace("[fixed]", "[fixed]\ncategories = { a = { weight = 0.5, sensitivity = 0.1 }, "
                  "'' = { weight = 0.5, sensitivity = 0.1 } }"),
     "categories"),
    (BASE + "[grid]\nmean_degree = [4, 4.0]\n", "got 4 more than once in [4, 4.0]"),
    (BASE + "[grid]\nrewiring_prob = [0.1, 0.10]\n", "more than once"),
    (BASE.replace("[fixed]", "[fixed]\nnetwork = 'edge_list'\nedge_list = 'missing.txt'"),
     "'missing.txt' is not a file"),
    (BASE + "[grid]\n" + "\n".join(f"weight_{c} = {list(range(20))}" for c in
                                   ("financial_history", "education", "employer",
                                    "professional_network", "driving_behaviour")),
     "3,200,000 points; expected at most 100,000"),
    (BASE + "[sample]\nmethod = 'latin'\nn = 1000000000\n"
     "bounds = { completeness_bonus = [0.0, 0.3] }\n", "expected at most 100,000 points"),
    (BASE.replace("n_citizens = 50", "n_citizens = 1e9"), "are available; expected a smaller"),
], ids=["event multiplies by nan", "event multiplies by inf", "thresholds 600 four times",
        "an empty category name", "grid values 4 and 4.0", "grid values 0.1 and 0.10",
        "a missing edge-list file", "a grid of 3.2 million points", "a Latin hypercube of 10^9",
        "n_citizens = 1e9 in [fixed]"])
def test_a_bad_spec_is_one_line_and_runs_nothing(tmp_path, capsys, text, message):
    assert _sweep(tmp_path, text) == 2
    line = _one_error_line(capsys)
    assert message in line, line
    assert len(line) < 600
    assert not (tmp_path / "results").exists()  # nothing was started


def test_the_same_checks_apply_to_a_dry_run(tmp_path, capsys):
    text = BASE.replace("n_citizens = 50", "n_citizens = 1e9")
    assert _sweep(tmp_path, text, "--dry-run") == 2
    assert "need about" in _one_error_line(capsys)


def test_force_lets_a_large_model_past_the_memory_check(tmp_path, capsys):
    text = BASE.replace("n_citizens = 50", "n_citizens = 1e9")
    assert _sweep(tmp_path, text, "--dry-run", "--force") == 0


def test_an_event_after_the_last_step_is_a_warning_or_with_strict_an_error(tmp_path, capsys):
    text = BASE + "[[events]]\nstep = 9\ntarget = 'privacy_concern'\nmultiply = 2.0\n"
    assert _sweep(tmp_path, text) == 0
    assert "[[events]] at step 9 (privacy_concern) comes after the last step, 4" in \
        capsys.readouterr().err
    assert _sweep(tmp_path, text, "--strict") == 2
    assert "--strict refuses warnings" in _one_error_line(capsys)


def test_a_run_of_a_model_too_large_for_the_machine_is_refused(tmp_path, capsys):
    assert main(["run", "--set", "n_citizens=1e9", "--out", str(tmp_path / "r")]) == 2
    line = _one_error_line(capsys)
    assert "1,000,000,000 citizens with mean degree 8 need about" in line
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(("content", "message"), [
    (b"\0" * (1 << 20), "line 1: a NUL byte, so not a text file"),
    (b"a a\nb b\nc c\n", "has only self-loops (3 citizens"),
    (b"a b c d e f g h " * 50_000 + b"\n", "line 1: got 'a b c d e f g h a b c d e f g h a"),
], ids=["1 MB of NUL bytes", "only self-loops", "one line of 800 kB"])
def test_a_bad_edge_list_is_one_short_line(tmp_path, capsys, content, message):
    edges = tmp_path / "edges.txt"
    edges.write_bytes(content)
    assert main(["run", "--steps", "1", "--set", "network='edge_list'", "--set",
                 f"edge_list='{edges}'", "--out", str(tmp_path / "r")]) == 2
    line = _one_error_line(capsys)
    assert message in line and len(line) < 400, line[:500]


def test_an_overlong_message_is_cut(capsys):
    from experiments.cli import one_line

    cut = one_line("x" * 5_000_000)
    assert len(cut) <= 1500 and cut.endswith("(5,000,000 characters)")
    assert one_line("two\nlines") == "two lines"


def test_a_run_with_an_event_after_its_last_step_warns_or_with_strict_fails(tmp_path, capsys):
    event = "events=[{step = 9, target = 'privacy_concern', multiply = 2.0}]"
    assert main(["run", "--steps", "3", "--set", "n_citizens=50", "--set", event, "--out",
                 str(tmp_path / "a")]) == 0
    assert "warning: the event at step 9 (privacy_concern) comes after the last step, 3" in \
        capsys.readouterr().err
    assert main(["run", "--steps", "3", "--set", "n_citizens=50", "--set", event, "--strict",
                 "--out", str(tmp_path / "b")]) == 2
    assert "--strict refuses warnings" in _one_error_line(capsys)
    assert not (tmp_path / "b").exists()


def test_a_network_without_edges_is_a_warning_or_with_strict_an_error(tmp_path, capsys):
    args = ["run", "--steps", "2", "--set", "n_citizens=20", "--set", "network='erdos_renyi'",
            "--set", "mean_degree=0"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert "warning: the erdos_renyi network has no edges" in capsys.readouterr().err
    assert main([*args, "--strict", "--out", str(tmp_path / "b")]) == 2
    assert "--strict refuses warnings" in _one_error_line(capsys)
