"""Training-time augmentation for the network classifiers (torch only, no sklearn).

An augmenter is given to a classifier's ``augment`` parameter. It is applied
to every training batch (never to validation or prediction), after the
estimator has normalized and shortened the input, with torch's seeded
generator, so a fixed ``random_state`` repeats the same draws.

* :class:`RandomTranspose` -- shift pitch channels by a random number of
  semitones per sequence (musical transposition), expressed in the normalized
  units the network sees;
* :class:`RandomCrop` -- keep a random contiguous part of every sequence.

Each is called as ``augmenter(X, lengths)`` with a padded batch ``X`` of
shape ``(batch, n_channels, n_timesteps)`` and true ``lengths`` (or ``None``)
and returns the new ``(X, lengths)``. Before training, the estimator calls
``augmenter.bind(prepare, n_channels)`` with its own input preparation, so the
augmenter can express a change of the raw input in prepared units.
"""

from numbers import Integral, Real

import numpy as np
import torch

from ..utils.validation import check_positive_int

__all__ = ["RandomTranspose", "RandomCrop", "bind_augmenters"]


class RandomTranspose:
    """Transpose pitch channels by a random whole number of semitones.

    Every training sequence gets its own shift, drawn uniformly from
    ``-max_shift .. max_shift``, added to the raw ``channels`` (e.g. the
    ``"pitch"`` row of :class:`~skmusic.features.NoteSequence`). Intervals,
    durations and per-series z-normalized rows are unchanged by a
    transposition, as in the raw data. Pitch classes are categories: the
    ``pitch_class_channels`` rotate by the same shift modulo 12 (a network
    that embeds categories, such as
    :class:`~skmusic.nn.NoteNetworkClassifier`, reads its rows in their raw
    units, so the rotated class is looked up in its vocabulary). Scale degrees
    and interval classes stay as they are, as under a real transposition;
    an ``"octave"`` row is not recomputed (a shift may move a note across an
    octave boundary without its octave code following).

    Parameters
    ----------
    channels : int or tuple of int, default=0
        Raw input channels that hold pitches (in semitones); may be empty when
        ``pitch_class_channels`` are given.
    max_shift : int, default=6
        Largest shift, in semitones, either way.
    pitch_class_channels : int or tuple of int, default=()
        Raw input channels that hold pitch classes (0-11), rotated modulo 12.
        Only for an estimator that augments raw rows (whose input preparation
        leaves these rows unchanged).

    Examples
    --------
    >>> import torch
    >>> from skmusic.nn.augment import RandomTranspose
    >>> aug = RandomTranspose(channels=0, max_shift=2).bind(lambda X: X, n_channels=2)
    >>> X, _ = aug(torch.zeros(4, 2, 3), None)
    >>> bool((X[:, 1] == 0).all()), bool((X[:, 0].abs() <= 2).all())
    (True, True)
    """

    def __init__(self, channels=0, *, max_shift=6, pitch_class_channels=()):
        self.channels = channels
        self.max_shift = max_shift
        self.pitch_class_channels = pitch_class_channels

    def bind(self, prepare, n_channels):
        """A copy that knows how one semitone looks after ``prepare``.

        Parameters
        ----------
        prepare : callable
            Maps a raw batch ``(n, n_channels, T)`` (numpy) to what the network
            reads.
        n_channels : int
            Raw input channels.

        Returns
        -------
        augmenter : RandomTranspose
        """
        channels = _channel_tuple(self.channels)
        classes = _channel_tuple(self.pitch_class_channels)
        if (
            not (channels or classes)
            or any(not 0 <= c < n_channels for c in channels + classes)
            or set(channels) & set(classes)
        ):
            raise ValueError(
                f"RandomTranspose channels={self.channels!r} and pitch_class_channels="
                f"{self.pitch_class_channels!r} must index the input's {n_channels} "
                "channel(s), at least one of them, none in both."
            )
        check_positive_int("max_shift", self.max_shift)
        base = np.zeros((1, n_channels, 2), dtype=np.float32)
        shifted = base.copy()
        shifted[:, list(channels)] += 1.0
        unit = np.asarray(prepare(shifted))[0, :, 0] - np.asarray(prepare(base))[0, :, 0]
        if classes:
            probe = base.copy()
            probe[:, list(classes)] = 5.0
            if not np.allclose(np.asarray(prepare(probe))[0, list(classes)], 5.0):
                raise ValueError(
                    "RandomTranspose pitch_class_channels need an estimator that "
                    "augments raw rows (e.g. NoteNetworkClassifier with these rows "
                    "categorical); this one normalizes them first."
                )
        bound = RandomTranspose(channels, max_shift=self.max_shift, pitch_class_channels=classes)
        bound.unit_ = torch.as_tensor(unit, dtype=torch.float32)
        return bound

    def __call__(self, X, lengths):
        shift = torch.randint(-self.max_shift, self.max_shift + 1, (X.shape[0], 1, 1))
        X = X + shift.to(X.dtype) * self.unit_.to(X.device)[None, :, None]
        classes = list(self.pitch_class_channels)
        if classes:
            X = X.clone()
            X[:, classes] = torch.remainder(X[:, classes] + shift.to(X.dtype), 12.0)
        return X, lengths


