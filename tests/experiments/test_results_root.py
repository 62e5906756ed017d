"""Results go where the user stands (or to $DATAROVERS_RESULTS), never beside the package."""

from __future__ import annotations

from pathlib import Path

from experiments.cli import build_parser, main
from experiments.storage import RESULTS_ENV, default_results_root

SPEC = """
name = "here"
root_seed = 1
replications = 1
steps = 2
[fixed]
n_citizens = 20
[outcomes]
final = ["mean_disclosure"]
"""


def test_the_default_root_is_results_in_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.delenv(RESULTS_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_results_root() == tmp_path / "results"
    for command in (["sweep", "x.toml"], ["tipping", "x.toml"], ["summarize", "x"]):
        assert build_parser().parse_args(command).results == tmp_path / "results"


def test_the_environment_variable_overrides_it(tmp_path, monkeypatch):
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "elsewhere"))
    assert default_results_root() == tmp_path / "elsewhere"
    assert build_parser().parse_args(["validate"]).out == tmp_path / "elsewhere" / "validation"


def test_a_sweep_writes_under_the_working_directory(tmp_path, monkeypatch):
    import experiments

    monkeypatch.delenv(RESULTS_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.toml").write_text(SPEC)
    assert main(["sweep", "spec.toml", "--workers", "1"]) == 0
    written = list((tmp_path / "results" / "here").glob("*/results.parquet"))
    assert len(written) == 1
    package = Path(experiments.__file__).resolve().parent
    assert not written[0].resolve().is_relative_to(package)


def test_provenance_names_no_commit_outside_the_packages_own_checkout(tmp_path):
    import subprocess

    from experiments.provenance import REPO_ROOT, git_state

    if (REPO_ROOT / ".git").exists():  # the checkout the tests run in, if it is one
        assert git_state(REPO_ROOT)["commit"] is not None
    project = tmp_path / "someone-elses-project"
    (project / "venv" / "site-packages").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    subprocess.run(["git", "-C", str(project), "-c", "user.email=a@b", "-c", "user.name=a",
                    "commit", "-q", "--allow-empty", "-m", "x"], check=True)
    # an installed package inside another repository has no commit of its own
    assert git_state(project / "venv" / "site-packages") == {"commit": None, "dirty": None}
    assert git_state(tmp_path / "nowhere") == {"commit": None, "dirty": None}


def test_an_installed_copy_is_identified_by_version_and_file_hash(tmp_path):
    import shutil

    from experiments.provenance import REPO_ROOT, code_files_hash, code_state

    installed = tmp_path / "site-packages"
    for package in ("simulation", "experiments"):
        shutil.copytree(REPO_ROOT / package, installed / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    (installed / "simulation" / "__pycache__").mkdir(exist_ok=True)
    (installed / "simulation" / "__pycache__" / "x.pyc").write_bytes(b"cache")  # not code
    state = code_state(installed)
    assert state["source"] == "installed" and state["commit"] is None
    assert state["version"] and "not the top of a git work tree" in state["commit_missing"]
    # the same files as the checkout: the same hash; an edited file: another
    assert state["files"] == code_files_hash(REPO_ROOT) == state["identity"]
    code_files_hash.cache_clear()
    (installed / "simulation" / "params.py").write_text("# edited\n", encoding="utf-8")
    assert code_files_hash(installed) != code_files_hash(REPO_ROOT)
    code_files_hash.cache_clear()


def test_a_checkout_is_identified_by_its_commit():
    from experiments.provenance import REPO_ROOT, code_state

    state = code_state(REPO_ROOT)
    if (REPO_ROOT / ".git").exists():
        assert state["source"] == "git checkout" and len(state["commit"]) == 40
        assert state["identity"].startswith(state["commit"])
    else:  # an installed copy of the tests
        assert state["source"] == "installed" and state["files"].startswith("sha256:")
