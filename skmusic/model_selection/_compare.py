"""Deep and classical models compared on the same songs, with song-level CV."""

import time
from dataclasses import dataclass

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import (
    GridSearchCV,
    ParameterGrid,
    StratifiedGroupKFold,
    StratifiedKFold,
    check_cv,
    cross_validate,
)
from sklearn.pipeline import Pipeline
from sklearn.utils import Bunch
from sklearn.utils.validation import check_is_fitted

from ._candidates import make_candidates

__all__ = [
    "song_folds",
    "CandidateResult",
    "compare_models",
    "one_search",
    "out_of_fold",
    "table_from_search",
]

_COLUMNS = ["model", "family", "mean_score", "std_score", "mean_fit_time", "n_settings", "params"]


def _song_cv(cv, y, random_state, groups=None):
    if isinstance(cv, (int, np.integer)):
        if groups is not None and len(np.unique(groups)) < len(groups):
            return StratifiedGroupKFold(int(cv), shuffle=True, random_state=random_state)
        return StratifiedKFold(int(cv), shuffle=True, random_state=random_state)
    return check_cv(cv, y, classifier=True)


def song_folds(y, *, groups=None, cv=5, random_state=0):
    """The (train, test) index pairs of song-level cross-validation.

    Stratified, shuffled folds over songs; with ``groups`` (e.g. tune families
    from :func:`tune_families`) where any group holds two or more songs,
    :class:`~sklearn.model_selection.StratifiedGroupKFold`, so that no group
    sits on both sides of a fold. This is the split of :func:`compare_models`
    and of skmusic's benchmarks.

    Parameters
    ----------
    y : array-like of shape (n_songs,)
    groups : array-like of shape (n_songs,), default=None
    cv : int or CV splitter, default=5
        An int: that many folds. A splitter is used as given (and gets
        ``groups``).
    random_state : int, default=0

    Returns
    -------
    folds : list of (ndarray, ndarray)

    Examples
    --------
    >>> from skmusic.model_selection import song_folds
    >>> y = ["a"] * 6 + ["b"] * 6
    >>> groups = [0, 0, 1, 2, 3, 4, 5, 5, 6, 7, 8, 9]
    >>> folds = song_folds(y, groups=groups, cv=3)
    >>> all(not {0, 1} & set(test) or {0, 1} <= set(test) for _, test in folds)
    True
    """
    y = np.asarray(y)
    if groups is not None:
        groups = np.asarray(groups)
        if groups.shape != y.shape:
            raise ValueError(
                f"groups has {groups.shape[0] if groups.ndim else 0} entries but y has "
                f"{y.shape[0]} labels; give one group per song."
            )
    splitter = _song_cv(cv, y, random_state, groups)
    if isinstance(splitter, StratifiedKFold):  # every group a single song: nothing to keep
        groups = None
    return list(splitter.split(np.zeros(len(y)), y, groups))


def _short(params):
    """Readable parameters: estimators by class name, grid prefixes kept."""
    return {k: (type(v).__name__ if hasattr(v, "get_params") else v) for k, v in params.items()}


def _check_songs(X, y):
    y = np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} songs but y has {len(y)} labels.")
    if len(X) == 0:
        raise ValueError("No songs to compare models on: X is empty.")
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise ValueError(
            f"y has a single class ({classes[0]!r}); comparing classifiers needs two or more."
        )
    return y, dict(zip(classes.tolist(), counts.tolist(), strict=True))


def _frame(rows):
    import pandas as pd

    table = pd.DataFrame(rows, columns=_COLUMNS)
    table = table.sort_values("mean_score", ascending=False, kind="stable").reset_index(drop=True)
    return table


