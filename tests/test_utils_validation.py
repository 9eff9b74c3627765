"""skmusic.utils: batch validation and layouts, windows, parallel maps."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.utils import get_tags

from skmusic.utils.parallel import n_workers, parallel_map
from skmusic.utils.validation import (
    SequenceTransformerMixin,
    batch_layout,
    batch_lengths,
    check_batch,
    check_min_length,
    is_tabular,
    restore_layout,
    settle_input,
    validate_batch,
)
from skmusic.utils.windows import check_window, n_windows, sliding_windows, window_starts

# --- check_batch / settle_input -------------------------------------------------------


@pytest.mark.parametrize(
    "X, shape",
    [
        (np.zeros((4, 10)), (4, 1, 10)),
        (np.zeros((4, 3, 10)), (4, 3, 10)),
        (pd.DataFrame(np.zeros((2, 5))), (2, 1, 5)),
    ],
)
def test_check_batch_arrays_are_3d_float32(X, shape):
    batch = check_batch(X)
    assert batch.shape == shape and batch.dtype == np.float32


def test_check_batch_lists_stay_ragged():
    batch = check_batch([np.zeros(5), np.zeros((1, 7), dtype=np.float64)])
    assert isinstance(batch, list)
    assert [s.shape for s in batch] == [(1, 5), (1, 7)]
    assert all(s.dtype == np.float32 for s in batch)
    assert batch_lengths(batch).tolist() == [5, 7]
    assert batch_lengths(np.zeros((3, 2, 9))).tolist() == [9, 9, 9]


@pytest.mark.parametrize(
    "X, error, match",
    [
        ("song.wav", ValueError, "is a string"),
        (["a.wav", "b.wav"], ValueError, "not a numeric batch"),
        ([np.zeros((2, 5)), np.zeros((3, 5))], ValueError, "different numbers of channels"),
        (np.zeros((2, 1, 1, 4)), ValueError, "4 dimension"),
        (np.zeros((0, 1, 4)), ValueError, "is empty"),
        ([np.array([1.0, np.nan])], ValueError, "NaN or infinity"),
        (np.full((2, 1, 3), np.inf), ValueError, "NaN or infinity"),
    ],
)
def test_check_batch_errors(X, error, match):
    with pytest.raises(error, match=match):
        check_batch(X)


def test_settle_input():
    with pytest.raises(TypeError, match="sparse"):
        settle_input(sparse.csr_matrix(np.ones((2, 3))), "Step")
    with pytest.raises(ValueError, match="Reshape your data"):
        settle_input(np.ones(3), "Step")
    with pytest.raises(ValueError, match="empty"):
        settle_input([], "Step")
    table = settle_input([[1, 2, 3], [4, 5, 6]], "Step")
    assert isinstance(table, np.ndarray) and table.shape == (2, 3)
    ragged = [np.ones(3), np.ones(4)]
    assert settle_input(ragged, "Step") is ragged
    assert is_tabular(table) and is_tabular(pd.DataFrame(table))
    assert not is_tabular(ragged) and not is_tabular(np.zeros((2, 1, 3)))


# --- one minimum-length check ---------------------------------------------------------


def test_check_min_length_one_message():
    batch = [np.zeros((1, 8)), np.zeros((1, 3))]
    check_min_length(batch, 3)
    with pytest.raises(
        ValueError,
        match=r"^Sequence 1 of X has 3 timesteps, fewer than the 4 this step needs "
        r"\(n_fft=4\)\. Use longer sequences",
    ):
        check_min_length(batch, 4, reason="n_fft=4")
    with pytest.raises(ValueError, match=r"has 3 timesteps \(3 feature\(s\): a 2D X.*Do this\.$"):
        check_min_length(batch, 4, tabular=True, advice="Do this.")
    with pytest.raises(ValueError, match="Sequence 0 of songs has 2"):
        check_batch(np.zeros((2, 2)), name="songs", min_timesteps=5)


# --- validate_batch and layouts -------------------------------------------------------


class _Step(BaseEstimator):
    pass


@pytest.mark.parametrize(
    "X, layout, shapes",
    [
        (np.arange(18.0).reshape(3, 6), "2d", [(1, 6)] * 3),
        (np.arange(36).reshape(3, 2, 6), "3d", [(2, 6)] * 3),
        ([np.ones((2, 6)), np.zeros((2, 4))], "list", [(2, 6), (2, 4)]),
        ([[0.0, 1.0], [2.0, 3.0]], "2d", [(1, 2)] * 2),
    ],
)
def test_validate_batch_returns_layout_and_restore_gives_it_back(X, layout, shapes):
    step = _Step()
    batch, got = validate_batch(step, X, reset=True, return_layout=True)
    assert got == layout == batch_layout(settle_input(X, "Step"), batch)
    out = restore_layout([seq * 2 for seq in batch], got)
    if layout == "list":
        assert isinstance(out, list) and len(out) == len(X)
    else:
        assert np.asarray(out).shape == np.asarray(X).shape
    # predicting (reset=False) sees the very batch fitting saw: a 3D float32 array
    # for tables and cubes, a list of 2D float32 arrays (ragged kept) for lists
    again = validate_batch(step, X, reset=False)
    assert isinstance(again, list) == (layout == "list")
    assert [seq.shape for seq in again] == shapes
    for a, b in zip(again, batch, strict=True):
        assert a.dtype == np.float32
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(
        np.concatenate([np.ravel(a) for a in again]), np.concatenate([np.ravel(x) for x in X])
    )


def test_validate_batch_records_and_checks_shapes():
    step = _Step()
    validate_batch(step, np.zeros((3, 6)), reset=True)
    assert step.n_channels_in_ == 1 and step.n_features_in_ == 6
    with pytest.raises(ValueError, match="X has 5 features"):
        validate_batch(step, np.zeros((3, 5)), reset=False)
    validate_batch(step, np.zeros((3, 2, 6)), reset=True)
    assert step.n_channels_in_ == 2 and not hasattr(step, "n_features_in_")
    with pytest.raises(ValueError, match="X has 3 channel"):
        validate_batch(step, np.zeros((3, 3, 6)), reset=False)
    # steps that average channels away skip that check
    validate_batch(step, np.zeros((3, 3, 6)), reset=False, check_n_channels=False)
    with pytest.raises(ValueError, match="fewer than the 7 this step needs"):
        validate_batch(step, np.zeros((3, 2, 6)), reset=False, min_timesteps=7)


def test_restore_layout():
    items = [np.ones((1, 4)), np.ones((1, 4))]
    assert restore_layout(items, "2d").shape == (2, 4)
    assert restore_layout([np.ones((3, 4))] * 2, "2d").shape == (2, 3, 4)
    assert restore_layout(np.ones((2, 1, 4)), "3d").shape == (2, 1, 4)
    with pytest.raises(ValueError, match="layout must be one of"):
        restore_layout(items, "ragged")


def test_sequence_transformer_mixin_tags():
    class Step(SequenceTransformerMixin, BaseEstimator):
        def fit(self, X, y=None):
            return self

        def transform(self, X):
            return X

    tags = get_tags(Step())
    assert tags.input_tags.three_d_array
    assert tags.transformer_tags.preserves_dtype == ["float32"]


# --- windows ----------------------------------------------------------------------------


def test_windows_agree_with_a_loop():
    rng = np.random.default_rng(0)
    for length in range(1, 30):
        seq = rng.normal(size=(2, length))
        for width, hop in [(4, 1), (4, 3), (5, 5), (6, 4)]:
            for tail in ("drop", "pad"):
                starts = window_starts(length, width, hop, tail=tail)
                windows = sliding_windows(seq, width, hop, tail=tail)
                assert len(windows) == len(starts) == n_windows(length, width, hop, tail=tail)
                padded = np.pad(seq, ((0, 0), (0, 2 * width)))
                for s, w in zip(starts, windows, strict=True):
                    np.testing.assert_array_equal(w, padded[:, s : s + width])
                covered = (starts[-1] + width >= length) if len(starts) else False
                assert covered or tail == "drop"
            shifted = window_starts(length, width, hop, tail="shift")
            assert shifted[0] == 0 and (length <= width or shifted[-1] == length - width)


def test_sliding_windows_are_views_without_padding():
    seq = np.arange(20.0).reshape(2, 10)
    windows = sliding_windows(seq, 4, 2)
    assert np.shares_memory(windows, seq)
    assert windows.shape == (4, 2, 4)


def test_window_errors():
    with pytest.raises(ValueError, match="width must be a positive integer"):
        check_window(0)
    with pytest.raises(ValueError, match="hop must be a positive integer"):
        check_window(3, 1.5)
    with pytest.raises(ValueError, match="tail must be one of"):
        window_starts(10, 3, 1, tail="wrap")


# --- parallel maps ----------------------------------------------------------------------


@pytest.mark.parametrize("chunked", [True, False])
def test_parallel_map_keeps_order(chunked):
    items = list(range(23))
    serial = parallel_map(lambda x: x * x, items, n_jobs=1)
    parallel = parallel_map(lambda x: x * x, items, n_jobs=2, chunked=chunked)
    for a, b in zip(serial, parallel, strict=True):
        assert a == b
    assert parallel_map(str, np.arange(3), n_jobs=2) == ["0", "1", "2"]


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_parallel_map_lazy_yields_in_order(n_jobs):
    results = parallel_map(lambda x: -x, list(range(7)), n_jobs=n_jobs, lazy=True)
    assert not isinstance(results, list)
    assert list(results) == [0, -1, -2, -3, -4, -5, -6]


def test_n_workers():
    assert n_workers(None, 10) == 1
    assert n_workers(1, 10) == 1
    assert n_workers(4, 3) == 3
    assert n_workers(-1, 1) == 1
    assert n_workers(2, 10) == 2
