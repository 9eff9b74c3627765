"""Sequence steps: ChannelScaler, SequenceStats, PadSequences (and slice_sequences)."""

import joblib
import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline

from skmusic.features import (
    ChannelScaler,
    NoteSequence,
    PadSequences,
    SequenceStats,
    slice_sequences,
)


def _songs(lengths=(30, 50, 20), channels=3, seed=0):
    rng = np.random.default_rng(seed)
    return [
        (
            rng.normal(size=(channels, n)) * np.arange(1, channels + 1)[:, None]
            + 10 * np.arange(channels)[:, None]
        ).astype(np.float32)
        for n in lengths
    ]


# --- ChannelScaler --------------------------------------------------------------------


def test_channel_scaler_pools_all_frames_of_all_songs():
    songs = _songs()
    scaler = ChannelScaler().fit(songs)
    frames = np.concatenate(songs, axis=1)
    np.testing.assert_allclose(scaler.mean_, frames.mean(axis=1), rtol=1e-5)
    np.testing.assert_allclose(scaler.scale_, frames.std(axis=1), rtol=1e-5)
    assert scaler.n_timesteps_seen_ == 100
    out = scaler.transform(songs)
    pooled = np.concatenate(out, axis=1)
    np.testing.assert_allclose(pooled.mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(pooled.std(axis=1), 1, rtol=1e-4)
    # every slice of a song is scaled alike: slicing then scaling == scaling then slicing
    slices, _ = slice_sequences(songs, width=10, hop=5)
    np.testing.assert_allclose(scaler.transform(slices)[3], slice_sequences(out, 10, 5)[0][3])
    back = scaler.inverse_transform(out)
    for a, b in zip(back, songs):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def test_channel_scaler_layouts_and_options():
    arr = np.stack(_songs((40, 40)))
    out = ChannelScaler().fit_transform(arr)
    assert isinstance(out, np.ndarray) and out.shape == arr.shape and out.dtype == np.float32
    table = np.arange(12.0).reshape(3, 4)
    out2 = ChannelScaler().fit_transform(table)  # 2D: one channel, one mean and std
    assert out2.shape == (3, 4)
    np.testing.assert_allclose(out2, (table - table.mean()) / table.std(), rtol=1e-5)
    only_mean = ChannelScaler(with_std=False).fit(arr)
    assert only_mean.scale_ is None
    np.testing.assert_allclose(only_mean.transform(arr).mean(axis=(0, 2)), 0, atol=1e-4)
    with pytest.raises(ValueError, match="fitted on 3 channel"):
        ChannelScaler().fit(arr).transform(arr[:, :2])


# --- SequenceStats ----------------------------------------------------------------------


def test_sequence_stats_values_and_names():
    songs = _songs()
    stats = ("mean", "std", "min", "max", "median", "q25", "skew", "last")
    step = SequenceStats(stats=stats)
    table = step.fit_transform(songs)
    assert table.shape == (3, 3 * len(stats)) and table.dtype == np.float32
    s = songs[1]
    expected = np.stack(
        [
            s.mean(1),
            s.std(1),
            s.min(1),
            s.max(1),
            np.median(s, 1),
            np.percentile(s, 25, axis=1),
            scipy_stats.skew(s, axis=1),
            s[:, -1],
        ],
        axis=1,
    ).ravel()
    np.testing.assert_allclose(table[1], expected, rtol=1e-4, atol=1e-5)
    names = step.get_feature_names_out()
    assert list(names[:2]) == ["ch0_mean", "ch0_std"] and names[len(stats)] == "ch1_mean"
    named = step.get_feature_names_out(["pitch", "dur", "vel"])
    assert named[-1] == "vel_last"


def test_sequence_stats_pandas_output_and_constant_channel():
    songs = _songs()
    songs[0][1] = 4.0  # a constant channel: skew and kurtosis are 0, not NaN
    step = SequenceStats(stats=("mean", "skew", "kurtosis")).set_output(transform="pandas")
    frame = step.fit_transform(songs)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns[:3]) == ["ch0_mean", "ch0_skew", "ch0_kurtosis"]
    assert frame.loc[0, "ch1_skew"] == 0 and np.isfinite(frame.to_numpy()).all()


