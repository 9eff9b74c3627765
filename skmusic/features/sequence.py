"""Sequence-level steps: slicing, padding, summary statistics, per-channel scaling."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy import stats as _scipy_stats
from sklearn.base import BaseEstimator, _fit_context
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from ..utils.validation import (
    SequenceTransformerMixin,
    batch_lengths,
    check_batch,
    check_min_length,
    restore_layout,
    validate_batch,
)
from ..utils.windows import check_window, sliding_windows

__all__ = ["slice_sequences", "ChannelScaler", "SequenceStats", "PadSequences"]

_PAD_MODES = (None, "constant", "edge", "wrap", "reflect")

SLICE_ADVICE = (
    "Use a smaller width, or pad='constant' (or another numpy.pad mode) to pad short "
    "sequences to a full slice."
)


def slice_sequences(X, width, hop=None, *, pad=None, validate=True):
    """Cut every sequence of a batch into fixed-width slices.

    Slices start at ``0, hop, 2 * hop, ...``. Each one is a view of the input
    (``numpy.lib.stride_tricks.sliding_window_view``): nothing is copied unless
    padding is needed.

    Parameters
    ----------
    X : array-like of shape (n_sequences, n_channels, n_timesteps) or list of \
            array-like of shape (n_channels, n_timesteps_i)
        The batch; a 2D array is read as single-channel sequences.
    width : int
        Timesteps per slice.
    hop : int, default=None
        Step between slice starts; ``None`` means ``width`` (no overlap).
        ``hop = width // 2`` gives 50% overlap.
    pad : {None, "constant", "edge", "wrap", "reflect"}, default=None
        What to do where a sequence does not fill a slice. ``None``: a sequence
        shorter than ``width`` raises a ``ValueError``, and the last
        ``(n_timesteps - width) % hop`` timesteps, which no full slice reaches,
        are not sliced. Otherwise such a sequence, and such a tail, is completed
        to a full slice with :func:`numpy.pad` in that mode (``"constant"``
        pads with zeros), so every timestep is in some slice.
    validate : bool, default=True
        Validate ``X`` (finite values, consistent channels). Callers that have
        validated it already pass ``False``.

    Returns
    -------
    slices : list of ndarray of shape (n_channels, width)
        A batch of slices, song after song. Where no padding was needed each
        is a view of the validated batch (of ``X`` itself for float32 input).
    index : ndarray of shape (n_slices,), dtype int
        For each slice, the position in ``X`` of the sequence it came from.

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.features import slice_sequences
    >>> songs = [np.arange(10.0).reshape(1, 10), np.arange(6.0).reshape(1, 6)]
    >>> slices, index = slice_sequences(songs, width=4, hop=2)
    >>> index
    array([0, 0, 0, 0, 1, 1])
    >>> slices[1]
    array([[2., 3., 4., 5.]], dtype=float32)
    """
    width, hop = check_window(width, hop)
    if pad not in _PAD_MODES:
        raise ValueError(f"pad must be one of {_PAD_MODES}, got {pad!r}.")
    batch = check_batch(X) if validate else X
    if pad is None:
        check_min_length(batch, width, reason=f"width={width}, one slice", advice=SLICE_ADVICE)
    tail = "drop" if pad is None else "pad"
    slices, index = [], []
    for i, seq in enumerate(batch):
        windows = sliding_windows(seq, width, hop, tail=tail, pad_mode=pad or "constant")
        slices.extend(windows)
        index.append(np.full(len(windows), i, dtype=int))
    return slices, np.concatenate(index)


def _channel_names(estimator, input_features):
    """Channel names for ``get_feature_names_out``: given, or ``ch0, ch1, ...``.

    For tabular (2D) input the features are timesteps of one channel:
    ``input_features`` is only validated against ``feature_names_in_``.
    """
    check_is_fitted(estimator)
    n = estimator.n_channels_in_
    if hasattr(estimator, "n_features_in_"):
        _check_feature_names_in(estimator, input_features)
        input_features = None
    if input_features is None:
        return [f"ch{c}" for c in range(n)]
    if len(input_features) != n:
        raise ValueError(
            f"input_features has {len(input_features)} names, but {n} channel(s) were seen in fit."
        )
    return [str(name) for name in input_features]


class ChannelScaler(SequenceTransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Standardise every channel with one mean and std learned over all frames.

    ``fit`` pools every timestep of every training sequence per channel (with
    :class:`sklearn.preprocessing.StandardScaler`), so every slice and every
    song is scaled alike -- unlike per-sequence normalisation. Each channel
    (e.g. mel band) gets ``(x - mean_[c]) / scale_[c]``.

    The output has the input's layout: a list stays a list, a 3D array a 3D
    array, and a 2D array (single-channel sequences, one mean and std for all
    values) a 2D array.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract the channel mean.
    with_std : bool, default=True
        Divide by the channel standard deviation (1 where it is 0).

    Attributes
    ----------
    mean_ : ndarray of shape (n_channels,) or None
        Channel means (``None`` when ``with_mean=False``).
    var_ : ndarray of shape (n_channels,) or None
        Channel variances (``None`` when ``with_std=False``).
    scale_ : ndarray of shape (n_channels,) or None
        Channel divisors (``None`` when ``with_std=False``).
    n_timesteps_seen_ : int
        Timesteps pooled per channel in ``fit``.
    n_channels_in_ : int
        Channels seen in ``fit``.
    n_features_in_ : int
        Only for 2D array input.

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.features import ChannelScaler
    >>> songs = [np.array([[0.0, 2.0], [10.0, 30.0]]), np.array([[1.0], [20.0]])]
    >>> scaler = ChannelScaler().fit(songs)
    >>> scaler.mean_, scaler.scale_.round(2)
    (array([ 1., 20.]), array([0.82, 8.16]))
    >>> scaler.transform(songs)[0].round(2)
    array([[-1.22,  1.22],
           [-1.22,  1.22]], dtype=float32)
    """

    _parameter_constraints = {"with_mean": ["boolean"], "with_std": ["boolean"]}

    def __init__(self, *, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the mean and std of every channel over all timesteps.

        Parameters
        ----------
        X : array-like of shape (n_sequences, n_channels, n_timesteps) or \
                (n_sequences, n_timesteps), or list of array-like of shape \
                (n_channels, n_timesteps_i)
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        batch = validate_batch(self, X, reset=True)
        scaler = StandardScaler(with_mean=self.with_mean, with_std=self.with_std)
        if isinstance(batch, list):
            for seq in batch:
                scaler.partial_fit(seq.T.astype(np.float64))
        else:
            frames = batch.transpose(0, 2, 1).reshape(-1, batch.shape[1])
            scaler.fit(frames.astype(np.float64))
        self.mean_ = scaler.mean_
        self.var_ = scaler.var_
        self.scale_ = scaler.scale_
        self.n_timesteps_seen_ = int(batch_lengths(batch).sum())
        return self

    def _apply(self, X, inverse):
        check_is_fitted(self)
        batch, layout = validate_batch(self, X, reset=False, return_layout=True)
        shift = 0.0 if self.mean_ is None else self.mean_.astype(np.float32)[:, None]
        scale = 1.0 if self.scale_ is None else self.scale_.astype(np.float32)[:, None]
        if inverse:
            items = [seq * scale + shift for seq in batch]
        else:
            items = [(seq - shift) / scale for seq in batch]
        return restore_layout(items, layout)

    def transform(self, X):
        """Scale every channel.

        Parameters
        ----------
        X : batch with ``n_channels_in_`` channels

        Returns
        -------
        Xt : batch of the same layout and shape, float32
        """
        return self._apply(X, inverse=False)

    def inverse_transform(self, X):
        """Undo :meth:`transform`.

        Parameters
        ----------
        X : batch with ``n_channels_in_`` channels

        Returns
        -------
        X_original : batch of the same layout and shape, float32
        """
        return self._apply(X, inverse=True)

    def get_feature_names_out(self, input_features=None):
        """Names of the output channels: the input's, unchanged.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Channel names (default ``"ch0"``, ``"ch1"``, ...). For 2D array
            input, the column names, as sklearn's scalers give them.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        if hasattr(self, "n_features_in_"):
            return _check_feature_names_in(self, input_features)
        return np.asarray(_channel_names(self, input_features), dtype=object)


def _q25(x, axis):
    return np.percentile(x, 25, axis=axis)


def _q75(x, axis):
    return np.percentile(x, 75, axis=axis)


def _moment_stat(func, x, axis):
    # a constant channel has no skew or kurtosis: 0 (scipy gives NaN and warns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nan_to_num(func(x, axis=axis))


def _skew(x, axis):
    return _moment_stat(_scipy_stats.skew, x, axis)


def _kurtosis(x, axis):
    return _moment_stat(_scipy_stats.kurtosis, x, axis)


def _first(x, axis):
    return np.take(x, 0, axis=axis)


def _last(x, axis):
    return np.take(x, -1, axis=axis)


_STATS = {
    "mean": np.mean,
    "std": np.std,
    "var": np.var,
    "min": np.min,
    "max": np.max,
    "median": np.median,
    "q25": _q25,
    "q75": _q75,
    "skew": _skew,
    "kurtosis": _kurtosis,
    "first": _first,
    "last": _last,
}


class SequenceStats(SequenceTransformerMixin, BaseEstimator):
    """Summarise every channel of every sequence by statistics over time.

    Turns a batch of sequences -- of any lengths -- into the 2D table that
    sklearn's classifiers (random forest, SVM, KNN, logistic regression,
    gradient boosting) take: one row per sequence, one column per
    (channel, statistic), ordered channel by channel.

    Parameters
    ----------
    stats : tuple of str, default=("mean", "std", "min", "max")
        Statistics over the timesteps of each channel, from ``"mean"``,
        ``"std"``, ``"var"``, ``"min"``, ``"max"``, ``"median"``, ``"q25"``,
        ``"q75"`` (quartiles), ``"skew"``, ``"kurtosis"`` (0 for a constant
        channel), ``"first"``, ``"last"``.

    Attributes
    ----------
    n_channels_in_ : int
        Channels seen in ``fit``.
    n_features_in_ : int
        Only for 2D array input.
    feature_names_in_ : ndarray of str
        Only for DataFrame input.

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.features import SequenceStats
    >>> songs = [np.array([[1.0, 3.0], [0.0, 0.0]]), np.array([[5.0, 5.0, 8.0], [1.0, 2.0, 3.0]])]
    >>> stats = SequenceStats(stats=("mean", "max"))
    >>> stats.fit_transform(songs)
    array([[2., 3., 0., 0.],
           [6., 8., 2., 3.]], dtype=float32)
    >>> stats.get_feature_names_out(["pitch", "velocity"]).tolist()
    ['pitch_mean', 'pitch_max', 'velocity_mean', 'velocity_max']
    """

    _parameter_constraints = {"stats": [tuple, list]}

    def __init__(self, stats=("mean", "std", "min", "max")):
        self.stats = stats

    def _check_stats(self):
        if len(self.stats) == 0:
            raise ValueError("stats is empty; name at least one statistic.")
        unknown = [s for s in self.stats if s not in _STATS]
        if unknown:
            raise ValueError(f"Unknown statistic(s) {unknown}; choose from {sorted(_STATS)}.")
        if len(set(self.stats)) != len(self.stats):
            raise ValueError(f"stats has repeated entries: {list(self.stats)}.")

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the input; nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n_sequences, n_channels, n_timesteps) or \
                (n_sequences, n_timesteps), or list of array-like of shape \
                (n_channels, n_timesteps_i)
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._check_stats()
        validate_batch(self, X, reset=True)
        return self

    def transform(self, X):
        """Compute the statistics.

        Parameters
        ----------
        X : batch with ``n_channels_in_`` channels

        Returns
        -------
        Xt : ndarray of shape (n_sequences, n_channels * n_stats), float32
        """
        check_is_fitted(self)
        batch = validate_batch(self, X, reset=False)
        funcs = [_STATS[s] for s in self.stats]
        if isinstance(batch, list):
            table = np.stack([np.stack([f(seq, axis=-1) for f in funcs], axis=-1) for seq in batch])
        else:
            table = np.stack([f(batch, axis=-1) for f in funcs], axis=-1)
        return table.reshape(len(batch), -1).astype(np.float32, copy=False)

    def get_feature_names_out(self, input_features=None):
        """Names ``"<channel>_<stat>"`` of the output columns.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Channel names (e.g. ``MelSpectrogram().get_feature_names_out()``);
            by default ``"ch0"``, ``"ch1"``, ... For 2D array input the columns
            are timesteps of one channel, ``"ch0"``, and ``input_features`` is
            only checked against ``feature_names_in_``.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        channels = _channel_names(self, input_features)
        return np.asarray([f"{c}_{s}" for c in channels for s in self.stats], dtype=object)


