"""The README's Python examples run as written."""

import re
from pathlib import Path

import pytest
from sklearn.utils.validation import check_is_fitted

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_examples_and_setup_commands():
    text = README.read_text()
    assert len(BLOCKS) >= 3
    assert 'pip install -e ".[dev]"' in text and "\npytest\n" in text


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index):
    """Each example runs and ends with a fitted model that predicts its own songs' labels."""
    namespace = {"__name__": "__readme__"}
    exec(compile(BLOCKS[index], f"README.md example {index + 1}", "exec"), namespace)
    model = namespace.get("grid", namespace.get("model"))
    check_is_fitted(model)
    songs = namespace["songs"]
    predicted = model.predict(songs.data[:4])
    assert set(predicted) <= set(songs.target)
