"""Learning curves of deep and classical models: accuracy against songs per class.

A data scientist's labelled folder usually holds tens of songs a class. Whether a
network pays on it depends on that number, so the networks and the classical models
are fitted at growing numbers of training songs per class, each scored on the same
held-out songs, and the table says from which size on the best network matches the
best classical model.
"""

import time
import warnings
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.exceptions import FitFailedWarning
from sklearn.metrics import check_scoring
from sklearn.model_selection import GridSearchCV, ParameterGrid

from ._candidates import DATA_KINDS, make_candidates, resolve_models
from ._compare import _check_songs, song_folds

__all__ = [
    "DEFAULT_SIZES",
    "LEARNING_CURVE_NETWORKS",
    "learning_curve_table",
    "learning_curve_summary",
]

#: Songs per class of a learning curve, where the data holds them.
DEFAULT_SIZES = (10, 20, 40, 80, 160)

#: The networks a learning curve fits when ``models`` is ``None``: those of
#: :func:`make_candidates` that read each kind of data best at their defaults
#: (every other network can be named).
LEARNING_CURVE_NETWORKS = {
    "symbolic": ("note_network", "resnet1d", "inception_time"),
    "audio": ("crnn", "spectrogram_cnn"),
}

_COLUMNS = [
    "model",
    "family",
    "songs_per_class",
    "draw",
    "fold",
    "score",
    "fit_time",
    "n_train",
    "n_test",
    "params",
]


def _take(X, idx):
    if isinstance(X, np.ndarray) and X.dtype.names is None:
        return X[idx]
    return [X[i] for i in idx]


def _check_sizes(sizes, largest):
    """The sizes of the curve, ascending, and the sizes left out (``"auto"`` only)."""
    if isinstance(sizes, str):
        if sizes != "auto":
            raise ValueError(f"sizes must be 'auto' or a list of positive ints, got {sizes!r}.")
        kept = [s for s in DEFAULT_SIZES if s < largest]
        if not kept or largest >= 1.25 * kept[-1]:
            kept.append(largest)
        return kept, [s for s in DEFAULT_SIZES if s > largest]
    try:
        values = [int(s) for s in sizes]
    except (TypeError, ValueError):
        raise ValueError(
            f"sizes must be 'auto' or a list of positive ints (songs per class), got {sizes!r}."
        ) from None
    if not values or any(v < 1 or v != s for v, s in zip(values, sizes, strict=True)):
        raise ValueError(
            f"sizes must be 'auto' or a non-empty list of positive ints (songs per class), "
            f"got {sizes!r}."
        )
    too_big = sorted(v for v in set(values) if v > largest)
    if too_big:
        raise ValueError(
            f"sizes {too_big} ask for more training songs per class than every training "
            f"fold holds: at most {largest} here (the smallest class of the smallest "
            "training fold). Give smaller sizes, fewer folds (cv) or more songs, or "
            "sizes='auto'."
        )
    return sorted(set(values)), []


def _draws_at(n_draws, size):
    if isinstance(n_draws, dict):
        return int(n_draws.get(size, 1))
    return int(n_draws)


def _check_draws(n_draws):
    values = n_draws.values() if isinstance(n_draws, dict) else [n_draws]
    for v in values:
        if isinstance(v, bool) or not isinstance(v, Integral) or v < 1:
            raise ValueError(
                f"n_draws must be a positive int or a dict {{size: positive int}}, got {n_draws!r}."
            )


def _default_models(kind):
    return ["classical", *LEARNING_CURVE_NETWORKS[kind]]


def _plan(y, folds, sizes, n_draws, random_state):
    """[(size, draw, fold, train indices, test indices)]: nested draws per (fold, repeat)."""
    classes = np.unique(y)
    n_folds = len(folds)
    permutations = {}
    plan = []
    for size in sizes:
        seen = set()
        for draw in range(_draws_at(n_draws, size)):
            f, repeat = draw % n_folds, draw // n_folds
            train, test = folds[f]
            if (f, repeat) not in permutations:
                rng = np.random.RandomState([random_state, f, repeat])
                permutations[f, repeat] = {
                    c: rng.permutation(train[y[train] == c]) for c in classes
                }
            chosen = np.sort(np.concatenate([p[:size] for p in permutations[f, repeat].values()]))
            key = (f, chosen.tobytes())
            if key in seen:  # the whole training fold: another repeat draws the same songs
                continue
            seen.add(key)
            plan.append((size, draw, f, chosen, test))
    return plan


