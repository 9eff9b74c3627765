"""Every docstring Example in skmusic runs as written."""

import doctest
import importlib
import pkgutil

import pytest

import skmusic

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(skmusic.__path__, prefix="skmusic.")
    if info.name not in ("skmusic.cli", "skmusic.__main__")
)

# the examples train tiny networks: one torch thread is fastest (and repeatable)
pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name, globs={}):
        if test.examples and test.name.startswith(name):
            runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"


# --- every parameter and fitted attribute documented (after sklearn's
# test_docstring_parameters) --------------------------------------------------

import inspect  # noqa: E402
import re  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.utils import get_tags  # noqa: E402

from skmusic.utils.estimator_checks import (  # noqa: E402
    all_estimators,
    instances_to_check,
    takes_paths,
)


def documented(doc, section):
    """Names listed in a numpydoc section (``a, b : type`` lists both)."""
    lines = inspect.cleandoc(doc or "").splitlines()
    names, inside = set(), False
    for i, line in enumerate(lines):
        underline = i + 1 < len(lines) and re.fullmatch(r"-{3,}", lines[i + 1].strip())
        if underline and line.strip() and not line.startswith(" "):
            inside = line.strip() == section
            continue
        if inside and line and not line.startswith(" ") and not re.fullmatch(r"-{3,}", line):
            head = line.split(" : ")[0]
            names.update(n.strip().lstrip("*") for n in head.split(","))
    return names


@pytest.mark.parametrize("cls", [cls for _, cls in all_estimators()], ids=lambda c: c.__name__)
def test_every_parameter_is_documented(cls):
    params = [
        name
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    missing = set(params) - documented(cls.__doc__, "Parameters")
    assert not missing, f"{cls.__name__} does not document the parameters {sorted(missing)}"
    assert "{" + "training}" not in cls.__doc__  # every placeholder filled


def _fit_data(estimator, corpus_scores, tmp_path):
    """Tiny data an estimator fits on: (X, y or None)."""
    name = type(estimator).__name__
    rng = np.random.RandomState(0)
    y = np.array(["a", "b"] * 8)
    if takes_paths(estimator):
        if name == "AudioLoader" or name == "FileReader":
            from skmusic.io import write_wav

            paths = [
                write_wav(rng.randn(1, 800) * 0.1, tmp_path / f"{i}.wav", sr=8000) for i in range(2)
            ]
            return paths, None
        if name == "SeriesLoader":
            paths = []
            for i in range(2):
                path = tmp_path / f"{i}.csv"
                np.savetxt(path, rng.randn(20, 2), delimiter=",", header="a,b", comments="")
                paths.append(str(path))
            return paths, None
        if name == "ScoreLoader":
            return list(corpus_scores.filenames[:2]), None
        return list(corpus_scores.data[:2]), None  # note events
    tags = get_tags(estimator)
    if tags.input_tags.categorical:  # token ids
        X = [np.tile([1, 2, 3, 4], 8) for _ in range(16)]
        return X, (y if name == "ClassConditionalGenerator" else None)
    if name in ("WaveformGenerator", "Spectrogram", "MelSpectrogram", "MFCC"):
        return rng.randn(16, 1, 64).astype(np.float32), None
    X = rng.randn(16, 2, 64).astype(np.float32)
    return X, (y if tags.estimator_type == "classifier" else None)


@pytest.mark.parametrize("estimator", instances_to_check(), ids=lambda e: type(e).__name__)
def test_every_fitted_attribute_is_documented(estimator, corpus_scores, tmp_path):
    estimator = clone(estimator)
    X, y = _fit_data(estimator, corpus_scores, tmp_path)
    estimator.fit(X) if y is None else estimator.fit(X, y)
    fitted = {a for a in vars(estimator) if a.endswith("_") and not a.startswith("_")}
    missing = fitted - documented(type(estimator).__doc__, "Attributes")
    assert not missing, f"{type(estimator).__name__} does not document {sorted(missing)}"
