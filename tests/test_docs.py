from experiments.doc_tables import ODD, render
from simulation.metrics import OUTPUTS
from simulation.params import parameter_table


def test_odd_tables_match_the_code():
    text = ODD.read_text()
    assert render(text) == text, "run: python -m experiments.doc_tables"


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