def _fit_score(cand, X_train, y_train, g_train, X_test, y_test, *, tune, inner_cv, scoring, seed):
    """Fit one candidate on one draw (tuned on the draw alone); score the held-out fold."""
    grid = cand.param_grid or {}
    n_settings = len(ParameterGrid(grid)) if grid else 1
    model = clone(cand.estimator)
    params = {}
    if n_settings > 1 and tune and np.unique(y_train, return_counts=True)[1].min() >= inner_cv:
        inner = song_folds(y_train, groups=g_train, cv=inner_cv, random_state=seed)
        model = GridSearchCV(model, grid, cv=inner, scoring=scoring, error_score=np.nan)
    elif grid:
        params = {k: v[0] for k, v in grid.items()}
        model.set_params(**params)
    start = time.perf_counter()
    with warnings.catch_warnings():
        # a setting that cannot fit a small draw (more neighbours than songs) scores
        # NaN in the inner search and loses; the other settings compete
        warnings.filterwarnings("ignore", category=FitFailedWarning)
        warnings.filterwarnings("ignore", message="Scoring failed", category=UserWarning)
        warnings.filterwarnings("ignore", message="One or more of the test scores")
        model.fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    if isinstance(model, GridSearchCV):
        params = model.best_params_
    score = check_scoring(model, scoring=scoring)(model, X_test, y_test)
    shown = {k: (type(v).__name__ if hasattr(v, "get_params") else v) for k, v in params.items()}
    return float(score), fit_time, str(shown)


def _run_job(cand, X_train, y_train, g_train, X_test, y_test, *, error_score, **settings):
    try:
        return _fit_score(cand, X_train, y_train, g_train, X_test, y_test, **settings)
    except Exception as exc:
        if isinstance(error_score, str) and error_score == "raise":
            raise
        warnings.warn(
            f"{cand.name} failed to fit on {len(y_train)} songs ({type(exc).__name__}: {exc}); "
            f"its score is {error_score}.",
            UserWarning,
            stacklevel=2,
        )
        return float(error_score), np.nan, ""


