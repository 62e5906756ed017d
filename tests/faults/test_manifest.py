"""A lost, broken or stale manifest is recreated or repaired from the spec and the files."""

from __future__ import annotations

import json

import pytest
from fault_helpers import assert_same_as_reference, manifest, quarantine_notes, run_dir, sweep


def _task_times(results) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (run_dir(results) / "tasks").iterdir()}


def test_a_deleted_manifest_is_recreated_without_recomputing(finished, reference, capsys):
    before = _task_times(finished)
    (run_dir(finished) / "manifest.json").unlink()
    assert sweep(reference[0], finished) == 0
    assert "the manifest was missing: recreated" in capsys.readouterr().err
    assert _task_times(finished) == before  # verified by content, none recomputed
    assert_same_as_reference(finished, reference[1])
    assert all(entry["status"] == "done" and entry["sha256"] for entry in
               manifest(finished)["tasks"])


@pytest.mark.parametrize(("content", "problem"), [
    ("[1, 2]", "not a JSON object (a list)"),
    ("{}", "not a sweep's manifest (kind None)"),
    ('{"kind": "datarovers sweep"}', "missing spec_hash, points"),
    ("{not json", "unreadable"),
    ("", "unreadable"),
], ids=["a JSON list", "an empty object", "a sweep manifest without keys", "not JSON", "empty"])
def test_a_broken_manifest_is_quarantined_and_recreated(finished, reference, content, problem,
                                                        capsys):
    before = _task_times(finished)
    (run_dir(finished) / "manifest.json").write_text(content)
    assert sweep(reference[0], finished) == 0
    err = capsys.readouterr().err
    assert f"the manifest was {problem}" in err and "Traceback" not in err
    (note,) = quarantine_notes(finished, "manifest.json")
    assert (run_dir(finished) / note["moved_to"]).read_text() == content
    assert _task_times(finished) == before
    assert_same_as_reference(finished, reference[1])


def test_a_status_left_running_is_repaired_from_the_files(finished, reference, capsys):
    path = run_dir(finished) / "manifest.json"
    content = json.loads(path.read_text())
    content["status"] = "running"  # what kill -9 during consolidation leaves
    content["sessions"][-1]["status"] = "running"
    path.write_text(json.dumps(content))
    assert sweep(reference[0], finished) == 0
    assert "status repaired" in capsys.readouterr().err
    assert manifest(finished)["sessions"][0]["status"] == "interrupted"
    assert_same_as_reference(finished, reference[1])


def test_the_manifest_of_another_spec_is_still_refused(finished, reference, tmp_path, capsys):
    other = tmp_path / "other.toml"
    other.write_text(reference[0].read_text().replace("steps = 6", "steps = 8"))
    # the other spec's directory name, holding this spec's files and manifest
    from experiments.spec import load_spec

    target = finished / "faults" / load_spec(other).spec_hash
    run_dir(finished).rename(target)
    assert sweep(other, finished) == 2
    err = capsys.readouterr().err
    assert "holds the results of another spec" in err and err.count("\n") == 1
