"""The public contract of skmusic's network estimators: data path, training recipe, inference.

Every network estimator of skmusic (the classifiers of :mod:`skmusic.nn` and the
generators of :mod:`skmusic.generation`) derives from :class:`BaseNeuralEstimator`:

* ``__init__`` only stores plain parameters (the architecture's knobs and the
  training knobs below); nothing is validated or built there;
* ``fit`` validates the batch with :func:`skmusic.utils.validation.validate_batch`,
  builds the ``torch.nn.Module`` from the parameters (the one hook a subclass
  writes, :meth:`BaseNeuralEstimator._build_module`), wraps it in a skorch net
  and trains it; the fitted net is ``net_`` (``net_.history`` holds the epoch
  table for plotting);
* data reach the module through :class:`SequenceDataset` and
  :class:`BatchIterator`, which index whole batches of one padded tensor
  instead of collating item by item (skorch's default path), so training costs
  little over a plain PyTorch loop; ragged batches are zero-padded once and the
  true lengths travel with every batch (``forward(X, lengths=None)``);
* inference goes through :func:`inference` (evaluation mode, no autograd).

The training recipe (one place, the same for every network)
-----------------------------------------------------------
Chosen on many data sets at once (``benchmarks/bench_peers.py``), never per set:

* **input normalization inside the estimator** (classifiers, ``normalize``):
  per-series z-normalization by default -- each sequence and channel by its own
  mean and deviation, padding excluded -- or dataset-wide per-channel
  standardization fitted in ``fit`` and stored with the model
  (``input_mean_``, ``input_scale_``); raw pitches, sensor currents or dB
  spectrograms need no scaler step;
* **long inputs are shortened**: sequences longer than ``max_timesteps`` are
  average-pooled in time by one stride fixed in ``fit`` (``input_stride_``);
* **AdamW** with weight decay, a **learning-rate schedule** (linear warm-up then
  cosine decay over ``max_epochs``; ``"onecycle"`` or ``"constant"`` on request)
  and **gradient clipping** (``grad_clip``);
* **early stopping** on an internal validation split (stratified for
  classifiers, whole sequences for generators): ``validation_fraction`` is
  held out, scored every epoch, training stops after ``patience`` epochs
  without improvement and the best epoch's weights are restored;
  ``max_epochs`` is an upper bound, ``max_time`` an optional wall-clock budget.

A subclass implements :meth:`BaseNeuralEstimator._build_module` (and, if its
layers need a minimum length, :meth:`BaseNeuralEstimator._min_timesteps`),
lists every training parameter in its ``__init__``, and formats
:func:`training_params_doc` into its docstring.
"""

import copy
import math
import time
from contextlib import contextmanager
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import torch
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.model_selection import StratifiedGroupKFold, StratifiedShuffleSplit
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d
from skorch import NeuralNet, NeuralNetClassifier
from skorch.callbacks import Callback, GradientNormClipping
from skorch.callbacks import EarlyStopping as _SkorchEarlyStopping

from ..utils.validation import batch_lengths, validate_batch
from .augment import bind_augmenters

__all__ = [
    "BaseNeuralEstimator",
    "BaseNeuralClassifier",
    "SequenceDataset",
    "BatchIterator",
    "IndexSplit",
    "held_out_groups",
    "LRSchedule",
    "EarlyStopping",
    "PresetMixin",
    "TimeBudget",
    "batch_to_tensors",
    "normalize_batch",
    "downsample_batch",
    "inference",
    "resolve_device",
    "check_sizes",
    "training_params_doc",
    "TRAINING_DEFAULTS",
]

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
    "adadelta": torch.optim.Adadelta,
}


# ---------------------------------------------------------------------------
# data path: one padded tensor indexed by whole batches
# ---------------------------------------------------------------------------


