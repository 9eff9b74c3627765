"""skmusic.model_selection: candidates, song-level comparison, Optuna studies, Dask."""

import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.svm import SVC

from skmusic.ensemble import VotingSliceClassifier
from skmusic.features import ScoreFeatures
from skmusic.model_selection import (
    CLASSICAL_MODELS,
    DEEP_MODELS,
    compare_models,
    make_candidates,
    make_study,
    one_search,
    optimize_study,
    optuna_search,
    search_space,
    table_from_search,
)
from skmusic.model_selection._candidates import OPTIONAL
from skmusic.model_selection._minirocket import minirocket_backend
from skmusic.nn import LSTMClassifier, NoteNetworkClassifier
from skmusic.nn.notes import NOTE_NETWORK_FEATURES

pytestmark = pytest.mark.usefixtures("one_torch_thread")


# ---------------------------------------------------------------- candidates
def test_make_candidates_families_and_pipelines():
    cands = make_candidates("symbolic")
    # a model that needs an optional extra (minirocket: sktime or aeon) only where installed
    expected = [m for m in CLASSICAL_MODELS + DEEP_MODELS if m not in OPTIONAL or OPTIONAL[m][1]()]
    assert [c.name for c in cands] == expected
    for c in cands:
        assert c.family == ("classical" if c.name in CLASSICAL_MODELS else "deep")
        assert isinstance(c.estimator, Pipeline) and c.estimator.steps[-1][0] == "clf"
        if c.family == "deep" and c.name != "note_network":
            assert isinstance(c.estimator[-1], VotingSliceClassifier)
        # grids address the pipeline's own parameters
        assert set(c.param_grid) <= set(c.estimator.get_params())
    audio = make_candidates("audio", models=["deep", "svm"])
    # the candidates that read scores only are left out for audio
    assert [c.name for c in audio] == [m for m in DEEP_MODELS if m != "note_network"] + ["svm"]
    with pytest.raises(ValueError, match="reads scores"):
        make_candidates("audio", models=["ngram_events"])
    assert type(audio[0].estimator[0]).__name__ == "MelSpectrogram"
    assert type(audio[-1].estimator[0]).__name__ == "MFCC"


def test_make_candidates_slicing_and_hop_none():
    def slicing(**kwargs):
        voting = make_candidates(models=["lstm"], **kwargs)[0].estimator[-1]
        return voting.width, voting.hop

    # the standard slicing: 50% overlap
    assert slicing() == (64, 32)
    assert slicing(kind="audio") == (86, 43)
    # hop=None with a width means width (no overlap), as in skmusic.utils.windows
    assert slicing(width=40) == (40, 40)
    assert slicing(width=40, hop=10) == (40, 10)
    with pytest.raises(ValueError, match="hop must be a positive integer"):
        make_candidates(models=["lstm"], width=40, hop=0)


def test_make_candidates_bad_names():
    with pytest.raises(ValueError, match="Unknown model 'xgboost'"):
        make_candidates(models=["xgboost"])
    with pytest.raises(ValueError, match="Unknown data kind 'video'"):
        make_candidates("video")
    with pytest.raises(ValueError, match="models is empty"):
        make_candidates(models=[])


# ----------------------------------------------------------------- compare
def test_compare_models_deep_and_classical_song_level(corpus_scores):
    X, y = corpus_scores.data, corpus_scores.target
    cands = make_candidates(
        models=["knn", "logistic_regression", "resnet1d"], quick=True, max_epochs=2
    )
    result = compare_models(X, y, candidates=cands, cv=2, keep_predictions=True)
    table = result.table
    assert list(table.columns) == [
        "model",
        "family",
        "mean_score",
        "std_score",
        "mean_fit_time",
        "n_settings",
        "params",
    ]
    assert sorted(table.model) == ["knn", "logistic_regression", "resnet1d"]
    assert set(table.family) == {"classical", "deep"}
    assert table.mean_score.between(0, 1).all()
    assert table.mean_score.is_monotonic_decreasing and result.best == table.model[0]
    assert table.set_index("model").loc["knn", "n_settings"] == 2
    # folds are whole songs: every song is tested exactly once, never trained on then
    tested = np.concatenate([test for _, test in result.cv])
    assert np.array_equal(np.sort(tested), np.arange(len(y)))
    for train, test in result.cv:
        assert not set(train) & set(test)
    det = result.details["resnet1d"]
    assert det.y_pred.shape == y.shape and set(det.y_pred) <= set(y)
    # the fold networks were trained and keep their history
    assert len(det.estimators[0][-1].estimator_.net_.history) == 2
    # out-of-fold accuracy agrees with the table
    row = table.set_index("model").loc["resnet1d"]
    fold_acc = [np.mean(det.y_pred[test] == y[test]) for _, test in result.cv]
    assert row.mean_score == pytest.approx(np.mean(fold_acc))


