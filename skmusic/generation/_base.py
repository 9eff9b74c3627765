"""Helpers shared by skmusic's generators (their estimator base is
:class:`skmusic.nn.base.BaseNeuralEstimator`)."""

from numbers import Real

import numpy as np

from ..utils.validation import validate_batch
from ..utils.windows import sliding_windows


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


def regression_windows(batch, width, horizon, hop, *, owners=False):
    """(inputs, targets) of every window of a validated batch.

    Inputs are ``(n, C, width)``, targets the ``(n, C, horizon)`` steps right
    after each input; windows start every ``hop`` steps
    (:func:`skmusic.utils.windows.sliding_windows`). With ``owners``, a third
    array gives the index of the sequence each window comes from.
    """
    views = [sliding_windows(seq, width + horizon, hop) for seq in batch]
    spans = np.concatenate(views)
    out = (
        np.ascontiguousarray(spans[..., :width], dtype=np.float32),
        np.ascontiguousarray(spans[..., width:], dtype=np.float32),
    )
    if not owners:
        return out
    return (*out, np.repeat(np.arange(len(views)), [len(v) for v in views]))


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
