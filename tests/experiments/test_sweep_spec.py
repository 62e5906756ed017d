"""Spec loading and validation: good specs give the right design, bad ones a clear error."""

from __future__ import annotations

import re

import pytest
from sweep_helpers import TINY, write_spec

from experiments.errors import UsageError
from experiments.spec import load_spec, parse_spec
from experiments.storage import RunStore, run_directory
from experiments.sweep import build_tasks, task_table


def test_grid_is_the_full_factorial_in_spec_order(tiny_spec):
    spec = load_spec(tiny_spec)
    assert spec.factors == ("completeness_bonus", "inference_skepticism")
    assert [tuple(p.values()) for p in spec.points] == [(0.0, 0.0), (0.0, 1.0), (0.2, 0.0),
                                                       (0.2, 1.0)]
    assert spec.n_tasks == 8
    assert spec.recorded_steps() == [0, 5, 10, 12]
    assert spec.outcomes == ("mean_disclosure", "sharing_rate", "gini_score")


def test_hash_ignores_description_comments_and_key_order(tmp_path):
    base = load_spec(write_spec(tmp_path, TINY, "a.toml"))
    reordered = TINY.replace('description = "a tiny sweep for tests"',
                             '# a comment\ndescription = "other words"')
    reordered = reordered.replace("root_seed = 7\nreplications = 2",
                                  "replications = 2\nroot_seed = 7")
    same = load_spec(write_spec(tmp_path, reordered, "b.toml"))
    changed = load_spec(write_spec(tmp_path, TINY.replace("[0.0, 0.2]", "[0.0, 0.3]"), "c.toml"))
    assert same.spec_hash == base.spec_hash
    assert changed.spec_hash != base.spec_hash
    assert re.fullmatch(r"[0-9a-f]{12}", base.spec_hash)


def test_no_design_runs_the_fixed_parameters_once_per_replication(tmp_path):
    text = TINY.split("[grid]")[0] + '[outcomes]\nseries = ["mean_score"]\n'
    spec = load_spec(write_spec(tmp_path, text))
    assert spec.design == "single" and spec.points == ({},) and spec.n_tasks == 2


def test_latin_hypercube_points_lie_in_bounds_and_are_seeded(tmp_path):
    text = TINY.split("[grid]")[0] + """
[sample]
method = "latin"
n = 20
bounds = { completeness_bonus = [0.0, 0.3], rewiring_prob = [0.0, 0.5] }
"""
    first = load_spec(write_spec(tmp_path, text, "a.toml"))
    again = load_spec(write_spec(tmp_path, text, "b.toml"))
    assert first.points == again.points and len(first.points) == 20
    bonus = sorted(p["completeness_bonus"] for p in first.points)
    assert 0.0 <= bonus[0] and bonus[-1] <= 0.3
    # Latin hypercube: exactly one sample in each of the 20 strata of the range.
    assert sorted(int(b / 0.3 * 20) for b in bonus) == list(range(20))
    other = load_spec(write_spec(tmp_path, text.replace("root_seed = 7", "root_seed = 8"),
                                 "c.toml"))
    assert other.points != first.points


def test_sobol_uses_the_saltelli_scheme_and_rounds_integer_parameters(tmp_path):
    text = TINY.split("[grid]")[0] + """
[sample]
method = "sobol"
n = 8
bounds = { completeness_bonus = [0.0, 0.3], n_citizens = [50, 150] }
"""
    text = text.replace("n_citizens = 100\n", "")
    spec = load_spec(write_spec(tmp_path, text))
    assert len(spec.points) == 8 * (2 + 2)  # N (D + 2) without second-order indices
    assert all(isinstance(p["n_citizens"], int) for p in spec.points)
    assert spec.design == "sobol"


def test_events_pass_through_as_a_parameter(tmp_path):
    text = TINY + """
[[events]]
step = 6
target = "privacy_concern"
multiply = 1.5
"""
    spec = load_spec(write_spec(tmp_path, text))
    assert spec.fixed["events"] == [{"step": 6, "target": "privacy_concern", "multiply": 1.5}]