class PadSequences(SequenceTransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Pad (or cut) every sequence to one length, keeping the true lengths.

    For models that need fixed-size arrays (Wang [1]_ pads EEG recordings of
    unequal length). ``fit`` fixes the length ``max_len_`` (the longest
    training sequence unless ``max_len`` is given); ``transform`` pads
    shorter sequences at the end with ``value`` and cuts longer ones to their
    first ``max_len_`` timesteps.

    The true lengths are kept two ways, both usable inside a Pipeline:

    * :meth:`get_lengths` gives ``min(length, max_len_)`` for each sequence;
    * ``add_indicator=True`` appends one channel that is 1 on real timesteps
      and 0 on padding (as :class:`sklearn.impute.SimpleImputer` appends its
      missing-value indicator), so the lengths travel with the array:
      ``lengths = Xt[:, -1].sum(axis=1)``.

    skmusic's recurrent networks take ragged lists directly (and pack them),
    so they do not need this step.

    Parameters
    ----------
    max_len : int or None, default=None
        Output length; ``None``: the longest sequence seen in ``fit``.
    value : float, default=0.0
        Padding value.
    add_indicator : bool, default=False
        Append the 0/1 "real timestep" channel.

    Attributes
    ----------
    max_len_ : int
        Output length.
    n_channels_in_ : int
        Channels seen in ``fit``.
    n_features_in_ : int
        Only for 2D array input.

    References
    ----------
    .. [1] Q. Wang, "Music Genre Classification using LSTM and CNN", Research
       School of Computer Science, Australian National University, report
       (undated; cites work up to 2020).

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.features import PadSequences
    >>> songs = [np.ones((2, 3)), np.ones((2, 5))]
    >>> pad = PadSequences(add_indicator=True).fit(songs)
    >>> Xt = pad.transform(songs)
    >>> Xt.shape
    (2, 3, 5)
    >>> Xt[:, -1].sum(axis=1)
    array([3., 5.], dtype=float32)
    >>> pad.get_lengths(songs)
    array([3, 5])
    """

    _parameter_constraints = {
        "max_len": [Interval(Integral, 1, None, closed="left"), None],
        "value": [Real],
        "add_indicator": ["boolean"],
    }

    def __init__(self, max_len=None, *, value=0.0, add_indicator=False):
        self.max_len = max_len
        self.value = value
        self.add_indicator = add_indicator

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fix the output length.

        Parameters
        ----------
        X : array-like of shape (n_sequences, n_channels, n_timesteps) or \
                (n_sequences, n_timesteps), or list of array-like of shape \
                (n_channels, n_timesteps_i)
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        batch = validate_batch(self, X, reset=True)
        longest = int(batch_lengths(batch).max())
        self.max_len_ = longest if self.max_len is None else int(self.max_len)
        return self

    def get_lengths(self, X):
        """True lengths of the sequences of ``X`` after padding or cutting.

        Parameters
        ----------
        X : batch

        Returns
        -------
        lengths : ndarray of shape (n_sequences,), dtype int
            ``min(n_timesteps_i, max_len_)``.
        """
        check_is_fitted(self)
        batch = validate_batch(self, X, reset=False, ensure_all_finite=False, dtype=None)
        return np.minimum(batch_lengths(batch), self.max_len_)

    def transform(self, X):
        """Pad or cut every sequence to ``max_len_`` timesteps.

        Parameters
        ----------
        X : batch with ``n_channels_in_`` channels

        Returns
        -------
        Xt : ndarray of shape (n_sequences, n_channels (+1), max_len_), float32
            2D ``(n_sequences, max_len_)`` for 2D input without indicator.
        """
        check_is_fitted(self)
        batch, layout = validate_batch(self, X, reset=False, return_layout=True)
        n_out = batch[0].shape[0] + int(self.add_indicator)
        out = np.full((len(batch), n_out, self.max_len_), self.value, dtype=np.float32)
        for i, seq in enumerate(batch):
            length = min(seq.shape[-1], self.max_len_)
            out[i, : seq.shape[0], :length] = seq[:, :length]
            if self.add_indicator:
                out[i, -1] = 0.0
                out[i, -1, :length] = 1.0
        return restore_layout(out, "3d" if layout == "list" else layout)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags
