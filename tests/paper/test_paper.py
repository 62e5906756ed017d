"""``datarovers paper``: the studies' specs, the quick set end to end, and resuming.

The end-to-end test runs ``datarovers paper --quick`` into a temporary results root and checks
every figure in all four formats (by their files' magic bytes, not just their existence) and
every table; a second build with an executor that refuses every task shows that the figures
and tables are drawn from saved results alone.
"""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from experiments.paper import figures, studies, tables
from experiments.paper.build import build_paper, paper_directory
from experiments.spec import spec_hash
from tests.analysis.helpers import RefusingExecutor, datarovers

#: The first bytes of a valid file of each static format.
MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}


@pytest.mark.parametrize("quick", [False, True], ids=["full", "quick"])
@pytest.mark.parametrize("study", studies.STUDIES, ids=lambda s: s.name)
def test_every_study_spec_is_valid(study, quick, tmp_path):
    """Each bundled spec, full and quick, passes its command's own validation, and the spec
    written beside the outputs reads back to the same document (so the same run directory)."""
    raw = study.document(quick)
    path = tmp_path / f"{study.name}.toml"
    studies.write_spec(raw, path)
    again = tomllib.loads(path.read_text())
    assert again == raw and spec_hash(again) == spec_hash(raw)
    parse = {"sweep": "experiments.spec:parse_spec",
             "compare": "experiments.analysis.compare:parse_compare",
             "sensitivity": "experiments.analysis.sensitivity:parse_sensitivity",
             "tipping": "experiments.analysis.tipping:parse_tipping"}[study.kind]
    module, name = parse.split(":")
    parsed = getattr(__import__(module, fromlist=[name]), name)(again, path)
    assert parsed is not None


def test_quick_changes_touch_existing_keys_only():
    """A quick change names a key of the bundled spec (a typo would add a key the spec
    validation might not see, or silently leave the full value in place)."""
    for study in studies.STUDIES:
        raw = study.document(False)
        for dotted in study.quick:
            *path, key = dotted.split(".")
            table = raw
            for part in path:
                table = table[part]
            assert key in table, f"{study.name}: {dotted}"


def test_with_changes_copies_and_sets_nested_keys():
    raw = {"a": 1, "fixed": {"n": 10, "m": 2}}
    out = studies.with_changes(raw, {"a": 2, "fixed.n": 5})
    assert out == {"a": 2, "fixed": {"n": 5, "m": 2}}
    assert raw == {"a": 1, "fixed": {"n": 10, "m": 2}}


def test_latex_table_has_booktabs_rules_and_escapes_text():
    frame = pd.DataFrame({"Share (%)": [0.123456], "Policy": ["cap_2 & more"]})
    text = tables.to_latex(frame, "A caption with 95 %", "demo")
    for rule in ("\\toprule", "\\midrule", "\\bottomrule"):
        assert text.count(rule) == 1
    assert "Share (\\%)" in text and "cap\\_2 \\& more" in text and "0.1235" in text
    assert "95 \\%" in text and "\\label{tab:demo}" in text


def test_missing_saved_table_is_a_one_line_error(tmp_path):
    from experiments.errors import UsageError

    with pytest.raises(UsageError, match=r"effects\.csv: cannot read the saved table"):
        tables.policy_effects({"drift": tmp_path})


@pytest.mark.slow
def test_paper_quick_end_to_end_and_redrawn_from_saved_results(tmp_path, monkeypatch, capsys):
    """``datarovers paper --quick`` writes every figure (HTML, PNG, SVG, PDF) and every table
    (CSV, LaTeX) and a README naming each; a rebuild recomputes nothing."""
    monkeypatch.chdir(tmp_path)
    results = tmp_path / "results"
    assert datarovers("paper", "--quick", "--workers", "2", "--results", results) == 0
    assert "wrote 7 figures and 4 tables" in capsys.readouterr().out
    paper = paper_directory(results, quick=True)
    readme = (paper / "README.md").read_text()
    for figure in figures.FIGURES:
        for fmt in ("html", "png", "svg", "pdf"):
            path = paper / "figures" / f"{figure.name}.{fmt}"
            data = path.read_bytes()
            assert len(data) > 1000, path
            if fmt in MAGIC:
                assert data.startswith(MAGIC[fmt]), path
            elif fmt == "svg":
                assert b"<svg" in data[:500] and data.rstrip().endswith(b"</svg>"), path
            else:
                assert b"plotly" in data, path
        assert f"`{figure.name}`" in readme and figure.caption in readme
    for table in tables.TABLES:
        frame = pd.read_csv(paper / "tables" / f"{table.name}.csv")
        assert len(frame) > 0, table.name
        tex = (paper / "tables" / f"{table.name}.tex").read_text()
        assert "\\toprule" in tex and "\\bottomrule" in tex
        assert f"`{table.name}`" in readme
    for study in studies.STUDIES:
        assert (paper / "specs" / f"{study.name}.toml").is_file()
        assert f"specs/{study.name}.toml" in readme
    # The cascade table reproduces the theory's shape: no cascade far above the window, and
    # cascades in most runs at its centre.
    window = pd.read_csv(paper / "tables" / "cascade_window.csv").set_index("Mean degree z")
    assert window.loc[9.0, "Global cascades"] == 0 and window.loc[4.0, "Share"] > 0.5

    before = {p: p.stat().st_mtime_ns for p in results.rglob("*.parquet")}
    build_paper(results, True, formats=("html",), executor=RefusingExecutor(), slots=2)
    assert {p: p.stat().st_mtime_ns for p in results.rglob("*.parquet")} == before