def learning_curve_table(
    X,
    y,
    *,
    kind="symbolic",
    groups=None,
    sizes="auto",
    n_draws=3,
    models=None,
    candidates=None,
    cv=3,
    tune=True,
    inner_cv=3,
    quick=False,
    scoring="accuracy",
    n_jobs=None,
    error_score="raise",
    progress=False,
    random_state=0,
):
    """Fit deep and classical candidates at growing numbers of songs per class.

    The songs are split once into ``cv`` song-level folds
    (:func:`song_folds`: stratified, and with ``groups`` no tune family on
    both sides). Every point of the curve is a *draw*: ``size`` songs of each
    class taken at random from the training part of one fold, the candidate
    fitted on them alone, and scored on **the whole held-out fold** -- the same
    held-out songs at every size, drawn from the full pool and never from the
    draw, so that the sizes differ in training songs only (as
    :func:`sklearn.model_selection.learning_curve` does). Since the held-out
    fold holds whole tune families and the draw comes from the rest, no family
    is split between a draw and its test songs; a draw may hold several
    variants of one tune, as a user's folder would. Draw ``d`` uses fold
    ``d % cv``, so three draws on three folds are also scored on three
    different held-out sets; draws of one fold are nested (the 10 songs of a
    class are among its 20). Candidates with a grid are tuned on the draw
    alone (``tune``: :class:`~sklearn.model_selection.GridSearchCV` over
    ``inner_cv`` song-level folds of the draw, grouped by family), so the
    held-out songs never pick a setting; the networks run at their defaults.

    Parameters
    ----------
    X : list of songs
        Note-event arrays (``kind="symbolic"``) or ``(1, n_samples)``
        waveforms (``kind="audio"``), as :func:`compare_models` takes them.
    y : array-like of shape (n_songs,)
        Song labels (strings work).
    kind : {"symbolic", "audio"}, default="symbolic"
    groups : array-like of shape (n_songs,), default=None
        Tune families (:func:`tune_families`, ``load_corpus(...).groups``);
        ``None`` splits songs freely.
    sizes : "auto" or list of int, default="auto"
        Training songs per class. ``"auto"``: those of
        :data:`DEFAULT_SIZES` (10, 20, 40, 80, 160) that every training fold
        holds, then the largest size it holds (the whole training part of
        the smallest class). A size larger than that is a ValueError.
    n_draws : int or dict, default=3
        Draws of songs per size; a dict ``{size: draws}`` gives each size its
        own number (sizes not in it get one draw).
    models : list of str or "all", default=None
        Names for :func:`make_candidates`. ``None``: every classical
        candidate for ``kind`` and the networks of
        :data:`LEARNING_CURVE_NETWORKS` (the note network, ResNet-1D and
        InceptionTime for scores; the CRNN and the spectrogram CNN for
        audio); ``"all"``: every candidate.
    candidates : list of Candidate, default=None
        Used as given instead of ``models``.
    cv : int, default=3
        Song-level folds that give the held-out songs.
    tune : bool, default=True
        Tune candidates with a grid on each draw (see above). ``False``: the
        first setting of each grid.
    inner_cv : int, default=3
        Folds of that tuning; a draw with fewer songs in a class than
        ``inner_cv`` uses the first setting.
    quick : bool, default=False
        Passed to :func:`make_candidates`: small grids, networks of at most
        30 epochs, one where ResNet-1D or InceptionTime would average several
        (the note network at its defaults).
    scoring : str or callable, default="accuracy"
    n_jobs : int, default=None
        Fits run in parallel (joblib).
    error_score : "raise" or float, default="raise"
        A fit that fails raises, or scores this value with a warning.
    progress : bool, default=False
        A progress bar over the fits.
    random_state : int, default=0
        Seeds the folds, the draws and the candidates.

    Returns
    -------
    table : pandas.DataFrame
        One row per fit: ``model``, ``family`` (``"deep"`` or
        ``"classical"``), ``songs_per_class``, ``draw``, ``fold``,
        ``score`` (``scoring`` on the held-out fold), ``fit_time`` (seconds,
        the tuning included), ``n_train``, ``n_test`` (songs) and ``params``
        (the setting used). ``table.attrs`` holds ``sizes``,
        ``sizes_left_out`` (of :data:`DEFAULT_SIZES`, under ``"auto"``),
        ``largest_size``, ``n_folds`` and ``split`` (how folds were made).
        :func:`learning_curve_summary` reads it per size;
        :func:`skmusic.plotting.plot_learning_curve` draws it.

    See Also
    --------
    compare_models : The same candidates at one size, tuned over song-level CV.
    sklearn.model_selection.learning_curve : One estimator, fractions of each
        training fold.

    Examples
    --------
    >>> from skmusic.datasets import load_corpus
    >>> from skmusic.model_selection import learning_curve_table
    >>> songs = load_corpus(classes=["bach", "oneills"], max_per_class=12, verbose=False)
    >>> table = learning_curve_table(songs.data, songs.target, groups=songs.groups,
    ...                              models=["knn", "svm"], sizes=[4, 6], n_draws=2,
    ...                              quick=True)
    >>> sorted(table["songs_per_class"].unique().tolist())
    [4, 6]
    >>> table.columns.tolist()[:6]
    ['model', 'family', 'songs_per_class', 'draw', 'fold', 'score']
    """
    import pandas as pd

    y, _ = _check_songs(X, y)
    if kind not in DATA_KINDS:
        raise ValueError(f"Unknown data kind {kind!r}; choose one of {list(DATA_KINDS)}.")
    if isinstance(cv, bool) or not isinstance(cv, Integral) or cv < 2:
        raise ValueError(f"cv must be an int of at least 2 folds, got {cv!r}.")
    if isinstance(inner_cv, bool) or not isinstance(inner_cv, Integral) or inner_cv < 2:
        raise ValueError(f"inner_cv must be an int of at least 2 folds, got {inner_cv!r}.")
    _check_draws(n_draws)
    if not (isinstance(error_score, str) and error_score == "raise") and not isinstance(
        error_score, (int, float)
    ):
        raise ValueError(f"error_score must be 'raise' or a number, got {error_score!r}.")
    if groups is not None:
        groups = np.asarray(groups)
    classes, counts = np.unique(y, return_counts=True)
    if counts.min() < cv:
        raise ValueError(
            f"cv={cv} folds need at least {cv} songs per class, but "
            f"{classes[np.argmin(counts)]!r} has {counts.min()}. Use a smaller cv or more songs."
        )
    folds = song_folds(y, groups=groups, cv=int(cv), random_state=random_state)
    largest = min(int(np.sum(y[train] == c)) for train, _ in folds for c in classes)
    if largest < 1:
        raise ValueError(
            "A training fold holds no song of some class (the tune families are too "
            "large for these folds); use fewer folds (cv) or more songs."
        )
    sizes, left_out = _check_sizes(sizes, largest)

    if candidates is None:
        if isinstance(models, str) and models == "all":
            models = None
        elif models is None:
            models = _default_models(kind)
        else:
            resolve_models(models)  # names checked before any work
        candidates = make_candidates(kind, models=models, quick=quick, random_state=random_state)
    candidates = list(candidates)
    if not candidates:
        raise ValueError("No candidates to fit: models or candidates is empty.")

    plan = _plan(y, folds, sizes, n_draws, random_state)
    jobs = [(cand, point) for cand in candidates for point in plan]
    settings = dict(
        tune=tune,
        inner_cv=int(inner_cv),
        scoring=scoring,
        seed=random_state,
        error_score=error_score,
    )
    calls = (
        # each fit gets its own songs only: a worker is sent a draw and a fold, not the data
        delayed(_run_job)(
            cand,
            _take(X, train),
            y[train],
            None if groups is None else groups[train],
            _take(X, test),
            y[test],
            **settings,
        )
        for cand, (_, _, _, train, test) in jobs
    )
    results = Parallel(n_jobs=n_jobs, return_as="generator")(calls)
    if progress:
        from tqdm.auto import tqdm

        results = tqdm(results, total=len(jobs), desc="learning curve", unit="fit")
    rows = []
    for (cand, (size, draw, f, train, test)), (score, fit_time, params) in zip(
        jobs, results, strict=True
    ):
        rows.append(
            {
                "model": cand.name,
                "family": cand.family,
                "songs_per_class": size,
                "draw": draw,
                "fold": f,
                "score": score,
                "fit_time": fit_time,
                "n_train": len(train),
                "n_test": len(test),
                "params": params,
            }
        )
    table = pd.DataFrame(rows, columns=_COLUMNS)
    if groups is not None and len(np.unique(groups)) < len(groups):
        from ..utils.tunes import describe_families

        split = f"tune-family folds ({describe_families(groups)})"
    else:
        split = "songs split freely"
    table.attrs.update(
        sizes=list(sizes),
        sizes_left_out=left_out,
        largest_size=largest,
        n_folds=len(folds),
        split=split,
    )
    return table


