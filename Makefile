# Two commands do all setup: `make run` (the main job) and `make test` (the test suite).
# Both create .venv with a Python >= 3.12 found on this machine and install the pinned
# environment (requirements-lock.txt) plus this package, once.

VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test setup chromium clean

# The default experiment: a sweep (resumes if interrupted), then its summary and figures
# under results/incentives/<spec hash>/.
SPEC := experiments/specs/incentives.toml

run: $(STAMP)
	$(VENV)/bin/datarovers sweep $(SPEC)
	$(VENV)/bin/datarovers summarize $(SPEC)

test: $(STAMP) chromium
	$(VENV)/bin/python -m pytest -n 2 --dist loadgroup

# The suite's browser tests (Playwright) and static figure export (kaleido) drive Debian's
# Chromium, never a download: installed with apt-get when missing (as root or with sudo),
# otherwise one line saying what to install.
CHROMIUM := /usr/bin/chromium

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; \
	  else echo "error: the tests need Debian's Chromium at $(CHROMIUM); install it with 'apt-get install chromium' as root, then run make test again" >&2; exit 2; fi; \
	  if ! command -v apt-get >/dev/null 2>&1; then \
	    echo "error: the tests need Chromium at $(CHROMIUM) and this machine has no apt-get; install your system's chromium package there" >&2; exit 2; fi; \
	  echo "Installing Debian's chromium (needed by the browser and figure-export tests)"; \
	  $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || \
	    { echo "error: apt-get could not install chromium; install it by hand ('apt-get install chromium') and run make test again" >&2; exit 2; }; \
	  if [ ! -x $(CHROMIUM) ]; then \
	    echo "error: apt-get installed chromium but $(CHROMIUM) is still missing; install Debian's chromium package" >&2; exit 2; fi; \
	fi

setup: $(STAMP)

# An existing .venv is kept if its Python is new enough; the lock and the package are
# (re)installed whenever pyproject.toml or requirements-lock.txt change.
$(STAMP): pyproject.toml requirements-lock.txt
	@if ! $(VENV)/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  py=""; \
	  for cand in python3 python3.12 python3.13 python3.14 \
	              $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python 2>/dev/null); do \
	    if command -v $$cand >/dev/null 2>&1 && \
	       $$cand -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	      py=$$cand; break; \
	    fi; \
	  done; \
	  if [ -z "$$py" ]; then \
	    echo "error: datarovers needs Python 3.12 or newer (Mesa 3.5 requires it), and none was" >&2; \
	    echo "found as python3, python3.12, python3.13, python3.14 or under pyenv. Install one," >&2; \
	    echo "e.g. 'pyenv install 3.12', and run make again." >&2; \
	    exit 1; \
	  fi; \
	  echo "Using $$($$py -c 'import sys; print(sys.executable, sys.version.split()[0])')"; \
	  rm -rf $(VENV) && $$py -m venv $(VENV); \
	fi
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r requirements-lock.txt
	$(VENV)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

clean:
	rm -rf $(VENV)
