"""Fixed-width windows over sequences, shared by every step that slices.

One vocabulary: a window is ``width`` timesteps long and windows start every
``hop`` timesteps. What happens at the end of a sequence, where the timesteps
left are fewer than a window, is the ``tail``:

* ``"drop"``: no window there (the last ``(length - width) % hop`` timesteps
  are in no window; a sequence shorter than ``width`` has none);
* ``"pad"``: one more window, padded, so every timestep is in some window (a
  sequence shorter than ``width`` gives one padded window);
* ``"shift"``: one more window, moved back to end at the sequence's end (a
  sequence of at most ``width`` timesteps gives one window, starting at 0).
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .validation import check_positive_int

__all__ = ["check_window", "n_windows", "sliding_windows", "window_starts"]

TAILS = ("drop", "pad", "shift")


def check_window(width, hop=None):
    """``(width, hop)`` as positive ints (``hop=None``: ``width``), else a ValueError.

    Examples
    --------
    >>> from skmusic.utils.windows import check_window
    >>> check_window(8), check_window(8, 2)
    ((8, 8), (8, 2))
    """
    width = check_positive_int("width", width)
    hop = check_positive_int("hop", hop, allow_none=True)
    return width, width if hop is None else hop


def window_starts(length, width, hop, *, tail="drop"):
    """Start of every window over a sequence of ``length`` timesteps.

    Parameters
    ----------
    length : int
        Timesteps of the sequence.
    width : int
        Timesteps per window.
    hop : int
        Timesteps between window starts.
    tail : {"drop", "pad", "shift"}, default="drop"
        What to do where the timesteps left are fewer than a window (see the
        module's docstring).

    Returns
    -------
    starts : ndarray of shape (n_windows,), dtype int

    Examples
    --------
    >>> from skmusic.utils.windows import window_starts
    >>> window_starts(10, 4, 3)
    array([0, 3, 6])
    >>> window_starts(11, 4, 3, tail="pad"), window_starts(11, 4, 3, tail="shift")
    (array([0, 3, 6, 9]), array([0, 3, 6, 7]))
    """
    if tail not in TAILS:
        raise ValueError(f"tail must be one of {TAILS}, got {tail!r}.")
    if length < width or (tail == "shift" and length == width):
        return np.zeros(1 if tail != "drop" else 0, dtype=int)
    starts = np.arange(0, length - width + 1, hop)
    if starts[-1] + width < length:
        if tail == "pad":
            starts = np.r_[starts, starts[-1] + hop]
        elif tail == "shift":
            starts = np.r_[starts, length - width]
    return starts


def n_windows(lengths, width, hop, *, tail="drop"):
    """Number of windows over sequences of ``lengths`` (an int or an array).

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.utils.windows import n_windows
    >>> n_windows(np.array([3, 10, 11]), 4, 3, tail="pad")
    array([1, 3, 4])
    """
    lengths = np.asarray(lengths)
    if tail not in TAILS:
        raise ValueError(f"tail must be one of {TAILS}, got {tail!r}.")
    over = lengths - width
    full = np.where(over >= 0, 1 + np.maximum(over, 0) // hop, 0)
    if tail != "drop":
        extra = (over > 0) & (over % hop > 0)
        full = np.where(over < 0, 1, full + extra)
    return full


def sliding_windows(seq, width, hop=None, *, tail="drop", pad_mode="constant"):
    """Every window of a ``(n_channels, n_timesteps)`` sequence, as a view.

    Parameters
    ----------
    seq : ndarray of shape (n_channels, n_timesteps)
    width : int
        Timesteps per window.
    hop : int, default=None
        Timesteps between window starts (``None``: ``width``, no overlap).
    tail : {"drop", "pad"}, default="drop"
        ``"pad"`` adds a last window completed with :func:`numpy.pad` in
        ``pad_mode``, so every timestep is in a window.
    pad_mode : str, default="constant"
        :func:`numpy.pad` mode for ``tail="pad"`` (``"constant"``: zeros).

    Returns
    -------
    windows : ndarray of shape (n_windows, n_channels, width)
        A view of ``seq`` (of a padded copy where padding was needed).

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.utils.windows import sliding_windows
    >>> seq = np.arange(7.0).reshape(1, 7)
    >>> sliding_windows(seq, 4, 2)[:, 0]
    array([[0., 1., 2., 3.],
           [2., 3., 4., 5.]])
    >>> sliding_windows(seq, 4, 2, tail="pad")[-1]
    array([[4., 5., 6., 0.]])
    """
    width, hop = check_window(width, hop)
    if tail not in ("drop", "pad"):
        raise ValueError(f"tail must be 'drop' or 'pad' for sliding_windows, got {tail!r}.")
    length = seq.shape[-1]
    n = int(n_windows(length, width, hop, tail=tail))
    if n == 0:
        return np.empty((0, seq.shape[0], width), dtype=seq.dtype)
    needed = (n - 1) * hop + width
    if needed > length:
        seq = np.pad(seq, ((0, 0), (0, needed - length)), mode=pad_mode)
    return sliding_window_view(seq, width, axis=-1)[:, ::hop][:, :n].transpose(1, 0, 2)
