"""Helpers shared by skmusic's generators."""

from numbers import Real

import numpy as np

from ..nn.base import IndexSplit, PresetMixin, held_out_groups  # noqa: F401 (re-exported)
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


def regression_windows(batch, width, horizon, hop, *, owners=False):
    """(inputs, targets) of every window of a validated batch.

    Inputs are ``(n, C, width)``, targets the ``(n, C, horizon)`` steps right
    after each input; windows start every ``hop`` steps. With ``owners``, a
    third array gives the index of the sequence each window comes from.
    """
    from numpy.lib.stride_tricks import sliding_window_view

    span = width + horizon
    inputs, targets, owner = [], [], []
    for index, seq in enumerate(batch):
        views = sliding_window_view(seq, span, axis=-1)[:, ::hop]  # (C, n, span)
        views = views.transpose(1, 0, 2)
        inputs.append(views[..., :width])
        targets.append(views[..., width:])
        owner.append(np.full(len(views), index))
    out = (
        np.ascontiguousarray(np.concatenate(inputs), dtype=np.float32),
        np.ascontiguousarray(np.concatenate(targets), dtype=np.float32),
    )
    return (*out, np.concatenate(owner)) if owners else out


def held_out_split(owner, n_sequences, fraction, seed):
    """skorch ``train_split`` holding out the windows of whole sequences.

    Windows of one sequence overlap, so holding out windows at random would
    score the network on what it trained on. ``round(fraction * n_sequences)``
    sequences (at least one, never all) are held out; ``None`` (train on
    everything) when ``fraction`` is None or there are fewer than 2 sequences.

    Parameters
    ----------
    owner : ndarray of shape (n_windows,)
        The sequence each training window comes from.
    n_sequences : int
    fraction : float or None
    seed : int or None

    Returns
    -------
    split : skmusic.nn.base.IndexSplit or None
    """
    if fraction is None or n_sequences < 2:
        return None
    held = held_out_groups(n_sequences, fraction, seed)
    return IndexSplit(np.flatnonzero(np.isin(owner, held)))


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
