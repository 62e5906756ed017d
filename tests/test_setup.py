"""The README's setup (make) finds a Python >= 3.12 or says clearly that there is none."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_setup_without_a_suitable_python_fails_with_a_clear_message(tmp_path):
    for name in ("Makefile", "pyproject.toml", "requirements-lock.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("make", "sh", "ls", "rm"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    old = "/usr/bin/python3.11"
    if Path(old).exists():  # an interpreter that is too old must be passed over
        os.symlink(old, bin_dir / "python3")
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "none")}
    done = subprocess.run(["make", "setup"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    assert "needs Python 3.12 or newer" in done.stderr
    assert not (tmp_path / ".venv").exists()


def _fake_tools(tmp_path: Path, uid: int, tools: dict[str, str]) -> dict[str, str]:
    """A PATH with make, sh and chmod, an ``id`` answering ``uid``, and the fake scripts given."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("make", "sh", "chmod"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    scripts = {"id": f"echo {uid}", **tools}
    for name, body in scripts.items():
        path = bin_dir / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)
    return {"PATH": str(bin_dir), "HOME": str(tmp_path)}


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_missing_chromium_without_root_or_sudo_is_one_clear_line(tmp_path):
    env = _fake_tools(tmp_path, 1000, {})
    done = subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "chromium",
                           f"CHROMIUM={tmp_path / 'no-chromium'}"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "apt-get install chromium" in lines[0], done.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_missing_chromium_is_installed_with_apt_get_as_root(tmp_path):
    chromium = tmp_path / "chromium"
    calls = tmp_path / "apt-calls"
    # A fake apt-get that logs its arguments and "installs" the browser on `install`.
    apt = (f'echo "$@" >> {calls}\n'
           f'case "$*" in *install*) printf "#!/bin/sh\\n" > {chromium}; '
           f'chmod +x {chromium};; esac')
    env = _fake_tools(tmp_path, 0, {"apt-get": apt, "env": 'shift; "$@"'})
    done = subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "chromium",
                           f"CHROMIUM={chromium}"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert calls.read_text().splitlines() == ["update -qq", "install -y -qq chromium"]
    assert os.access(chromium, os.X_OK)
    # Present now: nothing is installed again.
    calls.unlink()
    again = subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "chromium",
                            f"CHROMIUM={chromium}"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and not calls.exists()
