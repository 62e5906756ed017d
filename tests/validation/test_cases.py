"""The validation cases run as tests: quick mode always, full mode marked slow."""

from __future__ import annotations

import csv
import math

import pytest

from experiments import cli, validation
from experiments.validation import CASES, Check


def _failures(checks: list[Check]) -> list[str]:
    return [f"{c.point} {c.quantity}: simulated {c.simulated:.6g}, theory {c.theory:.6g}, "
            f"tolerance {c.tolerance:.3g}" for c in checks if not c.passed]


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

def test_check_passes_within_three_se_plus_allowance_only():
    inside = Check("c", "p", "q", simulated=1.29, error=0.1, theory=1.0, allowance=0.0)
    outside = Check("c", "p", "q", simulated=1.31, error=0.1, theory=1.0, allowance=0.0)
    allowed = Check("c", "p", "q", simulated=1.31, error=0.1, theory=1.0, allowance=0.02)
    assert inside.passed and not outside.passed and allowed.passed
    assert allowed.tolerance == pytest.approx(0.32)
    assert not Check("c", "p", "q", math.nan, 0.0, 1.0, 10.0).passed


def test_run_cases_rejects_an_unknown_case():
    with pytest.raises(ValueError, match="case: got 'wats'"):
        validation.run_cases(True, ["wats"])


def test_a_wrong_theory_fails_the_case(monkeypatch):
    # The harness must be able to fail: shift Verrecchia's theory and the check flips.
    monkeypatch.setattr(validation.theory, "verrecchia_disclosure_rate", lambda c: 1 - 2 * c + 0.05)
    assert _failures(validation.verrecchia_disclosure(True))


def test_run_to_rest_stops_at_the_fixed_point():
    model = validation.ring_model(20, 2, rng=1)
    assert validation.run_to_rest(model, 100) == 9
    assert model.steps == 10  # the tenth step changed nothing


# --- the command --------------------------------------------------------------------------------

def _fake_cases(monkeypatch, passing: bool):
    fake = {"demo": lambda quick: [Check("demo", "x=1", "value", 1.0 if passing else 2.0, 0.0,
                                         1.0, 0.1, "fake")]}
    monkeypatch.setattr(validation, "CASES", fake)
    monkeypatch.setattr("experiments.cli.validate.CASES", fake)


def test_validate_writes_csv_and_markdown_and_exits_0(monkeypatch, tmp_path, capsys):
    _fake_cases(monkeypatch, passing=True)
    assert cli.main(["validate", "--quick", "--out", str(tmp_path)]) == 0
    with (tmp_path / "validation_quick.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["case"] == "demo" and rows[0]["status"] == "PASS"
    assert float(rows[0]["tolerance"]) == pytest.approx(0.1)
    markdown = (tmp_path / "validation_quick.md").read_text()
    assert "1 of 1 checks pass" in markdown and "| demo | x=1 | value |" in markdown
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
    assert validation.table_stem(quick=False, subset=False) == "validation"
    assert validation.table_stem(quick=True, subset=False) == "validation_quick"
    assert validation.table_stem(quick=False, subset=True) == "validation_partial"