def test_note_network_budget_quick_and_default():
    """The estimator's own defaults, quick or not (its 20 epochs are under the
    quick cap of 30, its five networks cheaper than one ResNet-1D); an explicit
    max_epochs wins either way."""

    def clf(**kwargs):
        return make_candidates(models=["note_network"], **kwargs)[0].estimator[-1]

    default = NoteNetworkClassifier()
    assert (clf().n_estimators, clf().max_epochs) == (default.n_estimators, default.max_epochs)
    assert (clf(quick=True).n_estimators, clf(quick=True).max_epochs) == ("auto", 20)
    assert (
        clf(quick=True).get_params()
        == default.set_params(categorical=clf().categorical, random_state=0).get_params()
    )
    assert clf(quick=True, max_epochs=4).max_epochs == 4
    assert clf(max_epochs=4).max_epochs == 4
    for name in ("resnet1d", "inception_time"):  # their seed ensembles: one network when quick
        net = make_candidates(models=[name], quick=True)[0].estimator[-1].estimator
        assert net.n_estimators == 1
        assert make_candidates(models=[name])[0].estimator[-1].estimator.n_estimators == "auto"


def test_compare_models_note_network_and_sequence_models(corpus_scores):
    X, y = corpus_scores.data, corpus_scores.target
    names = ["ngram_events", "note_network"]
    if minirocket_backend() is not None:
        names.append("minirocket")
    cands = make_candidates(models=names, quick=True, max_epochs=2)
    families = {c.name: c.family for c in cands}
    assert families == {n: "deep" if n == "note_network" else "classical" for n in names}
    # the note network reads whole songs in its own representation, categories named
    net = {c.name: c.estimator for c in cands}["note_network"]
    assert net[0].get_params()["features"] == NOTE_NETWORK_FEATURES
    assert net[-1].categorical == net[0].categorical_rows()
    result = compare_models(X, y, candidates=cands, cv=2)
    assert sorted(result.table.model) == sorted(names)
    assert result.table.mean_score.between(0, 1).all()


def test_compare_models_scores_networks_and_classical_with_one_scoring(corpus_scores):
    """``scoring`` reaches every row: a network cross-validated once for its
    out-of-fold predictions (``keep_predictions``) is scored by the same metric
    as the searched classical models, not by its own ``score`` (accuracy)."""
    from sklearn.dummy import DummyClassifier
    from sklearn.metrics import accuracy_score, f1_score

    from skmusic.model_selection import Candidate

    X, y = corpus_scores.data, corpus_scores.target
    cands = make_candidates(models=["svm", "resnet1d"], quick=True, max_epochs=1)
    # always the first class: accuracy 1/3 but macro F1 1/6 on every balanced fold
    dummy = Pipeline(
        [
            ("features", ScoreFeatures()),
            ("clf", DummyClassifier(strategy="most_frequent")),
        ]
    )
    cands.append(Candidate("dummy", "deep", dummy))
    result = compare_models(X, y, candidates=cands, cv=2, scoring="f1_macro", keep_predictions=True)
    table = result.table.set_index("model")
    for name in ("resnet1d", "dummy"):
        pred = result.details[name].y_pred
        f1 = [f1_score(y[test], pred[test], average="macro") for _, test in result.cv]
        acc = [accuracy_score(y[test], pred[test]) for _, test in result.cv]
        assert table.loc[name, "mean_score"] == pytest.approx(np.mean(f1)), name
        assert np.array_equal(result.details[name].scores, f1)
    assert table.loc["dummy", "mean_score"] != pytest.approx(np.mean(acc))
    # the classical row searched under the same scoring
    assert result.searches["svm"].scoring == "f1_macro"


def test_compare_models_bad_input(corpus_scores):
    X, y = corpus_scores.data, corpus_scores.target
    with pytest.raises(ValueError, match="single class"):
        compare_models(X, np.array(["a"] * len(X)), models=["knn"])
    with pytest.raises(ValueError, match="at least 5 songs per class"):
        compare_models(X, y, models=["knn"], cv=5)
    with pytest.raises(ValueError, match="12 songs but y has 3"):
        compare_models(X, y[:3], models=["knn"])
    with pytest.raises(ValueError, match="engine must be"):
        compare_models(X, y, models=["knn"], cv=2, engine="random")


