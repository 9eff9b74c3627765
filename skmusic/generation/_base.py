"""Helpers shared by skmusic's generators."""

from numbers import Real

import numpy as np

from ..utils.validation import is_tabular, settle_input, validate_batch


def check_dense_batch(estimator, X):
    """Refuse sparse matrices, an empty list and a lone 1D array with sklearn's
    wording; see :func:`skmusic.utils.validation.settle_input`."""
    settle_input(X, type(estimator).__name__)


def check_min_length(X, batch, min_timesteps, reason):
    """A ValueError if a sequence of the validated ``batch`` is too short; for
    tabular ``X`` it speaks of features, as sklearn does (columns are timesteps)."""
    lengths = [s.shape[-1] for s in batch]
    if min(lengths) >= min_timesteps:
        return
    i = int(np.argmin(lengths))
    if is_tabular(X):
        raise ValueError(
            f"X has {lengths[i]} feature(s) (timesteps per sequence), fewer than the "
            f"{min_timesteps} needed ({reason}). Use longer sequences."
        )
    raise ValueError(
        f"Sequence {i} of X has {lengths[i]} timesteps, fewer than the {min_timesteps} "
        f"needed ({reason}). Use longer sequences or change the parameters."
    )


def check_temperature(temperature):
    """A positive finite float, else a ValueError."""
    if (
        not isinstance(temperature, Real)
        or isinstance(temperature, bool)
        or not np.isfinite(temperature)
        or temperature <= 0
    ):
        raise ValueError(
            f"temperature must be a positive number, got {temperature!r}. Values "
            "below 1 make sampling more conservative, above 1 more adventurous; "
            "for the most likely token use a small value such as 1e-3."
        )
    return float(temperature)


def check_positive_int(name, value):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)


def window_starts(length, width, hop):
    """Starts of windows of ``width`` steps every ``hop`` steps covering a
    sequence of ``length`` steps; the last one is moved to end at the end."""
    if length <= width:
        return np.array([0])
    starts = np.arange(0, length - width + 1, hop)
    if starts[-1] + width < length:
        starts = np.r_[starts, length - width]
    return starts


def regression_windows(batch, window, horizon, hop):
    """(inputs, targets) of every window of a validated batch.

    Inputs are ``(n, C, window)``, targets the ``(n, C, horizon)`` steps right
    after each input; windows start every ``hop`` steps.
    """
    from numpy.lib.stride_tricks import sliding_window_view

    width = window + horizon
    inputs, targets = [], []
    for seq in batch:
        views = sliding_window_view(seq, width, axis=-1)[:, ::hop]  # (C, n, width)
        views = views.transpose(1, 0, 2)
        inputs.append(views[..., :window])
        targets.append(views[..., window:])
    return (
        np.ascontiguousarray(np.concatenate(inputs), dtype=np.float32),
        np.ascontiguousarray(np.concatenate(targets), dtype=np.float32),
    )


def validate_prompt(estimator, prompt, *, min_length, what, dtype=np.float32):
    """One prompt or a batch of them, each at least ``min_length`` steps.

    Returns a list of 2D arrays and whether a single prompt (1D, or one 2D
    sequence passed as such) was given.
    """
    if prompt is None:
        raise ValueError(f"A prompt is needed: {what}.")
    arr = prompt if isinstance(prompt, (list, tuple)) else np.asarray(prompt)
    single = isinstance(arr, np.ndarray) and arr.ndim == 1
    if single:
        arr = arr[np.newaxis, np.newaxis, :]
    batch = validate_batch(estimator, arr, reset=False, dtype=dtype)
    lengths = [s.shape[-1] for s in batch]
    if min(lengths) < min_length:
        raise ValueError(
            f"The prompt has {min(lengths)} steps, shorter than the {min_length} "
            f"the model reads ({what}). Pass a longer prompt."
        )
    return list(batch), single