class SequenceDataset(torch.utils.data.Dataset):
    """A batch of (padded) sequences indexed by whole mini-batches.

    ``dataset[idx]`` with an index tensor, array or slice returns a whole
    mini-batch at once: ``(Xb, yb)`` where ``Xb`` is a tensor
    ``(batch, n_channels, n_timesteps)`` or, when lengths are kept, a dict
    ``{"X": tensor, "lengths": tensor}`` (skorch passes a dict to the module's
    ``forward`` as keyword arguments), cut to the longest sequence of the batch.

    Parameters
    ----------
    X : torch.Tensor of shape (n_sequences, n_channels, n_timesteps)
        Zero-padded sequences.
    lengths : torch.Tensor of shape (n_sequences,), dtype int64, default=None
        True lengths; ``None`` when every sequence fills ``n_timesteps``.
    y : torch.Tensor or numpy.ndarray of shape (n_sequences, ...), default=None
        Targets; ``None`` yields placeholder zeros (prediction).
    """

    def __init__(self, X, lengths=None, y=None):
        self.X = X
        self.lengths = lengths
        if y is not None and not isinstance(y, torch.Tensor):
            y = torch.as_tensor(np.asarray(y))
        self.y = y

    def __len__(self):
        return self.X.shape[0]

    def __getitem__(self, idx):
        single = isinstance(idx, Integral)
        if single:
            idx = slice(idx, idx + 1)
        xb = self.X[idx]
        if self.lengths is not None:
            lb = self.lengths[idx]
            xb = {"X": xb[..., : int(lb.max())], "lengths": lb}
        n = (xb["X"] if isinstance(xb, dict) else xb).shape[0]
        yb = torch.zeros(n) if self.y is None else self.y[idx]
        if single:  # one item, as a per-item Dataset would give it
            xb = {k: v[0] for k, v in xb.items()} if isinstance(xb, dict) else xb[0]
            yb = yb[0]
        return xb, yb


def _unwrap_subset(dataset):
    """The underlying dataset and the index tensor of (nested) Subsets."""
    indices = None
    while isinstance(dataset, torch.utils.data.Subset):
        sub = torch.as_tensor(np.asarray(dataset.indices), dtype=torch.long)
        indices = sub if indices is None else sub[indices]
        dataset = dataset.dataset
    return dataset, indices


class BatchIterator:
    """Iterate a :class:`SequenceDataset` by whole mini-batches.

    Used as skorch's ``iterator_train`` and ``iterator_valid`` in place of
    ``torch.utils.data.DataLoader``: each batch is one indexing of the padded
    tensor (a view when unshuffled), not ``batch_size`` item lookups followed by
    ``default_collate``. Takes skorch's ``Subset`` splits (``ValidSplit``).

    Parameters
    ----------
    dataset : SequenceDataset or torch.utils.data.Subset of one
    batch_size : int, default=128
    shuffle : bool, default=False
        Draw a new order every epoch from torch's (seeded) global generator.
    drop_last : bool, default=False
    augment : callable, default=None
        ``augment(X, lengths) -> (X, lengths)`` applied to every batch (the
        training iterator's augmentation, see :mod:`skmusic.nn.augment`).
    **kwargs : ignored (DataLoader arguments such as ``num_workers``).
    """

    def __init__(
        self, dataset, batch_size=128, shuffle=False, drop_last=False, augment=None, **kwargs
    ):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.augment = augment

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        base, indices = _unwrap_subset(self.dataset)
        n = len(base) if indices is None else len(indices)
        bs = self.batch_size
        order = torch.randperm(n) if self.shuffle else None
        if order is not None and indices is not None:
            order = indices[order]
        elif order is None:
            order = indices
        stop = n - n % bs if self.drop_last else n
        for start in range(0, stop, bs):
            if order is None:
                batch = base[start : start + bs]
            else:
                batch = base[order[start : start + bs]]
            yield batch if self.augment is None else self._augmented(*batch)

    def _augmented(self, xb, yb):
        X, lengths = (xb["X"], xb["lengths"]) if isinstance(xb, dict) else (xb, None)
        X, lengths = self.augment(X, lengths)
        return (X if lengths is None else {"X": X, "lengths": lengths}), yb