def _channel_tuple(value):
    values = (value,) if isinstance(value, Integral) else value
    return tuple(int(c) for c in values)


class RandomCrop:
    """Keep a random contiguous part of every training sequence.

    Each sequence keeps a random share of its steps, drawn uniformly from
    ``[min_fraction, 1]``, at a random start; the batch is cut to its longest
    crop and the new true lengths travel on.

    Parameters
    ----------
    min_fraction : float in (0, 1], default=0.5

    Examples
    --------
    >>> import torch
    >>> from skmusic.nn.augment import RandomCrop
    >>> X, lengths = RandomCrop(0.5)(torch.arange(10.0).reshape(1, 1, 10), None)
    >>> 5 <= int(lengths[0]) <= 10
    True
    """

    def __init__(self, min_fraction=0.5):
        self.min_fraction = min_fraction

    def bind(self, prepare, n_channels):
        """Check the parameter; nothing to learn (see :meth:`RandomTranspose.bind`)."""
        if not isinstance(self.min_fraction, Real) or not 0 < self.min_fraction <= 1:
            raise ValueError(f"min_fraction must be in (0, 1], got {self.min_fraction!r}.")
        return self

    def __call__(self, X, lengths):
        n, total = X.shape[0], X.shape[-1]
        if lengths is None:
            lengths = torch.full((n,), total, dtype=torch.long)
        frac = self.min_fraction + (1 - self.min_fraction) * torch.rand(n)
        new = (lengths.double() * frac).round().long().clamp(min=1)
        new = torch.minimum(new, lengths)
        start = (torch.rand(n) * (lengths - new + 1).double()).long()
        width = int(new.max())
        steps = torch.arange(width)
        index = (start[:, None] + steps[None, :]).clamp(max=total - 1)
        index = torch.minimum(index, (start + new - 1)[:, None])
        out = X.gather(-1, index[:, None, :].expand(n, X.shape[1], width).to(X.device))
        out = out * (steps[None, :] < new[:, None]).to(X.dtype).to(X.device)[:, None, :]
        return out, new.to(lengths.device)


def bind_augmenters(augment, prepare, n_channels):
    """``augment`` (None, one augmenter or a list) as one bound callable, or None."""
    if augment is None:
        return None
    items = list(augment) if isinstance(augment, (list, tuple)) else [augment]
    for item in items:
        if not (callable(item) and hasattr(item, "bind")):
            raise ValueError(
                f"augment must be an augmenter of skmusic.nn.augment (or a list of them), "
                f"got {item!r}."
            )
    return AugmentChain([item.bind(prepare, n_channels) for item in items])


class AugmentChain:
    """Bound augmenters applied one after the other (picklable with the model)."""

    def __init__(self, augmenters):
        self.augmenters = augmenters

    def __call__(self, X, lengths):
        for item in self.augmenters:
            X, lengths = item(X, lengths)
        return X, lengths
