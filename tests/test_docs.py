import importlib.util
from pathlib import Path

from simulation.metrics import OUTPUTS
from simulation.params import parameter_table

_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "doc_tables.py"
_spec = importlib.util.spec_from_file_location("doc_tables", _SCRIPT)
doc_tables = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(doc_tables)
ODD, render = doc_tables.ODD, doc_tables.render

def test_odd_tables_match_the_code():
    text = ODD.read_text()
    assert render(text) == text, "run: python scripts/doc_tables.py"


def test_every_parameter_and_output_is_in_the_odd():
    text = ODD.read_text()
    for name, _, _ in parameter_table():
        assert f"`{name}`" in text
    for name in OUTPUTS:
        assert f"`{name}`" in text


def test_readme_quick_start_runs(capsys):
    readme = (ODD.parent.parent / "README.md").read_text()
    block = readme.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(block, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "mean_disclosure" in printed and "100" in printed


def test_citation_file_is_valid_citation_file_format():
    """CITATION.cff: the keys, types and values the CFF 1.2.0 schema requires of software."""
    import datetime
    import tomllib

    import yaml

    from experiments.provenance import REPO_ROOT

    cff = yaml.safe_load((REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert isinstance(cff["message"], str) and cff["message"]
    assert isinstance(cff["title"], str) and cff["title"]
    assert cff["authors"] and all(
        isinstance(a, dict) and ({"name", "family-names"} & set(a)) for a in cff["authors"])
    assert cff["type"] in ("software", "dataset")
    datetime.date.fromisoformat(cff["date-released"])
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert str(cff["version"]) == project["version"] and cff["license"] == project["license"]
    allowed = {"cff-version", "message", "type", "title", "abstract", "authors", "version",
               "date-released", "license", "keywords", "repository-code", "url", "doi",
               "identifiers", "preferred-citation", "references", "contact", "commit"}
    assert set(cff) <= allowed, set(cff) - allowed
