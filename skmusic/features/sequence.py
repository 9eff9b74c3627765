"""Sequence-level steps: slicing, padding, summary statistics, per-channel scaling."""

from numbers import Integral

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..utils.validation import batch_lengths, check_batch

__all__ = ["slice_sequences"]

_PAD_MODES = (None, "constant", "edge", "wrap", "reflect")


def _n_slices(length, width, hop, pad):
    if length < width:
        return 1 if pad is not None else 0
    full = 1 + (length - width) // hop
    if pad is not None and (length - width) % hop:
        full += 1  # one more slice, padded, so the tail is covered too
    return full


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
    if not isinstance(width, Integral) or isinstance(width, bool) or width < 1:
        raise ValueError(f"width must be a positive integer, got {width!r}.")
    hop = width if hop is None else hop
    if not isinstance(hop, Integral) or isinstance(hop, bool) or hop < 1:
        raise ValueError(f"hop must be a positive integer or None, got {hop!r}.")
    if pad not in _PAD_MODES:
        raise ValueError(f"pad must be one of {_PAD_MODES}, got {pad!r}.")
    batch = check_batch(X) if validate else X
    lengths = batch_lengths(batch)
    if pad is None and lengths.min() < width:
        i = int(np.argmin(lengths))
        raise ValueError(
            f"Sequence {i} has {lengths[i]} timesteps, shorter than one slice "
            f"(width={width}). Use a smaller width, or pad='constant' (or another "
            "numpy.pad mode) to pad short sequences to a full slice."
        )
    slices, index = [], []
    for i, seq in enumerate(batch):
        length = seq.shape[-1]
        n = _n_slices(length, width, hop, pad)
        needed = (n - 1) * hop + width
        if needed > length:
            seq = np.pad(seq, ((0, 0), (0, needed - length)), mode=pad)
        windows = sliding_window_view(seq, width, axis=-1)[:, ::hop][:, :n]
        slices.extend(windows.transpose(1, 0, 2))
        index.append(np.full(n, i, dtype=int))
    return slices, np.concatenate(index)
