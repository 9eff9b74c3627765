"""Optuna search spaces for skmusic's networks and sklearn's classifiers; resumable studies."""

from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline

__all__ = ["search_space", "make_study", "optimize_study", "optuna_search", "DEFAULT_STORAGE"]

DEFAULT_STORAGE = "sqlite:///skmusic_study.db"


def _spaces():
    from optuna.distributions import CategoricalDistribution as Cat
    from optuna.distributions import FloatDistribution as Float
    from optuna.distributions import IntDistribution as Int

    lr = Float(1e-4, 1e-2, log=True)
    return {
        "LSTMClassifier": {
            "lr": lr,
            "hidden_size": Int(16, 128, log=True),
            "num_layers": Int(1, 3),
            "dropout": Float(0.0, 0.5),
        },
        "CRNNClassifier": {
            "lr": lr,
            "hidden_size": Int(8, 64, log=True),
            "kernel_size": Cat([3, 5]),
            "dropout": Float(0.0, 0.5),
        },
        "ResNet1DClassifier": {"lr": lr, "n_filters": Int(8, 64, log=True), "n_blocks": Int(1, 4)},
        "SpectrogramCNNClassifier": {"lr": lr, "dropout": Float(0.0, 0.5)},
        "RCNNClassifier": {"lr": lr, "n_steps": Int(1, 3), "dropout": Float(0.0, 0.5)},
        "InceptionTimeClassifier": {
            "lr": lr,
            "n_filters": Int(8, 64, log=True),
            "depth": Int(3, 9),
        },
        "NoteNetworkClassifier": {
            "lr": lr,
            "d_model": Int(16, 128, log=True),
            "n_blocks": Int(1, 6),
            "dropout": Float(0.0, 0.5),
        },
        # the event classifiers' class models
        "NGramTokenGenerator": {"order": Int(1, 4), "alpha": Float(1e-2, 2.0, log=True)},
        "ViewpointGenerator": {
            "bias": Float(0.0, 4.0),
            "escape": Cat(["C", "X"]),
            "combination": Cat(["geometric", "arithmetic"]),
        },
        # MiniRocket's ridge tunes its own alpha by leave-one-out
        "RidgeClassifierCV": {"fit_intercept": Cat([True, False])},
        "RandomForestClassifier": {
            "n_estimators": Int(50, 500, log=True),
            "max_features": Float(0.05, 1.0),
            "min_samples_leaf": Int(1, 5),
        },
        "SVC": {"C": Float(1e-2, 1e3, log=True), "gamma": Float(1e-4, 1.0, log=True)},
        "KNeighborsClassifier": {
            "n_neighbors": Int(1, 10),
            "weights": Cat(["uniform", "distance"]),
        },
        "LogisticRegression": {"C": Float(1e-3, 1e2, log=True)},
        "GradientBoostingClassifier": {
            "learning_rate": Float(0.01, 0.3, log=True),
            "n_estimators": Int(50, 300, log=True),
            "max_depth": Int(2, 5),
        },
        "AdaBoostClassifier": {
            "n_estimators": Int(25, 300, log=True),
            "learning_rate": Float(0.05, 2.0, log=True),
        },
    }