def out_of_fold(estimator, X, y, *, cv, scoring=None, n_jobs=None):
    """Fit ``estimator`` on every training fold; predict each held-out fold.

    Parameters
    ----------
    estimator : estimator instance
    X : list or array of songs
    y : array-like of shape (n_songs,)
    cv : CV splitter or int
        Song-level folds.
    scoring : str or callable, default=None
        How each held-out fold is scored (as in
        :func:`~sklearn.model_selection.cross_validate`); ``None``: the
        estimator's own ``score`` (accuracy for a classifier).
    n_jobs : int, default=None

    Returns
    -------
    result : Bunch
        ``scores`` (``scoring`` per fold), ``fit_time`` per fold, ``y_pred``
        (each song predicted by the model that did not see it),
        ``estimators`` (the fitted fold models, e.g. for training curves).
    """
    y = np.asarray(y)
    cv = _song_cv(cv, y, 0)
    res = cross_validate(
        estimator,
        X,
        y,
        cv=cv,
        scoring=scoring,
        n_jobs=n_jobs,
        return_estimator=True,
        return_indices=True,
        error_score="raise",
    )
    y_pred = np.empty_like(y)
    for est, test in zip(res["estimator"], res["indices"]["test"], strict=True):
        y_pred[test] = est.predict([X[i] for i in test] if isinstance(X, list) else X[test])
    return Bunch(
        scores=res["test_score"],
        fit_time=res["fit_time"],
        y_pred=y_pred,
        estimators=res["estimator"],
    )


