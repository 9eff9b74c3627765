"""Shared skorch-based machinery for skmusic's network estimators.

Every network estimator of skmusic (the classifiers of :mod:`skmusic.nn` and the
generators of :mod:`skmusic.generation`) derives from :class:`BaseNeuralEstimator`:

* ``__init__`` only stores plain parameters (the architecture's knobs and the
  training knobs below); nothing is validated or built there;
* ``fit`` validates the batch with :func:`skmusic.utils.validation.validate_batch`,
  builds the ``torch.nn.Module`` from the parameters (:meth:`_build_module`),
  wraps it in a skorch net and trains it; the fitted net is ``net_`` (its
  ``history`` holds the epoch table for plotting);
* data reach the module through :class:`SequenceDataset` and
  :class:`BatchIterator`, which index whole batches of one padded tensor
  instead of collating item by item (skorch's default path), so training costs
  little over a plain PyTorch loop;
* ragged batches are zero-padded once, and the true lengths travel with every
  batch (the module's ``forward(X, lengths=None)`` gets them), each batch being
  cut to its own longest sequence.

Common training parameters: ``max_epochs``, ``batch_size``, ``lr``,
``optimizer``, ``validation_fraction`` (a held-out, for classifiers stratified,
share scored every epoch, whose best weights are kept), ``patience`` (early
stopping), ``callbacks`` (extra skorch callbacks), ``device`` (``"auto"`` picks
CUDA when present), ``verbose`` and ``random_state`` (seeds torch, so two fits
give identical predictions).

A subclass implements :meth:`_build_module` (and, if its convolution/pooling
stack needs it, :meth:`_min_timesteps`), sets ``_net_class`` and
``_criterion``, and writes its ``fit`` from :meth:`_validate_X`,
:meth:`_make_dataset`, :meth:`_fit_net` and :meth:`_forward`.
"""

import copy
from numbers import Integral, Real

import numpy as np
import torch
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d
from skorch import NeuralNet, NeuralNetClassifier
from skorch.callbacks import EarlyStopping
from skorch.dataset import ValidSplit

from ..utils.validation import batch_lengths, validate_batch

__all__ = [
    "BaseNeuralEstimator",
    "BaseNeuralClassifier",
    "SequenceDataset",
    "BatchIterator",
    "batch_to_tensors",
    "resolve_device",
    "check_sizes",
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
    **kwargs : ignored (DataLoader arguments such as ``num_workers``).
    """

    def __init__(self, dataset, batch_size=128, shuffle=False, drop_last=False, **kwargs):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last

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
                yield base[start : start + bs]
            else:
                yield base[order[start : start + bs]]


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


# ---------------------------------------------------------------------------
# estimators
# ---------------------------------------------------------------------------


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
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "patience": [Interval(Integral, 1, None, closed="left"), None],
        "callbacks": [list, tuple, None],
        "device": [str, torch.device, None],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    # --- to implement -----------------------------------------------------
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

    def _make_net(self, module, *, seed, **net_params):
        callbacks = [copy.deepcopy(cb) for cb in (self.callbacks or [])]
        if self.validation_fraction is not None:
            train_split = ValidSplit(
                self.validation_fraction, stratified=self._stratify, random_state=seed
            )
            patience = self.max_epochs + 1 if self.patience is None else self.patience
            callbacks.append(
                ("early_stopping",
                 EarlyStopping(monitor="valid_loss", patience=patience, load_best=True))
            )
        else:
            train_split = None
            if self.patience is not None:
                callbacks.append(
                    ("early_stopping", EarlyStopping(monitor="train_loss", patience=self.patience))
                )
        optimizer = self.optimizer
        if isinstance(optimizer, str):
            optimizer = OPTIMIZERS[optimizer]
        # a subclass may hold out its own validation data (net_params["train_split"])
        net_params.setdefault("train_split", train_split)
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
            callbacks=callbacks,
            device=resolve_device(self.device),
            verbose=self.verbose,
            **net_params,
        )

    def _fit_net(self, build_module, dataset, y=None, **net_params):
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
        **net_params : further arguments of the skorch net.
        """
        seed = self._seed()
        device = resolve_device(self.device)
        cuda = [torch.device(device).index or 0] if str(device).startswith("cuda") else []
        with torch.random.fork_rng(devices=cuda):
            if seed is not None:
                torch.manual_seed(seed)
            module = build_module()
            self.net_ = self._make_net(module, seed=seed, **net_params)
            self.net_.fit(dataset, y)
        return self.net_

    def _forward(self, dataset):
        """The module's outputs for every item of ``dataset``, as float64 numpy."""
        out = self.net_.forward(dataset, training=False, device="cpu")
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
    cross-entropy; ``predict_proba`` is their softmax.
    """

    _net_class = NeuralNetClassifier
    _criterion = torch.nn.CrossEntropyLoss
    _stratify = True

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the network.

        Parameters
        ----------
        X : array-like of shape (n_sequences, n_channels, n_timesteps), \
                (n_sequences, n_timesteps) or list of array-like of shape \
                (n_channels, n_timesteps_i)
            Training sequences; a 2D array is read as single-channel sequences.
        y : array-like of shape (n_sequences,)
            Class labels (strings or integers).

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
        encoder = LabelEncoder()
        y_enc = encoder.fit_transform(y)
        self.classes_ = encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(
                f"y has only one class ({self.classes_[0]!r}); a classifier needs "
                "sequences of at least 2 classes."
            )
        n_channels, n_classes = self.n_channels_in_, len(self.classes_)
        dataset = self._make_dataset(batch, torch.from_numpy(y_enc.astype(np.int64)))
        self._fit_net(
            lambda: self._build_module(n_channels, n_classes),
            dataset,
            y_enc,
            classes=list(range(n_classes)),
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
        batch = self._validate_X(X, reset=False)
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
