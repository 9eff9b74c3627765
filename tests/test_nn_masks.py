"""Padding never reaches a convolution or a pooling: every network's prediction of a
sequence is the same alone and in any batch (issue 18, item 3)."""

import numpy as np
import pytest
from sklearn.base import is_classifier

from skmusic.utils.estimator_checks import _instantiate, all_estimators

pytestmark = pytest.mark.usefixtures("one_torch_thread")

NETWORKS = [
    cls
    for _, cls in all_estimators()
    if cls.__module__.startswith("skmusic.nn") and is_classifier(_instantiate(cls))
]
# windows wider than one step, so that padding would reach them if it could
WIDER = {"CRNNClassifier": dict(kernel_size=3, pool_size=2), "ResNet1DClassifier": {}}


@pytest.mark.parametrize("cls", NETWORKS, ids=lambda c: c.__name__)
def test_prediction_does_not_depend_on_the_batch(cls):
    rng = np.random.RandomState(0)
    y = np.arange(24) % 2
    X = [rng.randn(4, n).astype(np.float32) + c for n, c in zip(rng.randint(8, 60, 24), y)]
    est = _instantiate(cls).set_params(max_epochs=2, random_state=0, **WIDER.get(cls.__name__, {}))
    est.fit(X, y)
    together = est.predict_proba(X)
    alone = np.vstack([est.predict_proba([x]) for x in X])
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-5)
    # the shortest sequence beside one ten times longer than any other
    short = min(X, key=lambda x: x.shape[1])
    long = np.tile(X[0], 12)
    np.testing.assert_allclose(
        est.predict_proba([short, long])[0], est.predict_proba([short])[0], rtol=0, atol=1e-5
    )
