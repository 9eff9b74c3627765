"""Input preprocessing of skmusic's networks, fitted in ``fit`` and stored with the model.

The classifiers' ``normalize`` parameter (see :func:`fit_normalization` and
:func:`apply_normalization`) and the generators' scaling both go through the
one per-channel standardization here (:func:`channel_stats` fitted,
:func:`normalize_batch` with ``mode="channel"`` applied). Long inputs are
shortened by :func:`downsample_batch`.

Categorical rows
----------------
A pitch class, a scale degree or a beat position is a category: a network
embeds it, it is never z-normalized. :func:`resolve_categorical` says which
rows are categories (an estimator's ``categorical`` parameter: indices, a
mask, or ``"auto"``); :class:`CategoryVocabulary` learns each such row's
values in ``fit`` and codes them 1..K, with 0 for a value unseen in ``fit``,
so prediction never fails on a new category. The numeric rows alone are
standardized (see :class:`skmusic.nn.NoteNetworkClassifier`).
"""

import numpy as np

__all__ = [
    "AUTO_MAX_CATEGORY",
    "CategoryVocabulary",
    "resolve_categorical",
    "NORMALIZE_MODES",
    "append_constant_channels",
    "apply_normalization",
    "channel_stats",
    "downsample_batch",
    "fit_normalization",
    "normalize_batch",
    "normalized_channels",
    "series_stats",
]

NORMALIZE_MODES = ("series+stats", "series", "channel")


def normalize_batch(batch, mode, *, mean=None, scale=None):
    """Normalize every sequence of a validated batch.

    Parameters
    ----------
    batch : ndarray of shape (n, C, T) or list of ndarray of shape (C, T_i)
    mode : {"series", "channel"} or None
        ``"series"``: each sequence and channel by its own mean and standard
        deviation (over its own timesteps, so padding never enters);
        ``"channel"``: every sequence by the per-channel ``mean`` and ``scale``
        given; ``None``: unchanged.
    mean, scale : ndarray of shape (C,), default=None
        Needed for ``mode="channel"``.

    Returns
    -------
    batch : same layout as the input, float32
        A constant channel becomes zeros (``"series"``) rather than NaN.
    """
    if mode is None:
        return batch
    if mode == "channel":
        m = np.asarray(mean, dtype=np.float32)[:, None]
        s = np.asarray(scale, dtype=np.float32)[:, None]
        if isinstance(batch, np.ndarray):
            return ((batch - m) / s).astype(np.float32, copy=False)
        return [((seq - m) / s).astype(np.float32, copy=False) for seq in batch]

    def series(x):  # x: (..., C, T)
        mu = x.mean(axis=-1, keepdims=True, dtype=np.float64)
        sd = x.std(axis=-1, keepdims=True, dtype=np.float64)
        sd[sd < 1e-8] = 1.0
        return ((x - mu) / sd).astype(np.float32)

    if isinstance(batch, np.ndarray):
        return series(batch)
    return [series(seq) for seq in batch]


def series_stats(batch):
    """Each sequence's per-channel mean and log standard deviation.

    Returns
    -------
    stats : ndarray of shape (n_sequences, 2 * n_channels)
        Means first, then ``log(std + 1e-8)``.
    """
    if isinstance(batch, np.ndarray):
        mu = batch.mean(axis=-1, dtype=np.float64)
        sd = batch.std(axis=-1, dtype=np.float64)
    else:
        mu = np.stack([seq.mean(axis=-1, dtype=np.float64) for seq in batch])
        sd = np.stack([seq.std(axis=-1, dtype=np.float64) for seq in batch])
    return np.concatenate([mu, np.log(sd + 1e-8)], axis=1)