def test_sequence_stats_bad_parameters_and_input():
    with pytest.raises(ValueError, match=r"Unknown statistic\(s\) \['average'\]"):
        SequenceStats(stats=("mean", "average")).fit(_songs())
    with pytest.raises(ValueError, match="stats is empty"):
        SequenceStats(stats=()).fit(_songs())
    bad = _songs()
    bad[2][0, 3] = np.inf
    with pytest.raises(ValueError, match="NaN or infinity"):
        SequenceStats().fit(bad)
    with pytest.raises(ValueError, match="empty"):
        SequenceStats().fit([])
    with pytest.raises(ValueError, match="different numbers of channels"):
        SequenceStats().fit([np.zeros((2, 5)), np.zeros((3, 5))])


def test_stats_feed_classical_models_on_real_scores(corpus_scores):
    X, y = corpus_scores.data, corpus_scores.target
    model = make_pipeline(
        NoteSequence(features=("pitch", "duration")),
        SequenceStats(stats=("mean", "std", "min", "max", "q25", "q75")),
        RandomForestClassifier(n_estimators=30, random_state=0),
    )
    scores = cross_val_score(model, X, y, cv=StratifiedKFold(3, shuffle=True, random_state=0))
    assert scores.mean() > 1 / 3  # better than chance on three classes
    grid = GridSearchCV(
        make_pipeline(NoteSequence(), SequenceStats(), KNeighborsClassifier(n_neighbors=3)),
        {"sequencestats__stats": [("mean",), ("mean", "std", "min", "max")]},
        cv=StratifiedKFold(2),
    ).fit(X, y)
    assert grid.best_params_["sequencestats__stats"] in [("mean",), ("mean", "std", "min", "max")]


# --- PadSequences ------------------------------------------------------------------------


def test_pad_sequences_keeps_true_lengths():
    songs = _songs((3, 7, 5), channels=2)
    pad = PadSequences(value=-1.0).fit(songs)
    out = pad.transform(songs)
    assert pad.max_len_ == 7 and out.shape == (3, 2, 7)
    np.testing.assert_array_equal(out[0, :, :3], songs[0])
    assert (out[0, :, 3:] == -1).all()
    np.testing.assert_array_equal(pad.get_lengths(songs), [3, 7, 5])
    # longer sequences at transform time are cut, and their lengths say so
    longer = _songs((12,), channels=2)
    assert pad.transform(longer).shape == (1, 2, 7)
    np.testing.assert_array_equal(pad.get_lengths(longer), [7])


def test_pad_sequences_indicator_and_fixed_length():
    songs = _songs((3, 7), channels=2)
    pad = PadSequences(max_len=5, add_indicator=True)
    out = pad.fit_transform(songs)
    assert out.shape == (2, 3, 5)
    np.testing.assert_array_equal(out[:, -1].sum(axis=1), [3, 5])
    assert PadSequences(max_len=10).fit_transform(np.ones((4, 6))).shape == (4, 10)
    with pytest.raises(ValueError, match="max_len"):
        PadSequences(max_len=0).fit(songs)


def test_pipeline_clone_and_persist(tmp_path):
    songs, y = _songs((30, 50, 20, 40, 35, 25)), np.array(["a", "b", "a", "b", "a", "b"])
    model = make_pipeline(ChannelScaler(), SequenceStats(), KNeighborsClassifier(n_neighbors=1))
    model.fit(songs, y)
    joblib.dump(model, tmp_path / "m.joblib")
    again = joblib.load(tmp_path / "m.joblib")
    np.testing.assert_array_equal(again.predict(songs), model.predict(songs))
    np.testing.assert_array_equal(clone(model).fit(songs, y).predict(songs), y)
    padded = make_pipeline(ChannelScaler(), PadSequences()).fit_transform(songs)
    assert padded.shape == (6, 3, 50)