def search_space(estimator):
    """An Optuna search space for a classifier, a Pipeline or a VotingSliceClassifier.

    The space is that of the model at the end: a Pipeline's last step, a
    :class:`~skmusic.ensemble.VotingSliceClassifier`'s ``estimator``; keys
    carry the prefixes that reach it, so the result goes straight into
    :class:`optuna_integration.OptunaSearchCV`.

    Spaces exist for skmusic's network classifiers (learning rate on a log
    scale, sizes, dropout) and sklearn's random forest, SVC, KNN, logistic
    regression, gradient boosting and AdaBoost.

    Parameters
    ----------
    estimator : estimator instance

    Returns
    -------
    space : dict of str to optuna.distributions.BaseDistribution

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.svm import SVC
    >>> from skmusic.features import ScoreFeatures
    >>> from skmusic.model_selection import search_space
    >>> sorted(search_space(make_pipeline(ScoreFeatures(), SVC())))
    ['svc__C', 'svc__gamma']
    """
    spaces = _spaces()
    prefix, inner = "", estimator
    for _ in range(10):
        if type(inner).__name__ in spaces:
            break
        if isinstance(inner, Pipeline):
            name, inner = inner.steps[-1]
            prefix += f"{name}__"
        elif type(inner).__name__ == "VotingSliceClassifier" or (
            isinstance(getattr(inner, "estimator", None), BaseEstimator)
        ):
            inner = inner.estimator
            prefix += "estimator__"
        elif isinstance(getattr(inner, "generator", None), BaseEstimator):
            inner = inner.generator  # ClassConditionalGenerator: one model per class
            prefix += "generator__"
        else:
            break
    name = type(inner).__name__
    if name not in spaces:
        raise ValueError(
            f"No search space for {name}; give param_distributions yourself (a dict of "
            f"optuna distributions). Known models: {sorted(spaces)}."
        )
    return {prefix + key: dist for key, dist in spaces[name].items()}


def make_study(
    study_name="skmusic",
    *,
    storage=DEFAULT_STORAGE,
    direction="maximize",
    sampler=None,
    random_state=None,
    load_if_exists=True,
    heartbeat_interval=None,
    grace_period=None,
):
    """Create an Optuna study, or load it to resume it.

    Trials are written to ``storage`` as they finish, so a study whose process
    dies (a crash, a kill, a closed laptop) loses only the trial that was
    running; calling this again with the same name and storage resumes it.
    Several processes or machines that call it with one database URL work on
    the same study (Optuna's distributed optimisation).

    Parameters
    ----------
    study_name : str, default="skmusic"
    storage : str or None, default="sqlite:///skmusic_study.db"
        An RDB URL: SQLite for one machine, e.g.
        ``"postgresql://user:pass@host/db"`` or ``"mysql+pymysql://..."`` to
        share a study between machines. ``None`` keeps the study in memory
        (not resumable).
    direction : {"maximize", "minimize"}, default="maximize"
    sampler : optuna.samplers.BaseSampler, default=None
        ``None``: a TPE sampler seeded with ``random_state``.
    random_state : int, default=None
    load_if_exists : bool, default=True
        Resume a study of the same name instead of raising.
    heartbeat_interval : int, default=None
        Seconds between heartbeats of running trials. With it, a trial whose
        process died is marked failed (after ``grace_period`` seconds without
        a heartbeat) when the study is next resumed, and retried once.
    grace_period : int, default=None
        See ``heartbeat_interval`` (Optuna's default is twice the interval).

    Returns
    -------
    study : optuna.Study
    """
    import optuna

    if sampler is None:
        sampler = optuna.samplers.TPESampler(seed=random_state)
    if storage is not None and heartbeat_interval is not None:
        import optuna.storages as storages

        # optuna >= 4.9 renamed the callback and the argument
        if hasattr(storages, "RetryHeartbeatStaleTrialCallback"):
            retry = storages.RetryHeartbeatStaleTrialCallback(max_retry=1)
            key = "heartbeat_stale_trial_callback"
        else:
            retry = storages.RetryFailedTrialCallback(max_retry=1)
            key = "failed_trial_callback"
        RDBStorage = storages.RDBStorage
        storage = RDBStorage(
            storage,
            heartbeat_interval=heartbeat_interval,
            grace_period=grace_period,
            **{key: retry},
        )
    return optuna.create_study(
        study_name=study_name,
        storage=storage,
        direction=direction,
        sampler=sampler,
        load_if_exists=load_if_exists,
    )


def _finished(study):
    from optuna.trial import TrialState

    return len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED)))


