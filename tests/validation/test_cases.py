"""The validation cases run as tests: quick mode always, full mode marked slow."""

from __future__ import annotations

import csv
import math

import pytest

from experiments import cli, validation
from experiments.validation import cases, report, theory
from experiments.validation.cases import CASES
from experiments.validation.checks import (
    BINOMIAL_ALPHA,
    Check,
    binomial_check,
    bound_check,
    exact_check,
    se_check,
)


def _failures(checks: list[Check]) -> list[str]:
    return [f"{c.point} {c.quantity}: simulated {c.simulated:.6g}, theory {c.theory:.6g}, "
            f"accepted [{c.low:.6g}, {c.high:.6g}]" for c in checks if not c.passed]


@pytest.mark.parametrize("name", list(CASES))
def test_case_passes_in_quick_mode(name):
    checks = CASES[name](True)
    assert checks, f"{name} produced no checks"
    assert not _failures(checks)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_case_passes_in_full_mode(name):
    checks = CASES[name](False)
    assert checks
    assert not _failures(checks)


# --- the harness --------------------------------------------------------------------------------

def test_se_check_passes_within_three_se_plus_allowance_only():
    inside = se_check("c", "p", "q", simulated=1.29, error=0.1, theory=1.0)
    outside = se_check("c", "p", "q", simulated=1.31, error=0.1, theory=1.0)
    allowed = se_check("c", "p", "q", simulated=1.31, error=0.1, theory=1.0, allowance=0.02)
    assert inside.passed and not outside.passed and allowed.passed
    assert (allowed.low, allowed.high) == pytest.approx((0.68, 1.32))
    assert allowed.method == "3 SE + allowance" and inside.method == "3 SE"
    assert not se_check("c", "p", "q", math.nan, 0.0, 1.0, allowance=10.0).passed
    with pytest.raises(ValueError, match="allowance"):
        se_check("c", "p", "q", 1.0, 0.1, 1.0, allowance=-0.1)


def test_binomial_check_allows_no_event_when_the_probability_is_negligible():
    assert BINOMIAL_ALPHA == pytest.approx(0.0027, abs=1e-4)
    assert binomial_check("c", "p", "q", 0, 400, 1e-13).passed
    assert not binomial_check("c", "p", "q", 1, 400, 1e-13).passed
    # Binomial(400, 0.5): mean 200, SD 10; the central 99.73 % is about 200 -/+ 30.
    fair = binomial_check("c", "p", "q", 170, 400, 0.5)
    assert fair.passed and fair.theory == 200 and fair.error == pytest.approx(10)
    assert not binomial_check("c", "p", "q", 168, 400, 0.5).passed


def test_exact_check_needs_equality():
    assert exact_check("c", "p", "q", 12, 12).passed
    assert not exact_check("c", "p", "q", 13, 12).passed
    assert exact_check("c", "p", "q", 1e-13, 0.0, slack=1e-12).passed


def test_case_names_are_the_registry():
    assert tuple(CASES) == validation.CASE_NAMES


def test_run_cases_rejects_an_unknown_case():
    with pytest.raises(ValueError, match="case: got 'wats'"):
        cases.run_cases(True, ["wats"])


def test_a_wrong_theory_fails_the_case(monkeypatch):
    # The harness must be able to fail: shift Verrecchia's theory and the check flips.
    monkeypatch.setattr(theory, "verrecchia_disclosure_rate", lambda c: 1 - 2 * c + 0.05)
    assert _failures(cases.verrecchia_disclosure(True))


def test_bound_check_passes_between_zero_and_the_bound_only():
    assert bound_check("c", "p", "q", 0.0, 1e-9).passed
    assert bound_check("c", "p", "q", 1e-9, 1e-9).passed
    assert not bound_check("c", "p", "q", 1.1e-9, 1e-9).passed


def test_ignoring_the_state_fails_the_state_access_case(monkeypatch):
    # The theory without the state's factor (a = 0) must fail the rows with a > 0.
    real = theory.state_access_disclosure_probability
    monkeypatch.setattr(theory, "state_access_disclosure_probability",
                        lambda g, k, chi, a, pi, mu, s: real(g, k, chi, 0.0, pi, mu, s))
    assert any("a=1" in f for f in _failures(cases.state_access_disclosure(True)))


