"""Input preprocessing of skmusic's networks, fitted in ``fit`` and stored with the model.

The classifiers' ``normalize`` parameter (see :func:`fit_normalization` and
:func:`apply_normalization`) and the generators' scaling both go through the
one per-channel standardization here (:func:`channel_stats` fitted,
:func:`normalize_batch` with ``mode="channel"`` applied). Long inputs are
shortened by :func:`downsample_batch`.

Categorical rows (to come)
--------------------------
A pitch class, a scale degree or a beat position is a category: a network
embeds it, it is never z-normalized. The vocabularies of such rows (which rows
are categorical, the codes seen in ``fit``) belong in this module, next to the
numeric statistics: fitted from the training batch in ``fit``, stored as
fitted attributes, applied by :func:`apply_normalization`'s callers to the
numeric rows only, while the categorical rows go to an embedding layer as ids.
Nothing here handles them yet.
"""

import numpy as np

__all__ = [
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
