"""MiniRocket features through sktime or aeon, when one of them is installed (optional)."""

import importlib.util

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

__all__ = ["minirocket_backend"]


def minirocket_backend():
    """``"sktime"`` or ``"aeon"``, whichever is installed (sktime first), else ``None``."""
    for name in ("sktime", "aeon"):
        if importlib.util.find_spec(name) is not None:
            return name
    return None


def _as_dataframes(X):
    import pandas as pd

    return [pd.DataFrame(np.asarray(x, dtype=np.float64).T) for x in X]


class _MiniRocketFeatures(TransformerMixin, BaseEstimator):
    """MiniRocket's features of skmusic batches (a 3D array or a list of 2D arrays).

    sktime's ``MiniRocketMultivariateVariable`` (any lengths) or aeon's
    ``MiniRocket``; the toolkit's object is held in ``minirocket_`` rather than
    placed in a ``Pipeline`` itself, since sktime's ``fit`` resets the
    attributes sklearn's ``Pipeline`` attaches to its steps.

    Parameters
    ----------
    random_state : int, default=0
    """

    def __init__(self, random_state=0):
        self.random_state = random_state

    def fit(self, X, y=None):
        backend = minirocket_backend()
        if backend == "sktime":
            from sktime.transformations.panel.rocket import MiniRocketMultivariateVariable

            self.minirocket_ = MiniRocketMultivariateVariable(random_state=self.random_state)
            self.minirocket_.fit(_as_dataframes(X))
        elif backend == "aeon":
            from aeon.transformations.collection.convolution_based import MiniRocket

            self.minirocket_ = MiniRocket(random_state=self.random_state)
            self.minirocket_.fit([np.asarray(x, dtype=np.float64) for x in X])
        else:
            raise ValueError(
                "MiniRocket needs sktime or aeon (an optional extra): pip install sktime"
            )
        self.backend_ = backend
        return self

    def transform(self, X):
        check_is_fitted(self, "minirocket_")
        if self.backend_ == "sktime":
            out = self.minirocket_.transform(_as_dataframes(X))
        else:
            out = self.minirocket_.transform([np.asarray(x, dtype=np.float64) for x in X])
        return np.asarray(out, dtype=np.float64)
