"""`bitgoeul solve`: exit 0 with the answer, exit 2 with one line for anything invalid."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bitgoeul.optimize.cli import ProgressLine, main
from tests.optimize.test_io import ALLOCATION, ASSIGNMENT, SELECTION


def write(tmp_path: Path, data: object, name: str = "in.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_exit_0_writes_the_answer_to_the_output_file(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert main(["allocation", str(write(tmp_path, ALLOCATION)), "-o", str(out)]) == 0
    answer = json.loads(out.read_text("utf-8"))
    assert (answer["status"], answer["grants"][0]["granted"]) == ("optimal", 5760.0)


def test_exit_0_prints_the_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["selection", str(write(tmp_path, SELECTION)), "--time-limit", "5"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["objective"] == 87.3
    assert captured.err == ""


def test_exit_0_for_an_infeasible_round(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = dict(ASSIGNMENT, reviews_per_application=2)
    assert main(["assignment", str(write(tmp_path, data))]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "infeasible"


def test_exit_2_names_the_json_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = json.loads(json.dumps(ALLOCATION))
    bad["requests"][0]["demand"] = -1
    assert main(["allocation", str(write(tmp_path, bad))]) == 2
    captured = capsys.readouterr()
    assert captured.err == "error: requests[0].demand: must be >= 0\n"
    assert captured.out == ""


def test_exit_2_for_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["selection", str(tmp_path / "nope.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path / 'nope.json'}: cannot read")
    assert err.count("\n") == 1


def test_exit_2_for_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scheduling", "in.json"]) == 2
    assert "invalid choice: 'scheduling'" in capsys.readouterr().err
    assert main(["selection", "in.json", "--time-limit", "0"]) == 2
    assert capsys.readouterr().err == "error: --time-limit: must be > 0\n"


def test_module_reads_stdin_and_exits_with_the_code() -> None:
    run = [sys.executable, "-m", "bitgoeul.optimize.cli", "assignment", "-"]
    ok = subprocess.run(
        run, input=json.dumps(ASSIGNMENT), capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["status"] == "optimal"
    # nothing but the progress line a slow (busy) machine shows after a second
    progress = ("solving assignment: ", "solved assignment in ")
    assert [line for line in ok.stderr.splitlines() if not line.startswith(progress)] == []
    bad = subprocess.run(run, input="{", capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: (top level): invalid JSON")
    assert bad.stderr.count("\n") == 1


def test_progress_line_appears_only_for_slow_solves() -> None:
    quick = io.StringIO()
    with ProgressLine("allocation", stream=quick, delay=60) as line:  # done long before
        line.update("LP relaxation")
    assert quick.getvalue() == ""
    slow = io.StringIO()
    with ProgressLine("allocation", stream=slow, delay=0) as line:  # shown at once
        line.update("LP relaxation")
        for _ in range(1000):  # wait for the line, however slow the machine
            if line.shown:
                break
            time.sleep(0.01)
    lines = slow.getvalue().splitlines()
    assert re.fullmatch(r"solving allocation: (starting|LP relaxation) \(\d+ s\)", lines[0])
    assert re.fullmatch(r"solved allocation in \d+\.\d s", lines[1])


def test_the_file_formats_and_types_import_neither_django_nor_ortools() -> None:
    code = (
        "import sys, bitgoeul.optimize.io, bitgoeul.optimize.allocation.problem,"
        " bitgoeul.optimize.assignment.problem, bitgoeul.optimize.selection.problem;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ortools')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_django_start_up_does_not_import_ortools() -> None:
    code = (
        "import os, sys, django;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tests.settings');"
        "django.setup();"
        "import bitgoeul.urls, bitgoeul.cli;"
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('ortools')}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_solve_facades_import_ortools_at_module_level() -> None:
    code = (
        "import sys, bitgoeul.optimize.cli;"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('ortools')}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['ortools']"
