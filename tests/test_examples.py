"""Every script of examples/ runs as a newcomer would run it, and prints its result."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.py"))

# What each example must print: the figure it exists to show.
EXPECTED = {
    "01_pipeline_from_files.py": "5-fold song accuracy",
    "02_grid_search_deep_vs_classical.py": "best:",
    "03_optuna_search.py": "best trial",
    "04_generate_midi.py": "held-out log-likelihood per token",
    "05_grouped_importance.py": "group importance",
}


def test_every_example_is_listed():
    assert {p.name for p in EXAMPLES} == set(EXPECTED)


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script, tmp_path):
    result = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert EXPECTED[script.name] in result.stdout, result.stdout[-3000:]