def optimize_study(
    study, objective, n_trials, *, timeout=None, n_jobs=1, callbacks=None, show_progress_bar=False
):
    """Run ``objective`` until the study holds ``n_trials`` finished trials in all.

    Trials finished earlier -- by a run that was killed, or by other workers
    sharing the study's database -- count toward ``n_trials``, so calling this
    again after a crash completes the study instead of starting over, and
    several workers together stop at ``n_trials``.

    Parameters
    ----------
    study : optuna.Study
    objective : callable
        ``objective(trial) -> float``.
    n_trials : int
        Finished (complete or pruned) trials the study should end with.
    timeout : float, default=None
    n_jobs : int, default=1
    callbacks : list, default=None
    show_progress_bar : bool, default=False

    Returns
    -------
    study : optuna.Study
    """
    from optuna.study import MaxTrialsCallback
    from optuna.trial import TrialState

    remaining = n_trials - _finished(study)
    if remaining > 0:
        stop = MaxTrialsCallback(n_trials, states=(TrialState.COMPLETE, TrialState.PRUNED))
        study.optimize(
            objective,
            n_trials=remaining,
            timeout=timeout,
            n_jobs=n_jobs,
            callbacks=[stop, *(callbacks or [])],
            show_progress_bar=show_progress_bar,
        )
    return study


def optuna_search(
    estimator,
    X,
    y,
    *,
    param_distributions=None,
    n_trials=20,
    cv=5,
    scoring=None,
    study_name=None,
    storage=DEFAULT_STORAGE,
    n_jobs=None,
    refit=True,
    timeout=None,
    random_state=None,
    verbose=0,
):
    """Fit an :class:`optuna_integration.OptunaSearchCV` on a resumable study.

    The study lives in ``storage`` (SQLite by default) under ``study_name``:
    a search killed mid-run resumes where it stopped -- finished trials are
    kept and count toward ``n_trials`` -- and processes on several machines
    pointed at one database URL share the work.

    Parameters
    ----------
    estimator : estimator instance
    X : list or array of songs
    y : array-like of shape (n_songs,)
    param_distributions : dict, default=None
        ``None``: :func:`search_space` of ``estimator``.
    n_trials : int, default=20
        Finished trials the study should end with (earlier ones count).
    cv : int or CV splitter, default=5
        Folds over songs; an int means stratified folds.
    scoring : str or callable, default=None
    study_name : str, default=None
        ``None``: ``"skmusic-<final estimator class name>"``.
    storage : str or None, default="sqlite:///skmusic_study.db"
        RDB URL (see :func:`make_study`); ``None`` keeps the study in memory.
    n_jobs : int, default=None
        Parallel trials (threads).
    refit : bool, default=True
    timeout : float, default=None
    random_state : int, default=None
    verbose : int, default=0

    Returns
    -------
    search : OptunaSearchCV
        Fitted; ``search.study_`` is the study, ``search.trials_`` all its trials.
    """
    from optuna.study import MaxTrialsCallback
    from optuna.trial import TrialState
    from optuna_integration import OptunaSearchCV

    if param_distributions is None:
        param_distributions = search_space(estimator)
    if study_name is None:
        final = estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator
        final = getattr(final, "estimator", final)
        study_name = f"skmusic-{type(final).__name__}"
    study = make_study(study_name, storage=storage, random_state=random_state)
    remaining = max(n_trials - _finished(study), 0)
    search = OptunaSearchCV(
        estimator,
        param_distributions,
        cv=cv,
        n_jobs=n_jobs,
        n_trials=remaining,
        random_state=random_state,
        refit=refit,
        scoring=scoring,
        study=study,
        timeout=timeout,
        verbose=verbose,
        callbacks=[MaxTrialsCallback(n_trials, states=(TrialState.COMPLETE, TrialState.PRUNED))],
    )
    import warnings

    import optuna

    level = optuna.logging.get_verbosity()
    if not verbose:
        optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
            warnings.filterwarnings("ignore", category=FutureWarning, module="optuna")
            return search.fit(X, y)
    finally:
        optuna.logging.set_verbosity(level)