def test_one_search_swaps_models_in_one_gridsearch(corpus_scores):
    X, y = corpus_scores.data, corpus_scores.target
    cands = make_candidates(models=["knn", "svm"], quick=True)
    search = one_search(cands, cv=2).fit(X, y)
    assert len(search.cv_results_["params"]) == 4  # 2 + 2 settings, one search
    assert not hasattr(one_search(cands), "candidates_")  # an unfitted search learns nothing
    table = table_from_search(search, cands)
    assert sorted(table.model) == ["knn", "svm"]
    assert table.mean_score.iloc[0] == pytest.approx(search.best_score_)
    assert search.predict(X[:2]).shape == (2,)


def test_compare_models_optuna_engine(corpus_scores):
    X, y = corpus_scores.data, corpus_scores.target
    result = compare_models(X, y, models=["svm"], cv=2, engine="optuna", n_trials=3)
    row = result.table.iloc[0]
    assert row.model == "svm" and row.n_settings == 3
    assert set(row.params) == {"clf__C", "clf__gamma"}
    study = result.searches["svm"].study_
    assert row.mean_score == pytest.approx(study.best_value)


# ------------------------------------------------------------------- optuna
def test_search_space_reaches_inside_pipelines():
    pipe = make_pipeline(ScoreFeatures(), VotingSliceClassifier(LSTMClassifier(), width=8))
    space = search_space(pipe)
    assert set(space) == {
        "votingsliceclassifier__estimator__" + k
        for k in ("lr", "hidden_size", "num_layers", "dropout")
    }
    for cand in make_candidates():
        assert set(search_space(cand.estimator)) <= set(cand.estimator.get_params())
    from sklearn.dummy import DummyClassifier

    with pytest.raises(ValueError, match="No search space for DummyClassifier"):
        search_space(make_pipeline(ScoreFeatures(), DummyClassifier()))


def test_optuna_search_resumes_from_sqlite(corpus_scores, tmp_path):
    X, y = corpus_scores.data, corpus_scores.target
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    pipe = make_pipeline(ScoreFeatures(), SVC())
    cv = StratifiedKFold(2, shuffle=True, random_state=0)
    first = optuna_search(
        pipe, X, y, n_trials=2, cv=cv, storage=storage, study_name="svm", random_state=0
    )
    assert len(first.trials_) == 2
    kept = [t.value for t in first.trials_]
    again = optuna_search(
        pipe, X, y, n_trials=3, cv=cv, storage=storage, study_name="svm", random_state=0
    )
    values = [t.value for t in again.trials_]
    assert len(values) == 3 and values[:2] == kept
    assert again.predict(X[:3]).shape == (3,)


_GRACE = 2  # seconds without a heartbeat before a running trial counts as stale

_KILLED_STUDY = textwrap.dedent(f"""
    import sys, threading
    from pathlib import Path
    from skmusic.model_selection import make_study, optimize_study

    def objective(trial):
        x = trial.suggest_float("x", -3, 3)
        if trial.number == 3:
            # the trial the test kills: its heartbeat is recorded (now, not whenever
            # optuna's heartbeat thread gets to it), the test is told, and it hangs
            trial.study._storage.record_heartbeat(trial._trial_id)
            Path(sys.argv[2]).write_text("running")
            threading.Event().wait()
        return -(x - 1) ** 2

    study = make_study("killed", storage=sys.argv[1], random_state=0,
                       heartbeat_interval=1, grace_period={_GRACE})
    optimize_study(study, objective, n_trials=100)
""")


def _objective(trial):
    x = trial.suggest_float("x", -3, 3)
    return -((x - 1) ** 2)