def batch_to_tensors(batch):
    """A validated batch as one padded float tensor and its true lengths.

    Parameters
    ----------
    batch : ndarray of shape (n, C, T) or list of ndarray of shape (C, T_i)
        As returned by :func:`skmusic.utils.validation.validate_batch`.

    Returns
    -------
    X : torch.Tensor of shape (n, C, max T_i), float32
    lengths : torch.Tensor of shape (n,), int64, or None
        ``None`` when all sequences have the same length.
    """
    if isinstance(batch, np.ndarray):
        return torch.from_numpy(np.ascontiguousarray(batch, dtype=np.float32)), None
    lengths = batch_lengths(batch)
    if (lengths == lengths[0]).all():
        return torch.from_numpy(np.stack(batch).astype(np.float32, copy=False)), None
    X = np.zeros((len(batch), batch[0].shape[0], lengths.max()), dtype=np.float32)
    for i, seq in enumerate(batch):
        X[i, :, : seq.shape[1]] = seq
    return torch.from_numpy(X), torch.from_numpy(lengths.astype(np.int64))


def resolve_device(device):
    """``"auto"`` -> ``"cuda"`` when a GPU is available, else ``"cpu"``."""
    if device == "auto" or device is None:
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def check_sizes(name, value, *, allow_empty=False):
    """A positive int or a sequence of them, as a tuple; else a ValueError."""
    values = (value,) if isinstance(value, Integral) else value
    try:
        values = tuple(values)
    except TypeError:
        values = None
    if (
        values is None
        or (not values and not allow_empty)
        or not all(isinstance(v, Integral) and not isinstance(v, bool) and v > 0 for v in values)
    ):
        raise ValueError(
            f"{name} must be a positive integer or a sequence of positive integers"
            f"{' (may be empty)' if allow_empty else ''}, got {value!r}."
        )
    return tuple(int(v) for v in values)


@contextmanager
def inference(module):
    """Run ``module`` for inference: evaluation mode, no autograd; restored after.

    The one place skmusic's estimators and generators switch a module to
    inference (dropout off, batch norm on its running statistics).

    Parameters
    ----------
    module : torch.nn.Module

    Examples
    --------
    >>> import torch
    >>> from skmusic.nn.base import inference
    >>> layer = torch.nn.Dropout(0.5)
    >>> with inference(layer):
    ...     out = layer(torch.ones(3))
    >>> out.tolist(), layer.training
    ([1.0, 1.0, 1.0], True)
    """
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            yield module
    finally:
        module.train(was_training)


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
    >>> from skmusic.nn.base import downsample_batch
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


def held_out_groups(n_groups, fraction, seed):
    """Ids of ``round(fraction * n_groups)`` groups (at least one, never all), at random.

    Parameters
    ----------
    n_groups : int
        At least 2.
    fraction : float in (0, 1)
    seed : int, RandomState instance or None

    Returns
    -------
    held : ndarray of int
    """
    n_valid = min(max(round(fraction * n_groups), 1), n_groups - 1)
    return check_random_state(seed).permutation(n_groups)[:n_valid]


def _group_validation(y, groups, fraction, seed, *, stratify):
    """Indices of whole groups, about ``fraction`` of the items, or None if too few."""
    codes, group_ids = np.unique(groups, return_inverse=True)
    n_groups = len(codes)
    n_splits = max(2, int(round(1 / fraction)))
    if stratify:
        # a group's class: its most common label (ties: the first class)
        classes, y_codes = np.unique(y, return_inverse=True)
        counts = np.zeros((n_groups, len(classes)), dtype=int)
        np.add.at(counts, (group_ids, y_codes), 1)
        group_y = counts.argmax(axis=1)
        _, per_class = np.unique(group_y, return_counts=True)
        if n_groups < 2 * len(per_class) or per_class.min() < 2:
            return None
        splitter = StratifiedGroupKFold(
            min(n_splits, int(per_class.min())), shuffle=True, random_state=seed
        )
        _, valid = next(splitter.split(np.zeros(len(y)), y, group_ids))
        return np.sort(valid)
    if n_groups < 2:
        return None
    return np.flatnonzero(np.isin(group_ids, held_out_groups(n_groups, fraction, seed)))