def compare_models(
    X,
    y,
    *,
    kind="symbolic",
    candidates=None,
    models=None,
    cv=5,
    groups=None,
    quick=False,
    engine="grid",
    n_trials=10,
    storage=None,
    study_prefix="skmusic-",
    scoring="accuracy",
    n_jobs=None,
    keep_predictions=False,
    progress=False,
    random_state=0,
):
    """Compare classical and deep models on the same songs with song-level CV.

    Every candidate is a full pipeline from the dataset's items (note-event
    arrays or waveforms) to one label per song (see :func:`make_candidates`).
    Folds are stratified folds *of songs*; the networks slice the songs inside
    :class:`~skmusic.ensemble.VotingSliceClassifier`, so no slice of a test
    song is ever trained on. Each candidate is tuned on its own small grid
    (``engine="grid"``: :class:`~sklearn.model_selection.GridSearchCV`) or by
    an Optuna study (``engine="optuna"``:
    :class:`optuna_integration.OptunaSearchCV` over :func:`search_space`),
    and its best setting becomes one row of the table -- Chen and Wang's
    Tables 1 (networks) and 2 (classical models) [1]_ side by side.

    Parameters
    ----------
    X : list of songs
        Note-event arrays (``kind="symbolic"``) or ``(1, n_samples)``
        waveforms (``kind="audio"``).
    y : array-like of shape (n_songs,)
        Song labels (strings work).
    kind : {"symbolic", "audio"}, default="symbolic"
    candidates : list of Candidate, default=None
        ``None``: ``make_candidates(kind, models=models, quick=quick)``.
    models : list of str, default=None
        Passed to :func:`make_candidates`.
    cv : int or CV splitter, default=5
        An int: that many stratified, shuffled folds over songs
        (:func:`song_folds`).
    groups : array-like of shape (n_songs,), default=None
        Song groups no fold may split, e.g. tune families
        (:func:`tune_families`, or ``load_corpus(...).groups``): the settings
        or variants of one tune then never sit on both sides of a fold.
        ``None`` splits songs freely.
    quick : bool, default=False
        Passed to :func:`make_candidates`.
    engine : {"grid", "optuna"}, default="grid"
    n_trials : int, default=10
        Optuna trials per candidate (``engine="optuna"``).
    storage : str, default=None
        Optuna storage URL (``None``: in memory); a study per candidate,
        named ``study_prefix + name``, resumable.
    study_prefix : str, default="skmusic-"
    scoring : str or callable, default="accuracy"
    n_jobs : int, default=None
        Parallel fits within each search (joblib; use
        ``joblib.parallel_config(backend="dask")`` to spread them over a cluster).
    keep_predictions : bool, default=False
        Also keep, per candidate, out-of-fold predictions of its best setting
        and the fitted fold models (:func:`out_of_fold`); a candidate tuned
        over more than one setting is cross-validated once more for it.
    progress : bool, default=False
        A progress bar over candidates.
    random_state : int, default=0
        Seeds the folds and the candidates.

    Returns
    -------
    result : Bunch
        ``table`` (pandas DataFrame, best first: ``model``, ``family``,
        ``mean_score``, ``std_score``, ``mean_fit_time`` in seconds per fold,
        ``n_settings`` tried, ``params`` of the best setting),
        ``searches`` (name -> fitted search, or None when a candidate had a
        single setting), ``details`` (name -> :func:`out_of_fold` Bunch, with
        ``keep_predictions``), ``best`` (name of the best model),
        ``estimators`` (name -> unfitted pipeline with the best setting),
        ``cv`` (the folds), ``groups`` (as given), ``wall_time``.

    References
    ----------
    .. [1] S. Chen and Y. Wang, "Convolutional Recurrent Music Sequence
       Classification and Generation", MIT course project report (undated;
       cites work up to 2019).

    Examples
    --------
    >>> from skmusic.datasets import load_corpus
    >>> from skmusic.model_selection import compare_models
    >>> songs = load_corpus(classes=["bach", "oneills"], max_per_class=6, verbose=False)
    >>> result = compare_models(songs.data, songs.target, models=["knn", "svm"], cv=3,
    ...                         quick=True)
    >>> result.table.columns.tolist()[:4]
    ['model', 'family', 'mean_score', 'std_score']
    """
    start = time.perf_counter()
    y, counts = _check_songs(X, y)
    if engine not in _ENGINES:
        raise ValueError(f"engine must be 'grid' or 'optuna', got {engine!r}.")
    if isinstance(cv, (int, np.integer)) and min(counts.values()) < cv:
        raise ValueError(
            f"cv={cv} folds need at least {cv} songs per class, but "
            f"{min(counts, key=counts.get)!r} has {min(counts.values())}. Use a smaller cv "
            "or more songs."
        )
    if candidates is None:
        candidates = make_candidates(kind, models=models, quick=quick, random_state=random_state)
    folds = song_folds(y, groups=groups, cv=cv, random_state=random_state)
    settings = {"scoring": scoring, "n_jobs": n_jobs, "keep_predictions": keep_predictions}
    if engine == "optuna":
        settings.update(
            n_trials=n_trials, storage=storage, study_prefix=study_prefix, random_state=random_state
        )
    iterator = candidates
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(candidates, desc="models", unit="model")
    results = []
    for cand in iterator:
        if progress:
            iterator.set_postfix_str(cand.name)
        n_settings = len(ParameterGrid(cand.param_grid)) if cand.param_grid else 1
        run = _ENGINES["single" if engine == "grid" and n_settings == 1 else engine]
        results.append(run(cand, X, y, folds, **settings))
    table = _frame([r.row() for r in results])
    return Bunch(
        table=table,
        searches={r.candidate.name: r.search for r in results},
        details={r.candidate.name: r.details for r in results if r.details is not None},
        estimators={r.candidate.name: r.best_estimator() for r in results},
        best=table["model"].iloc[0],
        cv=folds,
        groups=groups,
        wall_time=time.perf_counter() - start,
    )