BAD_SPECS = {
    "unknown parameter in fixed": (
        ("[fixed]\nn_citizens = 100", "[fixed]\nn_citizen = 100"),
        r"spec\.toml: \[fixed\]: n_citizen: unknown parameter; did you mean 'n_citizens'"),
    "unknown parameter in grid": (
        ("completeness_bonus = [", "completness_bonus = ["),
        r"spec\.toml: \[grid\] point 0 of 4 .*completness_bonus: unknown parameter"),
    "wrong type": (
        ("inference_skepticism = [0.0, 1.0]", 'inference_skepticism = [0.0, "high"]'),
        r"\[grid\] point 1 of 4 \(.*inference_skepticism='high'\): inference_skepticism: got "
        r"'high' \(str\), expected a number"),
    "out-of-range value": (
        ("inference_skepticism = [0.0, 1.0]", "inference_skepticism = [0.0, 1.5]"),
        r"\[grid\] point 1 of 4 .*inference_skepticism: got 1\.5, expected a value <= 1\.0"),
    "empty grid": (
        ("completeness_bonus = [0.0, 0.2]\ninference_skepticism = [0.0, 1.0]\n", ""),
        r"spec\.toml: \[grid\]: empty; expected at least one parameter"),
    "empty value list": (
        ("completeness_bonus = [0.0, 0.2]", "completeness_bonus = []"),
        r"\[grid\] completeness_bonus: empty list; expected at least one value"),
    "scalar in grid": (
        ("completeness_bonus = [0.0, 0.2]", "completeness_bonus = 0.2"),
        r"\[grid\] completeness_bonus: got 0\.2, expected a list of values"),
    "invalid TOML": (
        ("steps = 12", "steps = = 12"),
        r"spec\.toml: invalid TOML: .*line 6, column"),
    "unknown top-level key": (
        ("steps = 12", "stesp = 12"),
        r"stesp: unknown key \(did you mean 'steps'\?\)"),
    "missing root seed": (
        ("root_seed = 7\n", ""),
        r"root_seed: missing; expected an integer >= 0"),
    "negative replications": (
        ("replications = 2", "replications = 0"),
        r"replications: got 0, expected an integer >= 1"),
    "unknown outcome": (
        ('"sharing_rate"]', '"sharing_rat"]'),
        r"outcomes: 'sharing_rat' is not an output of point 0; expected one of"),
    "outcome listed twice": (
        ('final = ["gini_score"]', 'final = ["sharing_rate"]'),
        r"\[outcomes\]: sharing_rate listed twice"),
    "factor also fixed": (
        ("n_citizens = 100", "n_citizens = 100\ncompleteness_bonus = 0.1"),
        r"\[grid\] completeness_bonus: is also set in \[fixed\]"),
    "bad event": (
        ("[fixed]", "[[events]]\nstep = 0\ntarget = 'completeness_bonus'\nset = 0.1\n\n"
                    "[fixed]"),
        r"\[\[events\]\]: events\[0\]\.step: got 0, expected an integer >= 1"),
}


@pytest.mark.parametrize("case", BAD_SPECS, ids=list(BAD_SPECS))
def test_bad_spec_is_refused_naming_file_key_and_reason(tmp_path, case):
    (old, new), message = BAD_SPECS[case]
    assert old in TINY
    path = write_spec(tmp_path, TINY.replace(old, new, 1))
    with pytest.raises(UsageError, match=message):
        load_spec(path)


SAMPLE_ERRORS = {
    "unknown method": ('method = "random"\nn = 4\nbounds = { completeness_bonus = [0, 1] }',
                       r"\[sample\] method: got 'random', expected one of latin, sobol"),
    "sobol n not a power of 2": (
        'method = "sobol"\nn = 6\nbounds = { completeness_bonus = [0, 1] }',
        r"\[sample\] n: got 6, expected a power of 2"),
    "inverted bounds": ('method = "latin"\nn = 4\nbounds = { completeness_bonus = [1, 0] }',
                        r"bounds\.completeness_bonus: got \[1, 0\], expected \[low, high\]"),
    "no bounds": ('method = "latin"\nn = 4', r"\[sample\] bounds: got None"),
    "sample point out of range": (
        'method = "latin"\nn = 4\nbounds = { inference_skepticism = [0.5, 2.0] }',
        r"\[sample\] point \d of 4 .*inference_skepticism: got .*expected a value <= 1\.0"),
}


@pytest.mark.parametrize("case", SAMPLE_ERRORS, ids=list(SAMPLE_ERRORS))
def test_bad_sample_design_is_refused(tmp_path, case):
    body, message = SAMPLE_ERRORS[case]
    text = TINY.split("[grid]")[0] + "[sample]\n" + body + "\n"
    with pytest.raises(UsageError, match=message):
        load_spec(write_spec(tmp_path, text))


def test_missing_spec_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match=r"missing\.toml: cannot read the spec \(No such file"):
        load_spec(tmp_path / "missing.toml")


def test_grid_and_sample_together_are_refused():
    with pytest.raises(UsageError, match="either \\[grid\\] or \\[sample\\], not both"):
        parse_spec({"name": "x", "root_seed": 1, "steps": 2, "grid": {"rho": [0.1]},
                    "sample": {}})


def test_unwritable_results_directory_is_a_usage_error(tiny_spec, tmp_path):
    spec = load_spec(tiny_spec)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the results root should be\n")
    with pytest.raises(UsageError, match=r"results directory .*not-a-directory.*: cannot write "
                                         r"there \(.*\); expected a writable directory"):
        RunStore(run_directory(spec, blocker), spec, task_table(build_tasks(spec)))