class IndexSplit:
    """skorch ``train_split`` that holds out fixed item indices.

    Parameters
    ----------
    valid_indices : array-like of int
        Items of the dataset scored after every epoch; the rest are trained on.
    """

    def __init__(self, valid_indices):
        self.valid_indices = np.asarray(valid_indices, dtype=int)

    def __call__(self, dataset, y=None, **fit_params):
        n = len(dataset)
        mask = np.ones(n, dtype=bool)
        mask[self.valid_indices] = False
        train = torch.utils.data.Subset(dataset, np.flatnonzero(mask).tolist())
        valid = torch.utils.data.Subset(dataset, self.valid_indices.tolist())
        return train, valid


class LRSchedule(Callback):
    """Learning-rate schedule set every training batch.

    ``"cosine"``: linear warm-up over the first 5 % of the steps of
    ``max_epochs`` epochs, then cosine decay to zero; ``"onecycle"``: warm-up
    over 30 % from ``lr / 25``, then cosine decay to ``lr / 1e4`` (the learning
    rate of PyTorch's ``OneCycleLR``); ``"constant"``: ``lr`` throughout.

    Parameters
    ----------
    policy : {"cosine", "onecycle", "constant"}
    max_epochs : int
    steps_per_epoch : int
        Training batches per epoch (an estimate is fine: progress is clipped).
    """

    def __init__(self, policy, max_epochs, steps_per_epoch):
        self.policy = policy
        self.max_epochs = max_epochs
        self.steps_per_epoch = steps_per_epoch

    def initialize(self):
        self.step_ = 0
        return self

    def factor(self, step):
        """Multiplier of the base learning rate at training step ``step``."""
        if self.policy == "constant":
            return 1.0
        total = max(1, self.max_epochs * self.steps_per_epoch)
        progress = min(step / total, 1.0)
        if self.policy == "cosine":
            warm, start, end = 0.05, 0.0, 0.0
        else:
            warm, start, end = 0.3, 1 / 25, 1e-4
        if progress < warm:
            return start + (1 - start) * step / max(1.0, warm * total)
        decay = (progress - warm) / (1 - warm)
        return end + (1 - end) * 0.5 * (1 + math.cos(math.pi * decay))

    def on_train_begin(self, net, **kwargs):
        self.step_ = 0
        self.base_lrs_ = [g.get("initial_lr", net.lr) for g in net.optimizer_.param_groups]
        for group, base in zip(net.optimizer_.param_groups, self.base_lrs_, strict=True):
            group["initial_lr"] = base

    def on_batch_begin(self, net, training=False, **kwargs):
        if not training:
            return
        f = self.factor(self.step_)
        for group, base in zip(net.optimizer_.param_groups, self.base_lrs_, strict=True):
            group["lr"] = base * f
        self.step_ += 1


class EarlyStopping(_SkorchEarlyStopping):
    """skorch's ``EarlyStopping`` that never stops before ``min_epochs``.

    While the learning rate is still high (warm-up, early cosine), the
    validation loss is noisy; the best epoch is still tracked (and restored
    with ``load_best``) from the first epoch on.

    Parameters
    ----------
    min_epochs : int, default=0
    **kwargs : skorch.callbacks.EarlyStopping's parameters.
    """

    def __init__(self, min_epochs=0, **kwargs):
        super().__init__(**kwargs)
        self.min_epochs = min_epochs

    def on_epoch_end(self, net, **kwargs):
        try:
            super().on_epoch_end(net, **kwargs)
        except KeyboardInterrupt:
            if len(net.history) >= self.min_epochs:
                raise
            self.misses_ -= 1