def learning_curve_summary(table):
    """The best network and the best classical model at every size of a curve.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`learning_curve_table` (or any table with its ``model``,
        ``family``, ``songs_per_class`` and ``score`` columns, e.g. task
        means of a suite).

    Returns
    -------
    summary : pandas.DataFrame
        One row per size: ``songs_per_class``, ``best_network`` and
        ``network_score``, ``best_classical`` and ``classical_score`` (the
        highest mean score over draws in each family), ``gap`` (network minus
        classical; NaN where a family is missing). ``summary.attrs["crossover"]``:
        the smallest size from which on the best network is at least as
        accurate as the best classical model at every larger size measured,
        or ``None``. The best of several models is an optimistic figure, more
        so for the family with more candidates.

    Examples
    --------
    >>> import pandas as pd
    >>> from skmusic.model_selection import learning_curve_summary
    >>> table = pd.DataFrame({"model": ["svm", "net"] * 2, "family": ["classical", "deep"] * 2,
    ...                       "songs_per_class": [10, 10, 20, 20], "score": [0.8, 0.7, 0.8, 0.85]})
    >>> summary = learning_curve_summary(table)
    >>> summary["gap"].round(2).tolist(), summary.attrs["crossover"]
    ([-0.1, 0.05], 20)
    """
    import pandas as pd

    missing = {"model", "family", "songs_per_class", "score"} - set(table.columns)
    if missing:
        raise ValueError(
            f"table lacks the column(s) {sorted(missing)}; pass the table of learning_curve_table."
        )
    if len(table) == 0:
        raise ValueError("table is empty: no fit to summarize.")
    means = table.groupby(["songs_per_class", "family", "model"], sort=True)["score"].mean()
    rows = []
    for size in sorted(table["songs_per_class"].unique()):
        row = {"songs_per_class": int(size)}
        for family, prefix in (("deep", "network"), ("classical", "classical")):
            try:
                scores = means.loc[(size, family)]
            except KeyError:
                scores = pd.Series(dtype=float)
            scores = scores.dropna()
            best = scores.idxmax() if len(scores) else None
            row[f"best_{prefix}"] = best
            row[f"{prefix}_score"] = float(scores.max()) if len(scores) else np.nan
        rows.append(row)
    summary = pd.DataFrame(rows)
    summary["gap"] = summary["network_score"] - summary["classical_score"]
    crossover = None
    for i in range(len(summary) - 1, -1, -1):
        if summary["gap"].iloc[i] >= 0:
            crossover = int(summary["songs_per_class"].iloc[i])
        else:
            break
    summary.attrs["crossover"] = crossover
    return summary