def test_study_killed_mid_run_resumes_without_losing_trials(tmp_path):
    import optuna
    from optuna.trial import TrialState

    storage = f"sqlite:///{tmp_path / 'killed.db'}"
    script = tmp_path / "study.py"
    script.write_text(_KILLED_STUDY)
    running_marker = tmp_path / "running"
    proc = subprocess.Popen(
        [sys.executable, str(script), storage, str(running_marker)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # killed on the study's own signal: 3 trials done, the 4th running with a heartbeat
        deadline = time.monotonic() + 120
        while not running_marker.exists():
            assert proc.poll() is None, "the study process ended before its 4th trial"
            assert time.monotonic() < deadline, "the study did not reach its 4th trial in 120 s"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    killed_at = time.monotonic()
    assert proc.returncode == -signal.SIGKILL
    killed = optuna.load_study(study_name="killed", storage=storage)
    before = {t.number: t.value for t in killed.get_trials(states=(TrialState.COMPLETE,))}
    running = [t.number for t in killed.get_trials(states=(TrialState.RUNNING,))]
    assert len(before) == 3 and len(running) == 1
    # the killed trial is stale once its last heartbeat (at the kill at the latest)
    # is more than the grace period old; the database clock counts whole seconds
    time.sleep(max(0.0, killed_at + _GRACE + 1.1 - time.monotonic()))
    study = make_study(
        "killed",
        storage=storage,
        random_state=0,
        load_if_exists=True,
        heartbeat_interval=1,
        grace_period=_GRACE,
    )
    optimize_study(study, _objective, n_trials=len(before) + 4)
    complete = {t.number: t.value for t in study.get_trials(states=(TrialState.COMPLETE,))}
    assert len(complete) == len(before) + 4  # total reaches n_trials
    assert all(complete[n] == v for n, v in before.items())  # nothing finished was lost
    # the trial running at the kill was marked failed, not left running forever
    trials = study.get_trials()
    assert all(t.state != TrialState.RUNNING for t in trials)
    assert all(trials[n].state == TrialState.FAIL for n in running)
    # a second call finds the study complete and runs nothing
    optimize_study(study, _objective, n_trials=len(before) + 4)
    assert len(study.get_trials(states=(TrialState.COMPLETE,))) == len(before) + 4


# --------------------------------------------------------------------- dask
def test_gridsearch_on_local_dask_cluster(corpus_scores):
    distributed = pytest.importorskip("distributed")
    import joblib
    from sklearn.linear_model import LogisticRegression

    from skmusic.features import NoteSequence, SequenceStats

    X, y = corpus_scores.data, corpus_scores.target
    pipe = make_pipeline(
        NoteSequence(features=("pitch", "duration")),
        SequenceStats(),
        LogisticRegression(max_iter=500),
    )
    grid = GridSearchCV(
        pipe,
        {"logisticregression__C": [0.1, 1.0, 10.0]},
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
        n_jobs=-1,
    )
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        with distributed.get_task_stream(client) as stream, joblib.parallel_config(backend="dask"):
            grid.fit(X, y)
        assert len(stream.data) > 0  # the fits ran as Dask tasks
    local = GridSearchCV(pipe, grid.param_grid, cv=grid.cv).fit(X, y)
    np.testing.assert_allclose(
        grid.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )


# -------------------------------------------------------------- generation
@pytest.fixture(scope="module")
def chorales():
    from skmusic.datasets import load_corpus

    return load_corpus("bach", max_per_class=8, verbose=False).data


def test_fit_generation_splits_tokenizes_and_scores_beside_a_baseline(chorales):
    from skmusic.features import NoteTokenizer
    from skmusic.model_selection import TOKENIZER_PRESETS, fit_generation, sample_generation

    result = fit_generation(chorales, tokens="chords", max_time=2, random_state=1)
    # held-out pieces are never learned from: 25% of 8 pieces
    assert len(result.train) == 6 and len(result.test) == 2
    assert not {id(p) for p in result.train} & {id(p) for p in result.test}
    # the preset's tokenizer, fitted on the training pieces only
    params = result.tokenizer.get_params()
    assert {k: params[k] for k in TOKENIZER_PRESETS["chords"]} == TOKENIZER_PRESETS["chords"]
    alone = NoteTokenizer(**TOKENIZER_PRESETS["chords"]).fit(result.train)
    assert alone.n_tokens_ == result.tokenizer.n_tokens_
    assert result.generator.n_tokens == result.baseline.n_tokens == result.tokenizer.n_tokens_
    # the baseline is the variable-order model that cross-validation on the training
    # pieces preferred, among additive bigrams, Kneser-Ney and PPM*
    chosen = result.baseline
    assert (chosen.smoothing, chosen.order) in {
        ("additive", 2),
        ("kneser_ney", 3),
        ("kneser_ney", 4),
        ("ppm", None),
    }
    assert result.score == pytest.approx(result.generator.score(result.X_test))
    assert result.baseline_score == pytest.approx(result.baseline.score(result.X_test))
    assert np.isfinite([result.score, result.baseline_score]).all()
    piece = sample_generation(result, 12, random_state=0)
    assert piece.shape == (12,) and piece.max() < result.tokenizer.n_tokens_
    # default length: the median training piece
    median = int(np.median([x.shape[-1] for x in result.X_train]))
    assert sample_generation(result, random_state=0).shape == (median,)


def test_fit_generation_bad_input(chorales):
    from skmusic.model_selection import NotEnoughDataError, fit_generation

    with pytest.raises(NotEnoughDataError, match="3 usable pieces in the chorales"):
        fit_generation(chorales[:3], what="chorales")
    one_note = [p[:1] for p in chorales]  # pieces of one note are left out
    with pytest.raises(NotEnoughDataError, match="0 usable pieces"):
        fit_generation(one_note)
    with pytest.raises(ValueError, match="tokens must be one of"):
        fit_generation(chorales, tokens="drums")
    with pytest.raises(ValueError, match="kind must be one of"):
        fit_generation(chorales, kind="video")
    with pytest.raises(ValueError, match="kind='audio' needs sr"):
        fit_generation(chorales, kind="audio")