class TimeBudget(Callback):
    """Stop training once ``seconds`` of wall-clock time have passed.

    Checked after every epoch; skorch then ends ``fit`` cleanly (and early
    stopping restores the best weights).

    Parameters
    ----------
    seconds : float
    """

    def __init__(self, seconds):
        self.seconds = seconds

    def on_train_begin(self, net, **kwargs):
        self.start_ = time.perf_counter()

    def on_epoch_end(self, net, **kwargs):
        if time.perf_counter() - self.start_ > self.seconds:
            net.history.record("stopped_by_time", True)
            raise KeyboardInterrupt  # skorch ends fit() cleanly on it


TRAINING_DEFAULTS = {
    "max_epochs": 100,
    "batch_size": 32,
    "lr": 0.003,
    "optimizer": "adamw",
    "weight_decay": 0.01,
    "lr_schedule": "cosine",
    "validation_fraction": 0.1,
    "patience": 15,
    "max_time": None,
    "grad_clip": 1.0,
}

_TRAINING_DOC = """
    max_epochs : int, default={max_epochs}
        Upper bound on passes over the training data (early stopping usually
        ends sooner).
    batch_size : int, default={batch_size}
        Sequences per mini-batch.
    lr : float, default={lr}
        Peak learning rate (see ``lr_schedule``).
    optimizer : {{"adamw", "adam", "sgd", "rmsprop", "adadelta"}} or torch optimizer \
class, default="{optimizer}"
    weight_decay : float, default={weight_decay}
        Weight decay of the optimizer (decoupled for AdamW).
    lr_schedule : {{"cosine", "onecycle", "constant"}}, default="{lr_schedule}"
        ``"cosine"``: linear warm-up over the first 5 % of ``max_epochs``, then
        cosine decay; ``"onecycle"``: 30 % warm-up from ``lr / 25``, cosine
        decay to ``lr / 1e4``; ``"constant"``: ``lr`` throughout.
    validation_fraction : float in (0, 1) or None, default={validation_fraction}
        Share of the training data held out ({split}) and scored after every
        epoch (``valid_loss`` in ``net_.history``); the weights of the epoch with
        the lowest validation loss are restored at the end. ``None`` trains on
        everything, as does a data set too small to hold out at least two
        sequences per class (then the whole schedule runs, without early stopping).
    patience : int or None, default={patience}
        Stop when the validation loss (the training loss without validation)
        has not improved for this many epochs, but not before 30 % of
        ``max_epochs``; ``None`` never stops early.
    max_time : float or None, default={max_time}
        Wall-clock budget in seconds, checked after every epoch.
    grad_clip : float or None, default={grad_clip}
        Clip the gradients' global norm to this value; ``None`` does not clip.
    callbacks : list of skorch callbacks, default=None
        Extra callbacks (copied at every fit).
    device : str, default="auto"
        ``"auto"`` uses CUDA when available, else the CPU; or any torch device.
    verbose : int, default=0
        ``1`` prints skorch's epoch table.
    random_state : int, RandomState instance or None, default=None
        Seeds torch (weights, shuffling, dropout) and the validation split; a
        fixed value makes two fits give identical predictions.
"""


def training_params_doc(*, split="stratified by class", **defaults):
    """The numpydoc text of the shared training parameters, with a class's defaults.

    Parameters
    ----------
    split : str, default="stratified by class"
        How the validation share is drawn, in words.
    **defaults
        Defaults that differ from :data:`TRAINING_DEFAULTS`.

    Returns
    -------
    doc : str
    """
    return _TRAINING_DOC.format(split=split, **{**TRAINING_DEFAULTS, **defaults})


# ---------------------------------------------------------------------------
# estimators
# ---------------------------------------------------------------------------


class PresetMixin:
    """``from_preset(name, **params)`` for estimators with a ``_presets`` table."""

    _presets: ClassVar[dict] = {}

    @classmethod
    def from_preset(cls, name, **params):
        """An estimator configured as one of the named presets.

        Parameters
        ----------
        name : str
            One of the presets listed in the class docstring.
        **params
            Further parameters, overriding the preset's.

        Returns
        -------
        estimator : instance of this class
        """
        if name not in cls._presets:
            raise ValueError(
                f"Unknown preset {name!r} for {cls.__name__}; choose one of {sorted(cls._presets)}."
            )
        return cls(**{**cls._presets[name], **params})


