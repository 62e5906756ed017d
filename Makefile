# Two commands do all setup: `make run` (the main job) and `make test` (the test suite).
# Both create .venv with a Python >= 3.12 found on this machine and install the pinned
# environment (requirements-lock.txt) plus this package, once.

VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test setup clean

# The default experiment: a sweep (resumes if interrupted), then its summary and figures
# under results/incentives/<spec hash>/.
SPEC := experiments/specs/incentives.toml

run: $(STAMP)
	$(VENV)/bin/datarovers sweep $(SPEC)
	$(VENV)/bin/datarovers summarize $(SPEC)

test: $(STAMP)
	$(VENV)/bin/python -m pytest -n 2 --dist loadgroup

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
