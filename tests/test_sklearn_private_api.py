"""scikit-learn's private names that skmusic uses: still there, and bounded in setup.py.

skmusic validates parameters as scikit-learn's own estimators do
(``_parameter_constraints`` checked by ``sklearn.base._fit_context``, with the
constraint classes of ``sklearn.utils._param_validation``), and uses two private
validation helpers. None of these is public API, so setup.py bounds scikit-learn
to the releases tested; these tests say clearly which name moved when a release
breaks them, and fail when a new private name creeps in without being listed here.
"""

import ast
import importlib
import re
from pathlib import Path

import pytest
import sklearn
from packaging.requirements import Requirement
from packaging.version import Version
from sklearn.utils._param_validation import InvalidParameterError

import skmusic

PRIVATE_NAMES = {
    ("sklearn.base", "_fit_context"),
    ("sklearn.utils._param_validation", "HasMethods"),
    ("sklearn.utils._param_validation", "Interval"),
    ("sklearn.utils._param_validation", "RealNotInt"),
    ("sklearn.utils._param_validation", "StrOptions"),
    ("sklearn.utils.validation", "_check_feature_names_in"),
    ("sklearn.utils.validation", "_check_sample_weight"),
}

ROOT = Path(skmusic.__file__).parent


def _private_sklearn_imports():
    """(module, name) of every private scikit-learn name the package imports."""
    found = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sklearn"):
                private_module = any(part.startswith("_") for part in node.module.split("."))
                for alias in node.names:
                    if private_module or alias.name.startswith("_"):
                        found.add((node.module, alias.name))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] == "sklearn" and any(p.startswith("_") for p in parts):
                        found.add((alias.name, "*"))
    return found


@pytest.mark.parametrize("module, name", sorted(PRIVATE_NAMES))
def test_private_name_is_where_skmusic_imports_it(module, name):
    try:
        found = hasattr(importlib.import_module(module), name)
    except ImportError:
        found = False
    if not found:
        pytest.fail(
            f"scikit-learn {sklearn.__version__} has no {module}.{name}, a private name "
            "skmusic uses: lower the upper bound on scikit-learn in setup.py below "
            f"{sklearn.__version__}, or replace the name (with public API where there is one)."
        )


def test_every_private_name_the_package_uses_is_listed():
    unlisted = _private_sklearn_imports() - PRIVATE_NAMES
    assert not unlisted, (
        f"skmusic imports private scikit-learn names {sorted(unlisted)} not listed in "
        "PRIVATE_NAMES: list them (and check setup.py's bound), or use public API."
    )


def test_installed_scikit_learn_is_within_the_bound_of_setup_py():
    setup = (ROOT.parent / "setup.py").read_text()
    (spec,) = re.findall(r'"(scikit-learn[<>=!~][^"]*)"', setup)
    requirement = Requirement(spec)
    assert any(s.operator == "<" for s in requirement.specifier), "no upper bound"
    assert Version(sklearn.__version__) in requirement.specifier, (
        f"scikit-learn {sklearn.__version__} is outside setup.py's {spec}: run the suite "
        "on it, then move the bound."
    )


def test_fit_context_still_validates_parameter_constraints():
    """The private machinery does what skmusic relies on: a constraint in
    ``_parameter_constraints`` rejects a bad value when ``fit`` runs."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from skmusic.ensemble import VotingSliceClassifier
    from skmusic.features import MelSpectrogram

    songs, y = np.zeros((4, 1, 20)), [0, 1, 0, 1]
    with pytest.raises(InvalidParameterError, match="'width' parameter"):
        VotingSliceClassifier(LogisticRegression(), width=0).fit(songs, y)
    with pytest.raises(InvalidParameterError, match="'pad_mode' parameter"):
        MelSpectrogram(pad_mode="mirror").fit(np.zeros((2, 4096)))
    with pytest.raises(InvalidParameterError, match="'estimator' parameter"):
        VotingSliceClassifier(object(), width=5).fit(songs, y)