def append_constant_channels(batch, values):
    """Append ``values[i]`` as constant channels to sequence ``i`` of a batch."""
    values = np.asarray(values, dtype=np.float32)
    if isinstance(batch, np.ndarray):
        extra = np.broadcast_to(values[:, :, None], values.shape + (batch.shape[-1],))
        return np.concatenate([batch, extra], axis=1)
    return [
        np.concatenate([seq, np.repeat(v[:, None], seq.shape[-1], axis=1)], axis=0)
        for seq, v in zip(batch, values, strict=True)
    ]


def channel_stats(batch):
    """Per-channel mean and standard deviation over every timestep of a batch."""
    if isinstance(batch, np.ndarray):
        flat = batch.transpose(1, 0, 2).reshape(batch.shape[1], -1)
    else:
        flat = np.concatenate(batch, axis=1)
    mean = flat.mean(axis=1, dtype=np.float64)
    scale = flat.std(axis=1, dtype=np.float64)
    scale[scale < 1e-8] = 1.0
    return mean.astype(np.float32), scale.astype(np.float32)


def downsample_batch(batch, stride):
    """Average non-overlapping windows of ``stride`` timesteps of every sequence.

    A sequence of length ``T`` becomes ``ceil(T / stride)`` steps; its last,
    partial window is averaged over the steps it has (never over padding).

    Parameters
    ----------
    batch : ndarray of shape (n, C, T) or list of ndarray of shape (C, T_i)
    stride : int

    Returns
    -------
    batch : same layout as the input

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.nn.preprocessing import downsample_batch
    >>> downsample_batch(np.arange(5.0).reshape(1, 1, 5), 2).tolist()
    [[[0.5, 2.5, 4.0]]]
    """
    if stride <= 1:
        return batch

    def pool(x):  # (..., C, T)
        t = x.shape[-1]
        n = -(-t // stride)
        pad = n * stride - t
        if pad:
            x = np.concatenate([x, np.zeros(x.shape[:-1] + (pad,), x.dtype)], axis=-1)
        sums = x.reshape(x.shape[:-1] + (n, stride)).sum(axis=-1)
        counts = np.full(n, stride, dtype=np.float32)
        counts[-1] = stride - pad
        return (sums / counts).astype(np.float32)

    if isinstance(batch, np.ndarray):
        return pool(batch)
    return [pool(seq) for seq in batch]


def fit_normalization(batch, mode):
    """The statistics ``mode`` learns from a training batch.

    Parameters
    ----------
    batch : ndarray of shape (n, C, T) or list of ndarray of shape (C, T_i)
    mode : {"series+stats", "series", "channel"} or None

    Returns
    -------
    mean, scale : ndarray or None
        Per channel (``"channel"``), per statistic of :func:`series_stats`
        (``"series+stats"``; a statistic that hardly varies gets an infinite
        scale, so it becomes zeros rather than blown-up rounding noise), or
        ``None`` (``"series"``, ``None``).
    """
    if mode == "channel":
        return channel_stats(batch)
    if mode == "series+stats":
        stats = series_stats(batch)
        scale = stats.std(axis=0)
        scale[scale < 1e-3] = np.inf
        return stats.mean(axis=0).astype(np.float32), scale.astype(np.float32)
    return None, None


def apply_normalization(batch, mode, mean=None, scale=None):
    """Normalize a batch as ``mode`` says, with statistics of :func:`fit_normalization`.

    ``"series+stats"`` z-normalizes every series and appends its standardized
    per-channel mean and log deviation as constant channels (so the module
    reads ``3 * C`` channels, :func:`normalized_channels`).
    """
    if mode == "series+stats":
        stats = (series_stats(batch) - mean) / scale
        return append_constant_channels(normalize_batch(batch, "series"), stats)
    return normalize_batch(batch, mode, mean=mean, scale=scale)


def normalized_channels(n_channels, mode):
    """Channels of a batch of ``n_channels`` after :func:`apply_normalization`."""
    return n_channels * (3 if mode == "series+stats" else 1)


# ---------------------------------------------------------------------------
# categorical rows
# ---------------------------------------------------------------------------

#: ``categorical="auto"`` takes rows whose values are all whole numbers in 0..AUTO_MAX_CATEGORY.
AUTO_MAX_CATEGORY = 127


class CategoryVocabulary:
    """The values of one categorical row seen in ``fit``, as indices 1..K (0: unseen).

    Attributes
    ----------
    categories_ : ndarray of shape (K,)
        Sorted values seen in ``fit``.
    n_codes_ : int
        ``K + 1``: the indices :meth:`transform` can return.

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.nn.preprocessing import CategoryVocabulary
    >>> vocab = CategoryVocabulary().fit(np.array([7.0, 2.0, 7.0, 11.0]))
    >>> vocab.transform(np.array([2.0, 11.0, 5.0])).tolist(), vocab.n_codes_
    ([1.0, 3.0, 0.0], 4)
    """

    def fit(self, values):
        """Learn the categories (the distinct values).

        Parameters
        ----------
        values : ndarray of shape (n_values,)

        Returns
        -------
        self : CategoryVocabulary
        """
        self.categories_ = np.unique(np.asarray(values, dtype=np.float64))
        self.n_codes_ = len(self.categories_) + 1
        return self

    def transform(self, values):
        """Index of every value in the vocabulary (1..K), 0 where unseen in ``fit``.

        Parameters
        ----------
        values : ndarray of shape (n_values,)

        Returns
        -------
        codes : ndarray of shape (n_values,), float32
            Whole numbers, kept as floats to travel in the network's input tensor.
        """
        values = np.asarray(values, dtype=np.float64)
        pos = np.searchsorted(self.categories_, values)
        pos = np.minimum(pos, len(self.categories_) - 1)
        found = self.categories_[pos] == values
        return np.where(found, pos + 1, 0).astype(np.float32)


def _is_code_row(values):
    return bool(
        values.size
        and np.all(values == np.round(values))
        and values.min() >= 0
        and values.max() <= AUTO_MAX_CATEGORY
    )


def resolve_categorical(categorical, batch, n_channels):
    """The categorical rows, as sorted indices, from an estimator's ``categorical``.

    Parameters
    ----------
    categorical : "auto", array-like of int or bool, or None
        ``"auto"``: rows whose values in ``batch`` are all whole numbers from
        0 to :data:`AUTO_MAX_CATEGORY`; indices; a boolean mask of length
        ``n_channels``; ``None``: none.
    batch : ndarray of shape (n, C, T) or list of ndarray of shape (C, T_i)
    n_channels : int

    Returns
    -------
    rows : list of int

    Raises
    ------
    ValueError
        For indices out of range, a mask of the wrong length, or a categorical
        row holding values that are not whole numbers.
    """
    if categorical is None:
        return []
    if isinstance(categorical, str):  # "auto" (the only string the constraints let in)
        return [
            c
            for c in range(n_channels)
            if _is_code_row(np.concatenate([np.ravel(seq[c]) for seq in batch]))
        ]
    rows = np.asarray(categorical)
    if rows.dtype == bool:
        if rows.shape != (n_channels,):
            raise ValueError(
                f"categorical as a boolean mask needs one entry per input row "
                f"({n_channels}), got {rows.shape[0] if rows.ndim else 0}."
            )
        rows = np.flatnonzero(rows)
    if rows.size and (
        rows.dtype.kind not in "iu" or rows.ndim != 1 or rows.min() < 0 or rows.max() >= n_channels
    ):
        raise ValueError(
            f"categorical must hold row indices in 0..{n_channels - 1} (or a boolean "
            f"mask, 'auto' or None), got {categorical!r}."
        )
    rows = sorted({int(r) for r in rows})
    for c in rows:
        values = np.concatenate([np.ravel(seq[c]) for seq in batch])
        if not np.all(values == np.round(values)):
            raise ValueError(
                f"Row {c} is declared categorical but holds values that are not whole "
                "numbers (categories are integer codes, e.g. NoteSequence's "
                "'pitch_class' or 'duration_class')."
            )
    return rows
