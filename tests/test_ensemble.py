"""Tests of skmusic.ensemble.VotingSliceClassifier."""

import joblib
import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_val_score,
    cross_validate,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skmusic.ensemble import VotingSliceClassifier
from skmusic.features import slice_sequences

# --------------------------------------------------------------------------
# Crafted inner classifiers: a slice [p, code] (width=2, one channel) says
# "predict class `code`, with probability p for class 1". So each slice's vote
# and probability are written into the data and the voting can be checked
# exactly.


class _ReadOut(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.fit_ndim_ = np.ndim(X)
        return self

    def predict(self, X):
        return np.asarray(X)[:, 1].astype(int)

    def predict_proba(self, X):
        p = np.asarray(X, dtype=float)[:, 0]
        return np.column_stack([1 - p, p])


class _ReadOutNoProba(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.asarray(X)[:, 1].astype(int)


def _song(*slices):
    """A single-channel song made of [p, code] slices."""
    return np.array([v for s in slices for v in s], dtype=np.float32)[None, :]


# hard: 2 votes for "a" (code 0) vs 1 for "b"; soft: mean p(b) = 0.6167 -> "b"
SPLIT = _song((0.45, 0), (0.45, 0), (0.95, 1))
# hard: tie 1-1; mean p(b) = 0.575 -> "b" under the tie rule
TIE = _song((0.7, 1), (0.45, 0))
UNANIMOUS_B = _song((0.9, 1), (0.8, 1))
TRAIN = [SPLIT, TIE, UNANIMOUS_B, _song((0.1, 0))]
TRAIN_Y = ["a", "b", "b", "a"]


def _fit(inner=None, **params):
    clf = VotingSliceClassifier(inner or _ReadOut(), width=2, **params)
    return clf.fit(TRAIN, TRAIN_Y)


def test_hard_and_soft_voting_differ_on_crafted_song():
    hard = _fit(voting="hard")
    soft = _fit(voting="soft")
    assert hard.predict([SPLIT]).tolist() == ["a"]
    assert soft.predict([SPLIT]).tolist() == ["b"]
    np.testing.assert_allclose(hard.predict_proba([SPLIT]), [[2 / 3, 1 / 3]])
    np.testing.assert_allclose(soft.predict_proba([SPLIT]), [[1 - 0.95 / 3 - 0.3, 0.95 / 3 + 0.3]])
    assert hard.classes_.tolist() == ["a", "b"]


def test_tie_goes_to_highest_mean_probability_else_first_class():
    assert _fit().predict([TIE]).tolist() == ["b"]  # mean p(b) 0.575 breaks the tie
    no_proba = _fit(_ReadOutNoProba())
    assert no_proba.predict([TIE]).tolist() == ["a"]  # first in classes_
    assert hasattr(no_proba, "predict_proba")  # hard voting: vote fractions, always available
    np.testing.assert_allclose(no_proba.predict_proba([TIE]), [[0.5, 0.5]])


@pytest.mark.parametrize(
    "min_votes, expected",
    [(None, "a"), (2, "a"), (3, "b"), (0.5, "a"), (0.66, "a"), (0.7, "b"), (1.0, "b")],
)
def test_min_votes_falls_back_to_soft_vote(min_votes, expected):
    # SPLIT: winner "a" has 2 of 3 votes; below the threshold the soft vote ("b") decides
    clf = _fit(min_votes=min_votes)
    assert clf.predict([SPLIT]).tolist() == [expected]
    # a unanimous song is never overruled
    assert clf.predict([UNANIMOUS_B]).tolist() == ["b"]


def test_min_votes_needs_predict_proba():
    with pytest.raises(ValueError, match="min_votes falls back to the soft vote"):
        _fit(_ReadOutNoProba(), min_votes=0.5)


def test_soft_voting_needs_predict_proba():
    with pytest.raises(ValueError, match="voting='soft'.*no predict_proba"):
        _fit(_ReadOutNoProba(), voting="soft")
    clf = VotingSliceClassifier(_ReadOutNoProba(), width=2, voting="soft")
    assert not hasattr(clf, "predict_proba")


def test_predict_slices_and_score_slices():
    clf = _fit()
    labels, index = clf.predict_slices([SPLIT, TIE], return_index=True)
    assert labels.tolist() == ["a", "a", "b", "b", "a"]
    assert index.tolist() == [0, 0, 0, 1, 1]
    assert clf.predict_slices([TIE]).tolist() == ["b", "a"]
    # slices of SPLIT labelled "b": 1 of 3 right; of TIE labelled "b": 1 of 2 right
    assert clf.score_slices([SPLIT, TIE], ["b", "b"]) == pytest.approx(2 / 5)
    assert clf.score([SPLIT, TIE], ["b", "b"]) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clf.score_slices([SPLIT, TIE], ["b"])


# --------------------------------------------------------------------------
# Inputs, shapes, slicing


def _blob_songs(n_songs=24, n_channels=2, seed=0, ragged=True):
    """Songs whose class shifts their mean: learnable from any slice."""
    rng = np.random.default_rng(seed)
    y = np.array(["minor", "major"] * (n_songs // 2))
    songs = []
    for i, label in enumerate(y):
        length = 60 + (7 * i) % 40 if ragged else 80
        shift = 1.5 if label == "major" else 0.0
        songs.append(rng.normal(shift, 1.0, size=(n_channels, length)).astype(np.float32))
    return songs, y


def test_ragged_3d_and_2d_input():
    songs, y = _blob_songs()
    clf = VotingSliceClassifier(LogisticRegression(), width=10, hop=5).fit(songs, y)
    assert clf.score(songs, y) == 1.0
    assert clf.n_channels_in_ == 2 and not hasattr(clf, "n_features_in_")
    assert clf.estimator_.n_features_in_ == 20  # flattened (C * width) for a plain classifier
    cube = np.stack([s[:, :60] for s in songs])
    assert clf.fit(cube, y).predict(cube).shape == (24,)
    table = cube[:, 0, :]
    clf.fit(table, y)
    assert clf.n_features_in_ == 60 and clf.n_channels_in_ == 1
    with pytest.raises(ValueError, match="60 features"):
        clf.predict(table[:, :50])


def test_sequence_estimators_get_3d_slices():
    class SeqSpy(_ReadOut):
        def __sklearn_tags__(self):
            tags = super().__sklearn_tags__()
            tags.input_tags.three_d_array = True
            return tags

    songs, y = _blob_songs(n_songs=4)
    clf = VotingSliceClassifier(SeqSpy(), width=2).fit(songs, y)
    assert clf.estimator_.fit_ndim_ == 3
    clf = VotingSliceClassifier(make_pipeline(SeqSpy()), width=2).fit(songs, y)
    assert clf.estimator_[-1].fit_ndim_ == 3
    assert VotingSliceClassifier(_ReadOut(), width=2).fit(songs, y).estimator_.fit_ndim_ == 2


def test_short_song_pads_or_raises():
    songs, y = _blob_songs(n_songs=6)
    songs[3] = songs[3][:, :7]
    clf = VotingSliceClassifier(LogisticRegression(), width=10)
    message = r"Sequence 3 of X has 7 timesteps, fewer than the 10 this step needs \(width=10"
    with pytest.raises(ValueError, match=message):
        clf.fit(songs, y)
    clf.set_params(pad="constant").fit(songs, y)
    assert clf.predict(songs).shape == (6,)  # the short song is predicted, not dropped
    _, index = clf.predict_slices(songs, return_index=True)
    assert np.bincount(index).min() >= 1
    with pytest.raises(ValueError, match="Sequence 1 of X has 3 timesteps"):
        clf.set_params(pad=None).predict([songs[0], songs[0][:, :3]])


@pytest.mark.parametrize(
    "params, X_change, match",
    [
        ({"voting": "majority"}, None, "voting"),
        ({"width": 0}, None, "width"),
        ({"min_votes": 1.5}, None, "min_votes"),
        ({}, "nan", "NaN"),
        ({}, "one_class", "1 class"),
        ({}, "short_y", "inconsistent numbers of samples"),
    ],
)
def test_bad_input_messages(params, X_change, match):
    songs, y = _blob_songs(n_songs=6)
    if X_change == "nan":
        songs[2] = songs[2].copy()
        songs[2][0, 5] = np.nan
    elif X_change == "one_class":
        y = np.array(["major"] * 6)
    elif X_change == "short_y":
        y = y[:-1]
    clf = VotingSliceClassifier(LogisticRegression(), **{"width": 10, **params})
    with pytest.raises(ValueError, match=match):
        clf.fit(songs, y)


def test_predict_chunks_match_whole_batch(monkeypatch):
    import skmusic.ensemble._voting_slice as mod

    songs, y = _blob_songs(n_songs=30)
    clf = VotingSliceClassifier(LogisticRegression(), width=8, hop=4, voting="soft").fit(songs, y)
    whole = clf.predict_proba(songs), clf.predict_slices(songs, return_index=True)
    monkeypatch.setattr(mod, "_MAX_CHUNK_ELEMENTS", 50)  # about one song per chunk
    assert len(clf._chunks(clf._validate_songs(songs))) == 30
    for n_jobs in (None, 2):
        clf.set_params(n_jobs=n_jobs)
        np.testing.assert_allclose(clf.predict_proba(songs), whole[0])
        labels, index = clf.predict_slices(songs, return_index=True)
        np.testing.assert_array_equal(labels, whole[1][0])
        np.testing.assert_array_equal(index, whole[1][1])


def test_predicting_many_songs_stays_within_twice_the_input():
    import tracemalloc

    rng = np.random.default_rng(0)
    songs = rng.normal(size=(1000, 1, 2000)).astype(np.float32)  # 8 MB
    y = np.array(["a", "b"] * 500)
    clf = VotingSliceClassifier(LogisticRegression(), width=100, hop=50).fit(songs[:40], y[:40])
    tracemalloc.start()
    clf.predict_proba(songs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # all slices at once would be about 2x the input (50% overlap); chunks keep it small
    assert peak < 0.5 * songs.nbytes, peak


# --------------------------------------------------------------------------
# No leakage: whole songs are the samples


def _fingerprint_songs(n_songs=40, width=8, n_slices=6, seed=0):
    """Songs whose label is random: only memorizing a song predicts its slices."""
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.array(["x", "y"] * (n_songs // 2)))
    songs = [
        (
            np.tile(rng.normal(size=width), n_slices) + 0.01 * rng.normal(size=width * n_slices)
        ).astype(np.float32)[None, :]
        for _ in range(n_songs)
    ]
    return songs, y


def test_song_level_cv_does_not_leak_but_random_slice_split_does():
    songs, y = _fingerprint_songs(n_songs=80)
    clf = VotingSliceClassifier(KNeighborsClassifier(n_neighbors=1), width=8)
    song_cv = cross_val_score(clf, songs, y, cv=StratifiedKFold(5, shuffle=True, random_state=0))
    # the leaky way: slice first, then split the slices at random
    slices, index = slice_sequences(songs, width=8)
    X_slices, y_slices = np.stack(slices).reshape(len(slices), -1), y[index]
    leaky = cross_val_score(
        KNeighborsClassifier(n_neighbors=1),
        X_slices,
        y_slices,
        cv=KFold(5, shuffle=True, random_state=0),
    )
    assert leaky.mean() > 0.95  # memorized songs
    # chance (0.5): labels carry no signal across songs. (Over seeds 0-7 the
    # song-level mean ranged 0.39-0.56; with 80 songs, 0.7 is > 3.5 sd above chance.)
    assert song_cv.mean() < 0.7


def test_inner_estimator_never_sees_a_test_song():
    class Recorder(_ReadOutNoProba):
        def fit(self, X, y):
            self.seen_ = set(np.unique(np.asarray(X)[:, 0]).astype(int))
            return super().fit(X, y)

        def predict(self, X):
            return np.zeros(len(X), dtype=int)

    songs = [np.full((1, 9), i, dtype=np.float32) for i in range(20)]  # song i is all i
    y = np.array(["p", "q"] * 10)
    res = cross_validate(
        VotingSliceClassifier(Recorder(), width=3, hop=2),
        songs,
        y,
        cv=KFold(4, shuffle=True, random_state=1),
        return_estimator=True,
        return_indices=True,
    )
    for est, train, test in zip(res["estimator"], res["indices"]["train"], res["indices"]["test"]):
        assert est.estimator_.seen_ == set(train.tolist())
        assert not est.estimator_.seen_ & set(test.tolist())


# --------------------------------------------------------------------------
# sklearn integration


def _stats(X):
    """Per-channel mean, std, min, max; a plain FunctionTransformer gets (n, width) slices."""
    X = np.asarray(X)
    X = X[:, None, :] if X.ndim == 2 else X
    return np.concatenate([X.mean(axis=-1), X.std(axis=-1), X.min(axis=-1), X.max(axis=-1)], axis=1)


def test_pipelines_grid_search_clone_and_joblib(tmp_path):
    songs, y = _blob_songs(n_songs=20, n_channels=1)
    # a Pipeline inside (a feature step first), and the classifier as the last step of one
    inner = make_pipeline(
        FunctionTransformer(_stats), RandomForestClassifier(n_estimators=10, random_state=0)
    )
    model = make_pipeline(
        FunctionTransformer(lambda batch: [s * 2.0 for s in batch]),
        VotingSliceClassifier(inner, width=10, hop=5),
    )
    grid = GridSearchCV(
        model,
        {
            "votingsliceclassifier__width": [10, 20],
            "votingsliceclassifier__voting": ["hard", "soft"],
            "votingsliceclassifier__estimator__randomforestclassifier__max_depth": [2, None],
        },
        cv=StratifiedKFold(3),
    ).fit(songs, y)
    assert grid.best_score_ > 0.8
    best = grid.best_estimator_
    assert best.predict(songs).dtype.kind == "U"

    clf = VotingSliceClassifier(LogisticRegression(C=0.5), width=10, voting="soft", min_votes=3)
    assert clone(clf).get_params()["estimator__C"] == 0.5
    clf.fit(songs, y)
    path = tmp_path / "clf.joblib"
    joblib.dump(clf, path)
    loaded = joblib.load(path)
    np.testing.assert_allclose(loaded.predict_proba(songs), clf.predict_proba(songs))


def test_real_corpus_pitch_series(corpus_scores):
    """Real music21 pieces: notes["pitch"] of each as a (1, n_notes) series."""
    songs = [np.asarray(notes["pitch"], dtype=np.float32)[None, :] for notes in corpus_scores.data]
    y = np.asarray(corpus_scores.target)
    width = 16
    clf = VotingSliceClassifier(
        make_pipeline(
            FunctionTransformer(_stats), RandomForestClassifier(n_estimators=30, random_state=0)
        ),
        width=width,
        hop=width // 2,
        voting="soft",
        pad="edge",
    )
    clf.fit(songs, y)
    assert set(clf.classes_) == set(y)
    assert clf.predict(songs).shape == (len(songs),)
    assert clf.score(songs, y) == 1.0  # every trained song is recognized by its slices' vote
    # held-out songs: better than chance (1/3); 0.75 with the 12 pieces of conftest
    scores = cross_val_score(clf, songs, y, cv=StratifiedKFold(4, shuffle=True, random_state=0))
    assert scores.mean() > 0.4


def test_sequence_stats_pipeline_and_network_inside():
    from skmusic.features import SequenceStats
    from skmusic.nn import LSTMClassifier

    songs, y = _blob_songs(n_songs=16, n_channels=2)
    stats_rf = make_pipeline(
        SequenceStats(), RandomForestClassifier(n_estimators=20, random_state=0)
    )
    clf = VotingSliceClassifier(stats_rf, width=20, hop=10, voting="soft").fit(songs, y)
    # SequenceStats got (n_slices, 2, 20) slices: 4 statistics of each of the 2 channels
    assert clf.estimator_[-1].n_features_in_ == 8
    assert clf.score(songs, y) == 1.0

    net = LSTMClassifier(4, dense=(), max_epochs=2, lr=0.05, random_state=0)
    clf = VotingSliceClassifier(net, width=20, voting="soft", min_votes=0.5)
    clf.fit(songs[:8], y[:8])
    assert clf.predict_proba(songs).shape == (16, 2)
    assert 0.0 <= clf.score_slices(songs, y) <= 1.0
    assert clf.get_params()["estimator__hidden_size"] == 4


# ------------------------------------------------------------ song groups
class _GroupsRecorder(ClassifierMixin, BaseEstimator):
    """Records the ``groups`` its ``fit`` received (sklearn generates
    ``set_fit_request(groups=...)`` for it from the signature, as for the
    networks)."""

    def __init__(self, c=1.0):
        self.c = c

    def fit(self, X, y, groups=None):
        self.classes_ = np.unique(y)
        self.groups_ = None if groups is None else np.asarray(groups)
        return self

    def predict(self, X):
        return np.zeros(len(X), dtype=int)


def _slice_song_index(songs, width):
    return slice_sequences(songs, width, width)[1]


def test_bare_estimator_gets_song_groups_without_routing():
    songs, y = _blob_songs(n_songs=6)
    clf = VotingSliceClassifier(_GroupsRecorder(), width=10).fit(songs, y)
    np.testing.assert_array_equal(clf.estimator_.groups_, _slice_song_index(songs, 10))


def test_nested_groups_taker_warns_without_routing():
    songs, y = _blob_songs(n_songs=6)
    clf = VotingSliceClassifier(make_pipeline(_GroupsRecorder()), width=10)
    with pytest.warns(UserWarning, match="_GroupsRecorder inside Pipeline takes groups"):
        clf.fit(songs, y)
    assert clf.estimator_[-1].groups_ is None
    with pytest.raises(ValueError, match="only through metadata routing"):
        clf.fit(songs, y, groups=np.arange(6))


@pytest.mark.parametrize("wrap", ["pipeline", "search"])
def test_nested_estimator_gets_song_groups_through_metadata_routing(wrap):
    import sklearn

    songs, y = _blob_songs(n_songs=6)
    index = _slice_song_index(songs, 10)
    with sklearn.config_context(enable_metadata_routing=True):
        inner = _GroupsRecorder().set_fit_request(groups=True)
        if wrap == "pipeline":
            est = make_pipeline(FunctionTransformer(), inner)
        else:
            est = GridSearchCV(inner, {"c": [1.0, 2.0]}, cv=2, scoring="accuracy")
        clf = VotingSliceClassifier(est, width=10).fit(songs, y)
        fitted = clf.estimator_[-1] if wrap == "pipeline" else clf.estimator_.best_estimator_
        np.testing.assert_array_equal(fitted.groups_, index)
        # song-level metadata of the caller's own (e.g. artists) is repeated per slice
        artists = np.array([0, 0, 1, 1, 2, 2])
        if wrap == "pipeline":
            clf.fit(songs, y, groups=artists)
            np.testing.assert_array_equal(clf.estimator_[-1].groups_, artists[index])
            with pytest.raises(ValueError, match="one value per song"):
                clf.fit(songs, y, groups=artists[:3])


def test_bare_estimator_under_routing_keeps_groups_unless_it_opts_out():
    import sklearn

    songs, y = _blob_songs(n_songs=6)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = VotingSliceClassifier(_GroupsRecorder(), width=10).fit(songs, y)
        np.testing.assert_array_equal(clf.estimator_.groups_, _slice_song_index(songs, 10))
        clf.set_params(estimator=_GroupsRecorder().set_fit_request(groups=False)).fit(songs, y)
        assert clf.estimator_.groups_ is None
        # a plain classifier that takes no groups is fitted as before
        VotingSliceClassifier(LogisticRegression(), width=10).fit(songs, y)
