"""sklearn's estimator checks over every public estimator of skmusic.

The walker, the tiny constructor arguments and the expected failures (each with
its reason) live in skmusic.utils.estimator_checks, so anyone can run the same.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmusic.utils.estimator_checks import (
    all_estimators,
    expected_failed_checks,
    instances_to_check,
    path_estimator_checks,
    takes_paths,
)

ESTIMATORS = instances_to_check()
NUMERIC = [e for e in ESTIMATORS if not takes_paths(e)]
PATHS = [e for e in ESTIMATORS if takes_paths(e)]


def test_walker_finds_the_readers():
    names = {name for name, _ in all_estimators()}
    assert {"AudioLoader", "ScoreLoader", "SeriesLoader"} <= names


def test_every_expected_failure_has_a_reason():
    from skmusic.utils.estimator_checks import EXPECTED_FAILED_CHECKS

    names = {name for name, _ in all_estimators()}
    for cls_name, checks in EXPECTED_FAILED_CHECKS.items():
        assert cls_name in names, f"{cls_name} is in EXPECTED_FAILED_CHECKS but not public"
        for check, reason in checks.items():
            assert isinstance(reason, str) and len(reason) > 15, (cls_name, check)


if NUMERIC:

    @parametrize_with_checks(NUMERIC, expected_failed_checks=expected_failed_checks)
    def test_sklearn_compatible_estimator(estimator, check):
        check(estimator)


@pytest.mark.parametrize("estimator", PATHS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("check", path_estimator_checks(), ids=lambda c: c.__name__)
def test_path_estimator_api(estimator, check):
    check(type(estimator).__name__, estimator)
