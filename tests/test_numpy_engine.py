"""DATAROVERS_KERNELS=0 runs the model on the numpy definitions alone, with the same trajectories.

Choices, scores and concern are equal bit for bit to the compiled run's at every step, for every
rule, network, engine and schedule of the trajectory cases (events included); the outputs, which
the numpy definitions compute in another order of operations, are equal to rounding.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from trajectory_cases import STEPS, cases, name

from simulation import DisclosureModel
from simulation.kernels import outputs as compiled_outputs
from simulation.kernels import table
from simulation.network import csr

#: The trajectory cases, and the same with the state's mechanisms on (access, fear, concern that
#: spreads, an advocacy campaign and a licence deal).
EXTENSIONS = {"state_access": 0.4, "state_fear_sigma": 0.8, "concern_influence": 0.3,
              "n_advocates": 8, "variant": "state"}
CASES = cases() + [
    {**case, **EXTENSIONS,
     "events": [*case["events"], {"step": 2, "target": "advocacy", "multiply": 10.0},
                {"step": 5, "target": "state_access", "set": 0.9}]}
    for case in cases() if case["network"] == "watts_strogatz" and "variant" not in case]


def state(model):
    pop = model.population
    return [a.copy() for a in (pop.disclosed, pop.shares_score, pop.score, pop.privacy_concern)]


def run(case, monkeypatch, kernels):
    """Every step's state and the collected outputs, with the kernels on or off."""
    monkeypatch.setenv(table.SWITCH, kernels)
    model = DisclosureModel(**{k: v for k, v in case.items() if k != "variant"})
    states = [state(model)]
    for _ in range(STEPS):
        model.step()
        states.append(state(model))
    return states, model.dataframe()


@pytest.mark.parametrize("case", CASES, ids=[name(c) for c in CASES])
def test_numpy_definitions_give_the_same_trajectory(case, monkeypatch):
    compiled_states, compiled_frame = run(case, monkeypatch, "1")
    numpy_states, numpy_frame = run(case, monkeypatch, "0")
    for step, (a, b) in enumerate(zip(compiled_states, numpy_states, strict=True)):
        for x, y in zip(a, b, strict=True):
            assert np.array_equal(x, y), f"state differs at step {step}"
    pd.testing.assert_frame_equal(numpy_frame, compiled_frame, check_exact=False, rtol=1e-12,
                                  atol=1e-12)


def test_no_kernel_runs_when_switched_off(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a compiled kernel ran with DATAROVERS_KERNELS=0")

    patched = {key: table.KernelPair(pair.name, pair.definition, refuse)
               for key, pair in table.KERNELS.items()}
    monkeypatch.setattr(table, "KERNELS", patched)
    monkeypatch.setattr(compiled_outputs, "step_outputs", refuse)
    monkeypatch.setattr(csr, "csr_from_edges", refuse)
    monkeypatch.setenv(table.SWITCH, "0")
    for engine in ("vectorized", "agents"):
        model = DisclosureModel(rng=3, n_citizens=300, engine=engine, logit_temperature=0.05)
        model.run_for(5)
        assert 0.0 < model.outputs["mean_disclosure"] <= 1.0
    monkeypatch.setenv(table.SWITCH, "1")  # and the refusals are live: the kernels are called
    with pytest.raises(AssertionError, match="compiled kernel ran"):
        DisclosureModel(rng=3, n_citizens=300)


@pytest.mark.parametrize("value", ["2", "yes", "off", ""])
def test_a_bad_switch_value_is_refused(value, monkeypatch):
    monkeypatch.setenv(table.SWITCH, value)
    with pytest.raises(ValueError, match=r"DATAROVERS_KERNELS=.*expected 0 .* or 1"):
        DisclosureModel(rng=1, n_citizens=50)


def test_the_command_line_refuses_a_bad_switch_value(tmp_path):
    env = {"DATAROVERS_KERNELS": "fast", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "experiments.cli", "run", "--steps", "2",
                           "--set", "n_citizens=50", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "DATAROVERS_KERNELS='fast'" in lines[0]


#: The engine and validation tests that run again with the kernels off (the trajectory
#: fingerprints are left out: they hash the outputs, which agree only to rounding).
KERNELS_OFF_SUITE = ["tests/test_model.py", "tests/test_engine_events.py",
                     "tests/test_citizen_step.py", "tests/test_toy_rule.py",
                     "tests/test_concern.py", "tests/test_state_access.py",
                     "tests/validation/test_cases.py"]


@pytest.mark.slow
def test_the_engine_and_validation_tests_pass_with_the_kernels_off():
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "not full_mode",
         *KERNELS_OFF_SUITE], cwd=root, capture_output=True, text=True, check=False,
        env={**os.environ, table.SWITCH: "0"})
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout and "failed" not in done.stdout