class BaseNeuralEstimator(BaseEstimator):
    """Base class of skmusic's skorch-based network estimators.

    Not for direct use. See the module docstring for the contract.
    """

    _net_class = NeuralNet
    _criterion = torch.nn.MSELoss
    _stratify = False

    _parameter_constraints = {
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(OPTIMIZERS)), type],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "lr_schedule": [StrOptions({"cosine", "onecycle", "constant"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "patience": [Interval(Integral, 1, None, closed="left"), None],
        "max_time": [Interval(Real, 0, None, closed="neither"), None],
        "grad_clip": [Interval(Real, 0, None, closed="neither"), None],
        "callbacks": [list, tuple, None],
        "device": [str, torch.device, None],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    # --- the hook to implement --------------------------------------------
    def _build_module(self, n_channels, n_outputs):
        """Build the ``torch.nn.Module`` from the parameters (validate them here)."""
        raise NotImplementedError

    def _min_timesteps(self):
        """``(minimum length, reason)`` the module needs; ``(1, None)`` by default."""
        return 1, None

    def _check_n_channels(self, n_channels):
        """Raise a ValueError if the module cannot take ``n_channels``."""

    # --- shared machinery -------------------------------------------------
    def _validate_X(self, X, *, reset):
        min_len, reason = self._min_timesteps()
        batch = validate_batch(
            self, X, reset=reset, min_timesteps=min_len, min_timesteps_reason=reason
        )
        if reset:
            self._check_n_channels(batch[0].shape[0])
        return batch

    def _make_dataset(self, batch, y=None):
        X, lengths = batch_to_tensors(batch)
        return SequenceDataset(X, lengths, y)

    def _seed(self):
        """An int seed drawn from ``random_state``, or None."""
        if self.random_state is None:
            return None
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    def _validation_indices(self, y, seed, groups=None):
        """Items held out for early stopping, or None (no fraction, too little data).

        With ``groups``, whole groups are held out (stratified by class where
        the groups allow), so items of one group never straddle the split.
        """
        if self.validation_fraction is None or y is None:
            return None
        y = np.asarray(y)
        n = len(y)
        n_valid = int(round(self.validation_fraction * n))
        if groups is not None:
            return _group_validation(
                y, np.asarray(groups), self.validation_fraction, seed, stratify=self._stratify
            )
        if self._stratify:
            _, counts = np.unique(y, return_counts=True)
            n_classes = len(counts)
            # a validation set of fewer than two sequences per class only adds noise
            if n_valid < 2 * n_classes or counts.min() < 3:
                return None
            splitter = StratifiedShuffleSplit(1, test_size=n_valid, random_state=seed)
            _, valid = next(splitter.split(np.zeros(n), y))
            return np.sort(valid)
        if n_valid < 2 or n - n_valid < 1:
            return None
        rng = np.random.RandomState(seed)
        return np.sort(rng.permutation(n)[:n_valid])

    def _make_net(self, module, *, seed, n_items, y=None, groups=None, **net_params):
        callbacks = [copy.deepcopy(cb) for cb in (self.callbacks or [])]
        train_split = net_params.pop("train_split", "auto")
        if train_split == "auto":
            valid = self._validation_indices(y, seed, groups)
            train_split = None if valid is None else IndexSplit(valid)
        n_train = n_items
        if isinstance(train_split, IndexSplit):
            n_train = n_items - len(train_split.valid_indices)
        elif train_split is not None and self.validation_fraction is not None:
            n_train = int(n_items * (1 - self.validation_fraction))
        if train_split is not None:
            patience = self.max_epochs + 1 if self.patience is None else self.patience
            callbacks.append(
                (
                    "early_stopping",
                    EarlyStopping(
                        monitor="valid_loss",
                        patience=patience,
                        load_best=True,
                        min_epochs=int(0.3 * self.max_epochs),
                    ),
                )
            )
        elif self.patience is not None and self.validation_fraction is None:
            # asked for no validation: stop on the training loss
            callbacks.append(
                (
                    "early_stopping",
                    EarlyStopping(
                        monitor="train_loss",
                        patience=self.patience,
                        min_epochs=int(0.3 * self.max_epochs),
                    ),
                )
            )
        if self.lr_schedule != "constant":  # leaves room for the user's own
            callbacks.append(
                (
                    "lr_schedule",
                    LRSchedule(
                        self.lr_schedule, self.max_epochs, max(1, -(-n_train // self.batch_size))
                    ),
                )
            )
        if self.grad_clip is not None:
            callbacks.append(("grad_clip", GradientNormClipping(self.grad_clip)))
        if self.max_time is not None:
            callbacks.append(("time_budget", TimeBudget(self.max_time)))
        optimizer = self.optimizer
        if isinstance(optimizer, str):
            optimizer = OPTIMIZERS[optimizer]
        if self.weight_decay:
            net_params.setdefault("optimizer__weight_decay", self.weight_decay)
        return self._net_class(
            module,
            criterion=self._criterion,
            optimizer=optimizer,
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            iterator_train=BatchIterator,
            iterator_train__shuffle=True,
            iterator_valid=BatchIterator,
            train_split=train_split,
            callbacks=callbacks,
            device=resolve_device(self.device),
            verbose=self.verbose,
            **net_params,
        )

    def _fit_net(self, build_module, dataset, y=None, groups=None, **net_params):
        """Build the module and the skorch net around it (``net_``); train it.

        Both happen under torch's generator seeded from ``random_state`` (and
        restored afterwards), so weights, shuffling and dropout repeat exactly.

        Parameters
        ----------
        build_module : callable
            Called without arguments; returns the ``torch.nn.Module``.
        dataset : SequenceDataset
            Holds inputs and targets.
        y : array-like, default=None
            Targets again, for the (stratified) validation split and skorch's
            class inference; ``None`` where not needed.
        groups : array-like, default=None
            Group of every item; the validation split holds out whole groups.
        **net_params : further arguments of the skorch net. ``train_split``
            replaces the validation split drawn from ``validation_fraction``
            (a generator holds out whole sequences this way).
        """
        seed = self._seed()
        device = resolve_device(self.device)
        cuda = [torch.device(device).index or 0] if str(device).startswith("cuda") else []
        with torch.random.fork_rng(devices=cuda):
            if seed is not None:
                torch.manual_seed(seed)
            module = build_module()
            self.net_ = self._make_net(
                module, seed=seed, n_items=len(dataset), y=y, groups=groups, **net_params
            )
            self.net_.fit(dataset, y)
        return self.net_

    def _forward(self, dataset):
        """The module's outputs for every item of ``dataset``, as float64 numpy.

        Sequences of unequal lengths go through the module sorted by length (so
        each batch pads little), and come back in their own order.
        """
        order = None
        if dataset.lengths is not None:
            order = torch.argsort(dataset.lengths, stable=True)
            y = None if dataset.y is None else dataset.y[order]
            dataset = SequenceDataset(dataset.X[order], dataset.lengths[order], y)
        out = self.net_.forward(dataset, training=False, device="cpu")
        if order is not None:
            out = out[torch.argsort(order)]
        return out.double().numpy()

    @property
    def history_(self):
        """The fitted net's skorch history (one row per epoch)."""
        check_is_fitted(self, "net_")
        return self.net_.history

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.two_d_array = True
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        return tags


class BaseNeuralClassifier(ClassifierMixin, BaseNeuralEstimator):
    """Base class of skmusic's network classifiers.

    Labels (strings or integers) are encoded with a ``LabelEncoder`` into
    ``classes_``; the module outputs one logit per class, trained with
    cross-entropy; ``predict_proba`` is their softmax. Inputs are normalized
    (``normalize``) and shortened (``max_timesteps``) the same way in ``fit``
    and at prediction.
    """

    _net_class = NeuralNetClassifier
    _criterion = torch.nn.CrossEntropyLoss
    _stratify = True

    _parameter_constraints = {
        **BaseNeuralEstimator._parameter_constraints,
        "normalize": [StrOptions({"series", "series+stats", "channel"}), None],
        "max_timesteps": [Interval(Integral, 1, None, closed="left"), None],
        "augment": [list, tuple, callable, None],
    }

    def _prepare(self, batch, *, fit):
        """Normalize and shorten a validated batch (learning how in ``fit``)."""
        mode = self.normalize
        if fit:
            self.input_mean_ = self.input_scale_ = None
            if mode == "channel":
                self.input_mean_, self.input_scale_ = channel_stats(batch)
            longest = int(batch_lengths(batch).max())
            limit = self.max_timesteps
            self.input_stride_ = 1 if limit is None else max(1, -(-longest // limit))
        if mode == "series+stats":
            stats = series_stats(batch)
            if fit:
                self.input_mean_ = stats.mean(axis=0).astype(np.float32)
                scale = stats.std(axis=0)
                # statistics that hardly vary (e.g. of already z-normalized
                # series) would be rounding noise blown up: they become zeros
                scale[scale < 1e-3] = np.inf
                self.input_scale_ = scale.astype(np.float32)
            stats = (stats - self.input_mean_) / self.input_scale_
            batch = normalize_batch(batch, "series")
            batch = append_constant_channels(batch, stats)
        else:
            batch = normalize_batch(batch, mode, mean=self.input_mean_, scale=self.input_scale_)
        return downsample_batch(batch, self.input_stride_)

    def _module_channels(self):
        """Channels the module reads (``normalize="series+stats"`` adds two per channel)."""
        return self.n_channels_in_ * (3 if self.normalize == "series+stats" else 1)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, groups=None):
        """Fit the network.

        Parameters
        ----------
        X : array-like of shape (n_sequences, n_channels, n_timesteps), \
                (n_sequences, n_timesteps) or list of array-like of shape \
                (n_channels, n_timesteps_i)
            Training sequences; a 2D array is read as single-channel sequences.
        y : array-like of shape (n_sequences,)
            Class labels (strings or integers).
        groups : array-like of shape (n_sequences,), default=None
            Group of every sequence (e.g. the song a slice comes from, as
            :class:`~skmusic.ensemble.VotingSliceClassifier` passes it): the
            validation split then holds out whole groups.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        batch = self._validate_X(X, reset=True)
        y = column_or_1d(y, warn=True)
        if len(y) != len(batch):
            raise ValueError(
                f"X has {len(batch)} sequences but y has {len(y)} labels; "
                "give one label per sequence."
            )
        check_classification_targets(y)
        if groups is not None:
            groups = column_or_1d(groups)
            if len(groups) != len(y):
                raise ValueError(
                    f"groups has {len(groups)} entries but X has {len(y)} sequences; "
                    "give one group per sequence."
                )
        encoder = LabelEncoder()
        y_enc = encoder.fit_transform(y)
        self.classes_ = encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(
                f"y has only one class ({self.classes_[0]!r}); a classifier needs "
                "sequences of at least 2 classes."
            )
        batch = self._prepare(batch, fit=True)
        augment = bind_augmenters(
            self.augment, lambda raw: self._prepare(raw, fit=False), self.n_channels_in_
        )
        n_channels, n_classes = self._module_channels(), len(self.classes_)
        dataset = self._make_dataset(batch, torch.from_numpy(y_enc.astype(np.int64)))
        self._fit_net(
            lambda: self._build_module(n_channels, n_classes),
            dataset,
            y_enc,
            groups=groups,
            classes=list(range(n_classes)),
            iterator_train__augment=augment,
        )
        return self

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences, as in :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_sequences, n_classes)
            Rows sum to 1; columns follow ``classes_``.
        """
        check_is_fitted(self, "net_")
        batch = self._prepare(self._validate_X(X, reset=False), fit=False)
        return softmax(self._forward(self._make_dataset(batch)), axis=1)

    def predict(self, X):
        """Predicted class labels.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences, as in :meth:`fit`.

        Returns
        -------
        y : ndarray of shape (n_sequences,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