@dataclass
class CandidateResult:
    """How one candidate did in :func:`compare_models`, whatever the engine.

    Attributes
    ----------
    candidate : Candidate
    best_params : dict
        Its best setting.
    scores : ndarray of shape (n_folds,)
        Test score of the best setting on every fold.
    fit_times : ndarray
        Fit times of the best setting, in seconds (per fold, or their mean).
    n_settings : int
        Settings tried.
    search : fitted search or None
        ``None`` when the candidate had a single setting.
    details : Bunch or None
        :func:`out_of_fold` of the best setting, with ``keep_predictions``.
    """

    candidate: object
    best_params: dict
    scores: np.ndarray
    fit_times: np.ndarray
    n_settings: int
    search: object = None
    details: object = None

    def best_estimator(self):
        """The candidate's pipeline with its best setting, unfitted."""
        return clone(self.candidate.estimator).set_params(**self.best_params)

    def row(self):
        """The candidate's row of :func:`compare_models`' table."""
        return {
            "model": self.candidate.name,
            "family": self.candidate.family,
            "mean_score": float(np.mean(self.scores)),
            "std_score": float(np.std(self.scores)),
            "mean_fit_time": float(np.mean(self.fit_times)),
            "n_settings": self.n_settings,
            "params": _short(self.best_params),
        }


def _with_details(result, X, y, folds, scoring, n_jobs, keep_predictions):
    """``result`` with out-of-fold predictions of its best setting, when asked."""
    if keep_predictions and result.details is None:
        result.details = out_of_fold(
            result.best_estimator(), X, y, cv=folds, scoring=scoring, n_jobs=n_jobs
        )
    return result


def _run_single(cand, X, y, folds, *, scoring, n_jobs, keep_predictions):
    """A candidate with one setting: cross-validated once, no search."""
    params = {k: v[0] for k, v in cand.param_grid.items()}
    est = clone(cand.estimator).set_params(**params)
    if keep_predictions:
        # the table's score is ``scoring``, whichever path computes it
        details = out_of_fold(est, X, y, cv=folds, scoring=scoring, n_jobs=n_jobs)
        scores, fit_times = details.scores, details.fit_time
    else:
        details = None
        res = cross_validate(
            est, X, y, cv=folds, n_jobs=n_jobs, scoring=scoring, error_score="raise"
        )
        scores, fit_times = res["test_score"], res["fit_time"]
    return CandidateResult(cand, params, scores, fit_times, 1, details=details)


def _run_grid(cand, X, y, folds, *, scoring, n_jobs, keep_predictions):
    """A candidate tuned over its grid by :class:`~sklearn.model_selection.GridSearchCV`."""
    # a setting that cannot fit (e.g. more neighbours than songs) scores NaN with
    # sklearn's warning; the others still compete
    search = GridSearchCV(
        cand.estimator,
        cand.param_grid,
        cv=folds,
        scoring=scoring,
        n_jobs=n_jobs,
        refit=False,
        error_score=np.nan,
    )
    search.fit(X, y)
    results = search.cv_results_
    if np.all(np.isnan(results["mean_test_score"])):
        raise ValueError(f"Every setting of {cand.name} failed to fit; see the warnings.")
    i = int(np.nanargmax(results["mean_test_score"]))
    scores = np.array([results[f"split{k}_test_score"][i] for k in range(len(folds))])
    result = CandidateResult(
        cand,
        results["params"][i],
        scores,
        np.array([results["mean_fit_time"][i]]),
        len(results["params"]),
        search=search,
    )
    return _with_details(result, X, y, folds, scoring, n_jobs, keep_predictions)


def _run_optuna(
    cand,
    X,
    y,
    folds,
    *,
    scoring,
    n_jobs,
    keep_predictions,
    n_trials,
    storage,
    study_prefix,
    random_state,
):
    """A candidate tuned by an Optuna study over :func:`search_space`."""
    from optuna.trial import TrialState

    from ._optuna import optuna_search, search_space

    search = optuna_search(
        cand.estimator,
        X,
        y,
        param_distributions=search_space(cand.estimator),
        n_trials=n_trials,
        cv=folds,
        scoring=scoring,
        study_name=study_prefix + cand.name,
        storage=storage,
        n_jobs=n_jobs,
        refit=False,
        random_state=random_state,
    )
    if not search.study_.get_trials(states=(TrialState.COMPLETE,)):
        raise ValueError(
            f"No Optuna trial of {cand.name} completed (every one failed to fit; see the "
            "warnings). Give more songs or a narrower space."
        )
    best = search.study_.best_trial
    scores = np.array([best.user_attrs[f"split{k}_test_score"] for k in range(len(folds))])
    result = CandidateResult(
        cand,
        dict(best.params),
        scores,
        np.array([best.user_attrs["mean_fit_time"]]),
        len(search.trials_),
        search=search,
    )
    return _with_details(result, X, y, folds, scoring, n_jobs, keep_predictions)


