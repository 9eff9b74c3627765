"""Permutation importance of named groups of features, permuted together.

:func:`sklearn.inspection.permutation_importance` shuffles one column at a
time. When features are redundant -- ``ScoreFeatures``' ``pitch_mean`` and
``pitch_max``, or the twelve bins of a pitch-class histogram -- the model reads
the shuffled column's information from its neighbours and every single column
scores about zero. Shuffling a whole group at once (one permutation of the rows
applied to all its columns) asks the question that has an answer: how much the
model loses without that kind of information.
"""

from numbers import Integral

import numpy as np
from sklearn.metrics import check_scoring
from sklearn.utils import Bunch, check_random_state

from ..utils.parallel import parallel_map

__all__ = ["grouped_permutation_importance"]


def _columns_of(X, columns, name):
    """Column positions of a group: ints, or names of a DataFrame's columns."""
    positions = []
    for c in columns:
        if isinstance(c, Integral) and not isinstance(c, bool):
            positions.append(int(c))
        elif hasattr(X, "columns"):
            if c not in X.columns:
                raise ValueError(f"Group {name!r} names column {c!r}, which X does not have.")
            positions.append(int(X.columns.get_loc(c)))
        else:
            raise ValueError(
                f"Group {name!r} names column {c!r}; X has no column names, so give "
                "column positions (ints)."
            )
    n_columns = X.shape[1]
    bad = [p for p in positions if not -n_columns <= p < n_columns]
    if not positions or bad:
        raise ValueError(
            f"Group {name!r} must list at least one column of the {n_columns} of X; got "
            f"{list(columns)!r}."
        )
    return positions


def _permuted_scores(estimator, X, y, columns, scorer, n_repeats, seed, sample_weight):
    rng = np.random.RandomState(seed)
    is_frame = hasattr(X, "iloc")
    X_permuted = X.copy()
    scores = []
    for _ in range(n_repeats):
        order = rng.permutation(X.shape[0])
        if is_frame:
            X_permuted.iloc[:, columns] = X.iloc[order, columns].to_numpy()
        else:
            X_permuted[:, columns] = X[order][:, columns]
        kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
        scores.append(scorer(estimator, X_permuted, y, **kwargs))
    return np.asarray(scores, dtype=float)


def grouped_permutation_importance(
    estimator,
    X,
    y,
    *,
    groups,
    scoring=None,
    n_repeats=5,
    random_state=None,
    n_jobs=None,
    sample_weight=None,
):
    """Permutation importance of named groups of columns, each group permuted at once.

    For each group, the rows of its columns are shuffled together (one
    permutation for all of them, so a group's columns stay consistent with each
    other) ``n_repeats`` times; its importance is the drop of the score from
    the unshuffled baseline. Like
    :func:`sklearn.inspection.permutation_importance`, of which it is the
    grouped version, it needs a fitted ``estimator`` and held-out data.

    Parameters
    ----------
    estimator : object
        A fitted estimator (a Pipeline taking ``X``'s columns).
    X : ndarray or DataFrame of shape (n_samples, n_features)
        Held-out data.
    y : array-like of shape (n_samples,)
        Held-out targets.
    groups : dict of str to list of int or str
        Group name -> its columns: positions, or names of ``X``'s columns when
        ``X`` is a DataFrame. For :class:`~skmusic.features.ScoreFeatures`
        output, :func:`~skmusic.features.score_feature_groups` gives them.
    scoring : str, callable or None, default=None
        As for :func:`sklearn.metrics.check_scoring` (``None``: the
        estimator's ``score``).
    n_repeats : int, default=5
        Shuffles per group.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffles.
    n_jobs : int or None, default=None
        Groups scored in parallel (joblib).
    sample_weight : array-like of shape (n_samples,), default=None
        Passed to the scorer.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        ``importances_mean``, ``importances_std`` of shape (n_groups,),
        ``importances`` of shape (n_groups, n_repeats), and ``groups``, the
        group names in the same order.

    See Also
    --------
    sklearn.inspection.permutation_importance : one column at a time.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmusic.features import grouped_permutation_importance
    >>> rng = np.random.default_rng(0)
    >>> signal = rng.normal(size=200)
    >>> X = np.column_stack([signal, signal, rng.normal(size=200)])  # a redundant pair
    >>> y = (signal > 0).astype(int)
    >>> clf = LogisticRegression().fit(X, y)
    >>> result = grouped_permutation_importance(
    ...     clf, X, y, groups={"signal": [0, 1], "noise": [2]}, random_state=0)
    >>> dict(zip(result.groups, result.importances_mean.round(1)))
    {'signal': np.float64(0.5), 'noise': np.float64(0.0)}
    """
    if not isinstance(groups, dict) or not groups:
        raise ValueError(
            "groups must be a non-empty dict of group name -> columns, e.g. "
            "score_feature_groups() for ScoreFeatures' output."
        )
    if not isinstance(n_repeats, Integral) or n_repeats < 1:
        raise ValueError(f"n_repeats must be a positive integer, got {n_repeats!r}.")
    if not hasattr(X, "iloc"):
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"X must be 2D (n_samples, n_features), got {X.ndim}D.")
    names = list(groups)
    columns = [_columns_of(X, groups[name], name) for name in names]
    scorer = check_scoring(estimator, scoring=scoring)
    kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
    baseline = scorer(estimator, X, y, **kwargs)
    rng = check_random_state(random_state)
    seeds = rng.randint(np.iinfo(np.int32).max, size=len(names))
    scores = parallel_map(
        lambda job: _permuted_scores(
            estimator, X, y, job[0], scorer, n_repeats, job[1], sample_weight
        ),
        list(zip(columns, seeds, strict=True)),
        n_jobs,
        chunked=False,
    )
    importances = baseline - np.vstack(scores)
    return Bunch(
        importances_mean=importances.mean(axis=1),
        importances_std=importances.std(axis=1),
        importances=importances,
        groups=names,
    )