def test_the_plain_mean_fails_the_degroot_case(monkeypatch):
    # Concern converges to the degree-weighted mean, not the plain mean of the initial concern.
    monkeypatch.setattr(theory, "degroot_limit", lambda initial, degree: float(initial.mean()))
    failed = _failures(cases.degroot_concern(True))
    assert any("degree-weighted mean at T" in f for f in failed)
    assert any("max_i |v_i(T) - M_0|" in f for f in failed)


def test_a_one_citizen_shift_fails_the_quantile_population(monkeypatch):
    # Exact Granovetter rows: a theory one adopter off must fail.
    real = theory.granovetter_equilibrium
    monkeypatch.setattr(theory, "granovetter_equilibrium", lambda values: real(values) + 1)
    checks = cases.granovetter_thresholds(True)
    assert any("expected-value thresholds sd=" in f for f in _failures(checks))


def test_watts_finite_size_allowance_is_the_binomial_degree_shift():
    # The allowance is |P_N - P_inf|, of order z/N, and shrinks with N.
    shifts = [abs(theory.watts_cascade_probability(3.0, 0.18, n)
                  - theory.watts_cascade_probability(3.0, 0.18)) for n in (1000, 10000)]
    assert 0 < shifts[1] < shifts[0] < 5e-3
    assert shifts[1] == pytest.approx(shifts[0] / 10, rel=0.2)


def test_run_to_rest_stops_at_the_fixed_point():
    model = cases.ring_model(20, 2, rng=1)
    assert cases.run_to_rest(model, 100) == 9
    assert model.steps == 10  # the tenth step changed nothing


# --- the command --------------------------------------------------------------------------------

def _fake_cases(monkeypatch, passing: bool):
    fake = {"demo": lambda quick: [se_check("demo", "x=1", "value", 1.0 if passing else 2.0,
                                            0.0, 1.0, "fake", allowance=0.1)]}
    monkeypatch.setattr(cases, "CASES", fake)
    monkeypatch.setattr("experiments.cli.validate.CASE_NAMES", tuple(fake))


def test_validate_writes_csv_and_markdown_and_exits_0(monkeypatch, tmp_path, capsys):
    _fake_cases(monkeypatch, passing=True)
    assert cli.main(["validate", "--quick", "--out", str(tmp_path)]) == 0
    with (tmp_path / "validation_quick.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["case"] == "demo" and rows[0]["status"] == "PASS"
    assert float(rows[0]["high"]) == pytest.approx(1.1)
    markdown = (tmp_path / "validation_quick.md").read_text()
    assert "1 of 1 checks pass" in markdown and "| demo | x=1 | value |" in markdown
    header = report.read_header(tmp_path / "validation_quick.md")
    assert header["validation code"] == validation.code_version()
    assert "PASS" in capsys.readouterr().out


def test_validate_exits_1_when_a_check_fails(monkeypatch, tmp_path, capsys):
    _fake_cases(monkeypatch, passing=False)
    assert cli.main(["validate", "--out", str(tmp_path)]) == 1
    assert "**FAIL**" in (tmp_path / "validation.md").read_text()
    assert "1 check(s) failed" in capsys.readouterr().out


def test_validate_rejects_an_unknown_case(tmp_path, capsys):
    assert cli.main(["validate", "--case", "wats", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--case: got 'wats', expected one of watts_2002" in err
    assert len(err.strip().splitlines()) == 1


def test_validate_reports_an_unwritable_directory(monkeypatch, tmp_path, capsys):
    _fake_cases(monkeypatch, passing=True)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert cli.main(["validate", "--out", str(blocker)]) == 2
    assert "--out: cannot write" in capsys.readouterr().err


def test_partial_and_quick_runs_do_not_overwrite_the_full_table():
    assert report.table_stem(quick=False, subset=False) == "validation"
    assert report.table_stem(quick=True, subset=False) == "validation_quick"
    assert report.table_stem(quick=False, subset=True) == "validation_partial"


def test_the_command_module_imports_no_case_at_load():
    # The command module's own top-level imports stay light (the CLI loads every command).
    import ast
    import inspect

    from experiments.cli import validate

    tree = ast.parse(inspect.getsource(validate))
    top = {alias.name.split(".")[0] if isinstance(node, ast.Import) else node.module
           for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)
           for alias in node.names}
    heavy = {"numpy", "scipy", "rich", "simulation", "experiments.validation.cases",
             "experiments.validation.report", "experiments.validation.checks"}
    assert not top & heavy