_ENGINES = {"single": _run_single, "grid": _run_grid, "optuna": _run_optuna}


def one_search(
    candidates, *, cv=5, scoring="accuracy", n_jobs=None, refit=True, random_state=0, **kwargs
):
    """One GridSearchCV over every candidate: sklearn's swap-the-step pattern.

    The returned search holds a one-step Pipeline whose step ``"model"`` is
    swapped by the grid -- ``[{"model": [rf_pipeline], "model__clf__max_features":
    [...]}, {"model": [lstm_pipeline], ...}]`` -- so deep and classical models
    compete in a single search (and a single joblib/Dask job queue). Read it
    per model with :func:`table_from_search`.

    Parameters
    ----------
    candidates : list of Candidate
    cv : int or CV splitter, default=5
        An int: stratified shuffled folds over songs.
    scoring : str, default="accuracy"
    n_jobs : int, default=None
    refit : bool, default=True
    random_state : int, default=0
    **kwargs
        More GridSearchCV parameters.

    Returns
    -------
    search : GridSearchCV
        Unfitted; after ``fit``, :func:`table_from_search` with the same
        ``candidates`` gives one row per model.

    Examples
    --------
    >>> from skmusic.model_selection import make_candidates, one_search
    >>> candidates = make_candidates(models=["knn", "svm"], quick=True)
    >>> search = one_search(candidates, cv=3)
    >>> [sorted(entry) for entry in search.param_grid][0]
    ['model', 'model__clf__n_neighbors']
    """
    if not candidates:
        raise ValueError("candidates is empty.")
    grid = []
    for cand in candidates:
        entry = {"model": [cand.estimator]}
        entry.update({f"model__{k}": v for k, v in cand.param_grid.items()})
        grid.append(entry)
    if isinstance(cv, (int, np.integer)):
        cv = StratifiedKFold(int(cv), shuffle=True, random_state=random_state)
    pipe = Pipeline([("model", candidates[0].estimator)])
    return GridSearchCV(pipe, grid, cv=cv, scoring=scoring, n_jobs=n_jobs, refit=refit, **kwargs)


def table_from_search(search, candidates):
    """Per-model rows (best setting of each) from a fitted :func:`one_search`.

    Parameters
    ----------
    search : fitted GridSearchCV from :func:`one_search`
    candidates : list of Candidate
        Those the search was made from (they name the rows).

    Returns
    -------
    table : pandas.DataFrame
        Columns as in :func:`compare_models`, best first.
    """
    check_is_fitted(search, "cv_results_")
    res = search.cv_results_
    rows = []
    for cand in candidates:
        mine = [i for i, p in enumerate(res["params"]) if p["model"] is cand.estimator]
        if not mine:
            continue
        best = max(mine, key=lambda i: res["mean_test_score"][i])
        params = {k[len("model__") :]: v for k, v in res["params"][best].items() if k != "model"}
        rows.append(
            {
                "model": cand.name,
                "family": cand.family,
                "mean_score": float(res["mean_test_score"][best]),
                "std_score": float(res["std_test_score"][best]),
                "mean_fit_time": float(res["mean_fit_time"][best]),
                "n_settings": len(mine),
                "params": _short(params),
            }
        )
    return _frame(rows)
